"""A Redis lock store that really lets only one Rasa server handle a conversation at a time.

Rasa 3.6's ``RedisLockStore`` issues "tickets" by reading the lock from Redis, adding a
ticket and writing it back. Two servers that receive messages of the same conversation
at the same moment both read "no tickets", both take ticket 0 and both go ahead: each
loads the conversation, adds its turn and saves, and one of the two turns is lost from
the store (Rasa's issue #11256; the fix was reverted from Rasa Open Source). The scale
tests reproduce this with two messages sent to two servers at once.

This store keeps Rasa's interface but locks with redis-py's ``Lock``: one atomic
``SET key token NX PX lifetime`` to take a conversation, and a Lua compare-and-delete to
release it only while it still holds its own token. The others try again every 20 ms.
A server that dies holding a lock blocks that one conversation until the lifetime
(``TICKET_LOCK_LIFETIME``, default 60 s) runs out.

What stays hand-written, and why: the waiting. ``Lock.acquire(blocking=True)`` sleeps
on its thread until it gets the lock, so a turn could neither be given up nor bounded
while it waits. Here every try is one non-blocking ``acquire`` on a worker thread
(``bot/server/store_guard.py``), never on the event loop, with ``LES_STORE_TIMEOUT_S`` as
its deadline: a hung Redis fails the turn with LockError instead of stopping the whole
server. Between tries the turn waits with ``asyncio.sleep``. A lock that Redis grants
after its caller gave up is released at once, and a release that does not get through
in time is left to finish on its thread (or to the lifetime).

    lock_store:
      type: bot.server.lock_store.AtomicRedisLockStore
      url: redis-host
      port: 6379
      key_prefix: les
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import AsyncGenerator
from contextlib import asynccontextmanager
from typing import Any

from rasa.core.lock_store import LOCK_LIFETIME, LockError, RedisLockStore
from redis.exceptions import LockNotOwnedError
from redis.lock import Lock

from bot.server.store_guard import BlockingCalls, StoreTimeout

logger = logging.getLogger(__name__)

POLL_S = 0.02


class AtomicRedisLockStore(RedisLockStore):
    """One holder per conversation across every Rasa server sharing the Redis."""

    def __init__(self, endpoint_config: Any = None, **kwargs: Any) -> None:
        if endpoint_config is not None:  # loaded from endpoints.yml by its module path
            kwargs = {"host": endpoint_config.url or "localhost", **endpoint_config.kwargs, **kwargs}
            kwargs.pop("type", None)
        super().__init__(**kwargs)
        self._calls = BlockingCalls("les-lock-store")

    def _mutex_key(self, conversation_id: str) -> str:
        return f"{self.key_prefix}mutex:{conversation_id}"

    @asynccontextmanager
    async def lock(
        self,
        conversation_id: str,
        lock_lifetime: float = LOCK_LIFETIME,
        wait_time_in_seconds: float = POLL_S,
    ) -> AsyncGenerator[None, None]:
        # thread_local=False: the token must be seen by whichever pool thread releases it
        mutex = Lock(self.red, self._mutex_key(conversation_id), timeout=max(lock_lifetime, 0.001),
                     thread_local=False)
        deadline = time.monotonic() + 2 * lock_lifetime

        def release(_: threading.Event | None = None) -> None:
            try:
                mutex.release()
            except LockNotOwnedError:  # it expired (and may be another server's now): not ours to delete
                logger.warning("conversation %s: its lock expired before the turn ended", conversation_id)

        def take(gave_up: threading.Event) -> bool:
            taken = mutex.acquire(blocking=False)
            if taken and gave_up.is_set():  # granted too late: nobody will use or release it
                release()
                return False
            return taken

        try:
            while not await self._calls.run(take, "a lock request"):
                if time.monotonic() > deadline:
                    raise LockError(f"could not lock conversation '{conversation_id}' in time")
                await asyncio.sleep(min(wait_time_in_seconds, POLL_S))
        except StoreTimeout as error:
            raise LockError(str(error)) from error
        try:
            yield None
        finally:
            try:
                await self._calls.run(release, "a lock release")
            except StoreTimeout as error:
                # the turn is done (and stored): do not fail it; the release goes on on its thread
                logger.warning("conversation %s: %s", conversation_id, error)
