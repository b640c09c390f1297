"""The one rate limiter (bot/common/rate_limit.py): its window, its keys, and a count shared in Redis."""

from __future__ import annotations

import asyncio
import logging
import socket
import time

import pytest
from limits.storage import MemoryStorage, RedisStorage

from bot.common import rate_limit
from bot.common.rate_limit import RateLimit
from tests.support.redis_server import REDIS_URL, redis_keys

NOBODY_LISTENS = "redis://127.0.0.1:1/0"


@pytest.fixture
def shared():
    """Two Redis storages made apart, as two Rasa servers make theirs, and a fresh limit name."""
    with redis_keys() as (client, prefix):
        yield RedisStorage(REDIS_URL), RedisStorage(REDIS_URL), prefix, client


def test_the_limit_per_window_then_how_long_to_wait():
    limiter = RateLimit(3, 60, "rest", MemoryStorage())
    assert [limiter.hit("a") for _ in range(3)] == [0, 0, 0]
    assert 59 <= limiter.hit("a") <= 61
    assert limiter.hit("b") == 0  # each conversation has its own budget


def test_a_hit_leaves_the_window_after_window_s():
    limiter = RateLimit(2, 1, "rest", MemoryStorage())
    assert [limiter.hit("a") for _ in range(3)][-1] >= 1
    time.sleep(1.1)
    assert limiter.hit("a") == 0


def test_zero_means_no_limit_and_no_storage_call():
    limiter = RateLimit(0, 60, "rest", RedisStorage(NOBODY_LISTENS))
    assert not any(limiter.hit("a") for _ in range(1000))
    assert limiter.wait_s("a") == 0


def test_names_keep_limits_apart_in_one_storage():
    storage = MemoryStorage()
    rest, widget = RateLimit(1, 60, "rest", storage), RateLimit(1, 60, "widget", storage)
    assert rest.hit("x") == 0 and widget.hit("x") == 0
    assert rest.hit("x") and widget.hit("x")


def test_login_counts_failures_checks_without_counting_and_clears_on_success():
    failures = RateLimit(2, 900, "login-user", MemoryStorage())
    assert failures.wait_s("alice") == 0
    failures.hit("alice")
    assert failures.wait_s("alice") == 0 and failures.wait_s("alice") == 0  # checking counts nothing
    failures.hit("alice")
    assert 899 <= failures.wait_s("alice") <= 901
    failures.clear("alice")
    assert failures.wait_s("alice") == 0


def test_two_servers_share_one_count_in_redis(shared):
    first_storage, second_storage, name, _ = shared
    first, second = RateLimit(3, 60, name, first_storage), RateLimit(3, 60, name, second_storage)
    assert [first.hit("s"), second.hit("s"), first.hit("s")] == [0, 0, 0]
    assert 59 <= second.hit("s") <= 61 and first.hit("s")  # the 4th is refused on either server
    alone = RateLimit(3, 60, name, MemoryStorage())  # a server counting in its own memory
    assert alone.hit("s") == 0


def test_two_consoles_share_login_failures_in_redis(shared):
    first_storage, second_storage, name, _ = shared
    first, second = RateLimit(2, 900, name, first_storage), RateLimit(2, 900, name, second_storage)
    first.hit("bob")
    second.hit("bob")
    assert first.wait_s("bob") > 800 and second.wait_s("bob") > 800
    second.clear("bob")  # bob logged in on the second console
    assert first.wait_s("bob") == 0


def test_the_async_hit_counts_in_redis_off_the_event_loop(shared):
    first_storage, second_storage, name, client = shared
    limiter = RateLimit(2, 60, name, first_storage)

    async def hits() -> list[float]:
        return [await limiter.hit_async("conv") for _ in range(3)]

    waits = asyncio.run(hits())
    assert waits[:2] == [0, 0] and waits[2] >= 59
    assert RateLimit(2, 60, name, second_storage).hit("conv")
    assert any(name in key.decode() for key in client.scan_iter(f"*{name}*"))


def test_without_redis_the_limit_still_holds_in_this_process(caplog):
    limiter = RateLimit(2, 60, "rest", RedisStorage(NOBODY_LISTENS))
    started = time.monotonic()
    with caplog.at_level(logging.WARNING, logger="bot.common.rate_limit"):
        waits = [limiter.hit("a") for _ in range(3)] + [asyncio.run(limiter.hit_async("b"))]
    assert waits[:2] == [0, 0] and waits[2] >= 59 and waits[3] == 0
    assert time.monotonic() - started < 2 * rate_limit.REDIS_TIMEOUT_S  # Redis was tried once
    assert "Redis failed" in caplog.text


def test_a_hung_redis_delays_a_message_once_by_at_most_the_timeout():
    with socket.socket() as hung:  # accepts connections (the kernel does) but never answers
        hung.bind(("127.0.0.1", 0))
        hung.listen(16)
        limiter = RateLimit(2, 60, "rest", RedisStorage(f"redis://127.0.0.1:{hung.getsockname()[1]}/0"))

        async def hits() -> list[tuple[float, float]]:
            timed = []
            for _ in range(3):
                started = time.monotonic()
                timed.append((await limiter.hit_async("a"), time.monotonic() - started))
            return timed

        timed = asyncio.run(hits())
    assert [wait for wait, _ in timed][:2] == [0, 0] and timed[2][0] >= 59
    assert timed[0][1] <= 2 * rate_limit.REDIS_TIMEOUT_S + 0.2
    assert all(seconds < 0.05 for _, seconds in timed[1:])  # then counted here without waiting


def test_storage_comes_from_the_environment():
    assert isinstance(rate_limit.storage_from_env({}), MemoryStorage)
    assert rate_limit.storage_from_env({}) is not rate_limit.storage_from_env({})  # one memory per limit
    from_env = rate_limit.storage_from_env({rate_limit.REDIS_URL_ENV: REDIS_URL})
    assert isinstance(from_env, RedisStorage) and from_env.check()
    assert from_env is rate_limit.storage_for(f" {REDIS_URL} ")  # one client per URL and process
