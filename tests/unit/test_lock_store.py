"""The atomic lock store on a real Redis, without a cluster: one holder at a time, released
only by its holder, redis-py's Lock used from several threads."""

from __future__ import annotations

import asyncio

import pytest
from rasa.core.lock_store import LockError

from bot.server.lock_store import AtomicRedisLockStore
from tests.support.redis_server import REDIS_URL, redis_keys


@pytest.fixture
def servers():
    """Lock stores as each Rasa server builds its own, all on one Redis and key prefix."""
    import redis

    address = redis.Redis.from_url(REDIS_URL).connection_pool.connection_kwargs
    with redis_keys() as (_, prefix):
        yield lambda: AtomicRedisLockStore(host=address["host"], port=address["port"], key_prefix=prefix)


@pytest.fixture
def locks(servers):
    return servers()


def test_twenty_turns_of_one_conversation_take_turns_and_leave_no_lock(locks):
    inside, most = [0], [0]

    async def turn() -> None:
        async with locks.lock("conv", lock_lifetime=10):
            inside[0] += 1
            most[0] = max(most[0], inside[0])
            await asyncio.sleep(0.005)
            inside[0] -= 1

    async def main() -> None:
        await asyncio.gather(*(turn() for _ in range(20)))

    asyncio.run(main())
    assert most[0] == 1
    assert not locks.red.exists(locks._mutex_key("conv"))


def test_another_servers_lock_is_waited_for_and_never_deleted(servers):
    locks, other = servers(), servers()

    async def main() -> None:
        async with other.lock("shared", lock_lifetime=10):
            held_by_other = locks.red.get(locks._mutex_key("shared"))
            with pytest.raises(LockError):  # waits at most twice the lifetime, then gives up
                async with locks.lock("shared", lock_lifetime=0.1):
                    pass
            assert locks.red.get(locks._mutex_key("shared")) == held_by_other
        assert not locks.red.exists(locks._mutex_key("shared"))

    asyncio.run(main())


def test_an_expired_lock_is_not_deleted_by_its_old_holder(locks):
    async def main() -> None:
        async with locks.lock("slow", lock_lifetime=0.2):
            await asyncio.sleep(0.4)  # expired meanwhile: someone else takes it
            locks.red.set(locks._mutex_key("slow"), "other-holder")
        assert locks.red.get(locks._mutex_key("slow")) == b"other-holder"

    asyncio.run(main())


def test_the_lock_expires_after_its_lifetime(locks):
    async def main() -> None:
        async with locks.lock("ttl", lock_lifetime=5):
            assert 0 < locks.red.pttl(locks._mutex_key("ttl")) <= 5000

    asyncio.run(main())
