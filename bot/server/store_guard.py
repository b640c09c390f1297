"""Calls to the conversation store and the lock store run off the event loop, with a deadline.

Rasa 3.6's SQL tracker store and Redis lock store call their databases synchronously
from ``async`` functions: while PostgreSQL or Redis is hung (alive but not answering),
the Rasa server's event loop stops, and with it every conversation on every channel,
911 messages included, until the database answers again. Here:

- The tracker store's calls run one at a time on a thread of their own with its own
  event loop (:class:`StoreThread`), and the turn waits at most
  ``LES_STORE_TIMEOUT_S``; then it fails with StoreUnavailable (REST: 503).
- A call given up on may still finish once the database answers. A save checks
  :func:`abandoned` before it commits and rolls back instead, so a turn answered with
  503 is not written later (``bot/server/rasa_patches/tracker_cache.py``).
- Lock-store calls run on a small thread pool with the same deadline
  (``bot/server/lock_store.py``); a lock taken after its caller gave up is released at once.
"""

from __future__ import annotations

import asyncio
import contextvars
import threading
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from bot.common import deadlines

T = TypeVar("T")

_abandoned: contextvars.ContextVar[threading.Event | None] = contextvars.ContextVar(
    "les_store_call_abandoned", default=None)


class StoreTimeout(TimeoutError):
    """A store did not answer within LES_STORE_TIMEOUT_S."""


def abandoned() -> bool:
    """Has the caller of the store call running now given up on it?"""
    flag = _abandoned.get()
    return flag is not None and flag.is_set()


class StoreThread:
    """A thread with an event loop of its own that runs a store's coroutines one at a time."""

    def __init__(self, name: str) -> None:
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, name=name, daemon=True)
        self._thread.start()

    async def run(self, call: Awaitable[T], what: str, timeout_s: float | None = None) -> T:
        """The result of ``call`` run on this thread; StoreTimeout after ``timeout_s``."""
        flag = threading.Event()

        async def flagged() -> T:
            _abandoned.set(flag)  # this task's own context: the flag belongs to this call
            return await call

        future = asyncio.run_coroutine_threadsafe(flagged(), self.loop)
        timeout_s = deadlines.store_timeout_s() if timeout_s is None else timeout_s
        try:
            return await asyncio.wait_for(asyncio.wrap_future(future), timeout_s)
        except asyncio.TimeoutError:
            flag.set()
            raise StoreTimeout(f"the conversation store did not answer {what} within {timeout_s:g} s") \
                from None
        except asyncio.CancelledError:
            flag.set()  # the turn was given up (e.g. the 911 message was sent without it)
            raise


class BlockingCalls:
    """Runs blocking client calls (Redis) on a few threads, each with a deadline."""

    def __init__(self, name: str, workers: int = 4) -> None:
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix=name)

    async def run(self, call: Callable[[threading.Event], T], what: str,
                  timeout_s: float | None = None) -> T:
        """``call(gave_up)`` on a thread; ``gave_up`` is set once the caller stopped waiting."""
        gave_up = threading.Event()
        loop = asyncio.get_running_loop()
        timeout_s = deadlines.store_timeout_s() if timeout_s is None else timeout_s
        try:
            return await asyncio.wait_for(loop.run_in_executor(self._pool, call, gave_up), timeout_s)
        except asyncio.TimeoutError:
            gave_up.set()
            raise StoreTimeout(f"the lock store did not answer {what} within {timeout_s:g} s") from None
        except asyncio.CancelledError:
            gave_up.set()
            raise

