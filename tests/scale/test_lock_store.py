"""The atomic Redis lock store: one holder per conversation, released only by its holder."""

from __future__ import annotations

import asyncio

import pytest

from bot.ops.lock_store import AtomicRedisLockStore


@pytest.fixture
def locks(cluster):
    store = AtomicRedisLockStore(host="127.0.0.1", port=cluster.redis.port, key_prefix="locktest")
    yield store
    for key in store.red.scan_iter("locktest*"):
        store.red.delete(key)


def test_only_one_holder_at_a_time(locks):
    inside, most = [0], [0]

    async def turn() -> None:
        async with locks.lock("conv", lock_lifetime=10):
            inside[0] += 1
            most[0] = max(most[0], inside[0])
            await asyncio.sleep(0.01)
            inside[0] -= 1

    async def main() -> None:
        await asyncio.gather(*(turn() for _ in range(20)))

    asyncio.run(main())
    assert most[0] == 1
    assert not locks.red.exists(locks._mutex_key("conv"))


def test_an_expired_lock_is_not_deleted_by_its_old_holder(locks):
    async def main() -> None:
        async with locks.lock("slow", lock_lifetime=0.2):
            await asyncio.sleep(0.4)  # expired meanwhile: someone else takes it
            locks.red.set(locks._mutex_key("slow"), "other-holder")
        assert locks.red.get(locks._mutex_key("slow")) == b"other-holder"

    asyncio.run(main())


def test_loaded_from_an_endpoint_config(cluster):
    from rasa.core.lock_store import LockStore
    from rasa.utils.endpoints import EndpointConfig

    config = EndpointConfig(url="127.0.0.1", port=cluster.redis.port, key_prefix="locktest",
                            type="bot.ops.lock_store.AtomicRedisLockStore")
    store = LockStore.create(config)
    assert isinstance(store, AtomicRedisLockStore) and store.red.ping()
