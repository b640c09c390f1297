"""A Redis lock store that lets only one Rasa server handle a conversation at a time.

Rasa 3.6's ``RedisLockStore`` can give two servers the same conversation at once and
lose a turn (Rasa issue #11256; docs/operator.md, "Several instances"). This one locks
with redis-py's ``Lock`` (atomic take, owner-only release). Hand-written, and why: the
waiting. Each try is a non-blocking ``acquire`` on a worker thread
(``bot/server/store_guard.py``) bounded by ``LES_STORE_TIMEOUT_S``, so a hung Redis
fails one turn instead of stopping the server.

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
