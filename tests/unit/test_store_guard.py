"""Store calls off the event loop: a hung call fails the turn, and learns it was given up."""

import asyncio
import threading
import time

import pytest

from bot.server.store_guard import BlockingCalls, StoreThread, StoreTimeout, abandoned

THREAD = StoreThread("test-store")


def test_a_call_runs_on_the_store_thread_and_returns_its_result():
    async def call():
        return threading.current_thread().name

    assert asyncio.run(THREAD.run(call(), "a test call", timeout_s=10)) == "test-store"


def test_a_hung_call_fails_the_caller_and_then_sees_it_was_given_up():
    seen = []
    finished = threading.Event()

    async def hung_save():
        time.sleep(0.5)  # blocking, as SQLAlchemy is while PostgreSQL is stopped
        seen.append(abandoned())  # what the save checks before it commits
        finished.set()

    async def turn():
        # the event loop stays free meanwhile: this ticker runs while the save hangs
        ticks = 0

        async def tick():
            nonlocal ticks
            while True:
                await asyncio.sleep(0.01)
                ticks += 1

        ticker = asyncio.ensure_future(tick())
        with pytest.raises(StoreTimeout, match="save"):
            await THREAD.run(hung_save(), "save", timeout_s=0.05)
        ticker.cancel()
        return ticks

    assert asyncio.run(turn()) > 0
    assert finished.wait(10) and seen == [True]


def test_a_call_that_was_not_given_up_is_not_abandoned():
    async def save():
        return abandoned()

    assert asyncio.run(THREAD.run(save(), "save", timeout_s=10)) is False


def test_a_blocking_call_past_its_deadline_is_told_it_was_given_up():
    calls = BlockingCalls("test-lock")
    seen = []
    finished = threading.Event()

    def take(gave_up: threading.Event) -> bool:
        time.sleep(0.5)
        seen.append(gave_up.is_set())  # the lock store releases a lock granted this late
        finished.set()
        return True

    with pytest.raises(StoreTimeout, match="lock store"):
        asyncio.run(calls.run(take, "a lock request", timeout_s=0.05))
    assert finished.wait(10) and seen == [True]
