"""A Redis lock store that really lets only one Rasa server handle a conversation at a time.

Rasa 3.6's ``RedisLockStore`` issues "tickets" by reading the lock from Redis, adding a
ticket and writing it back. Two servers that receive messages of the same conversation
at the same moment both read "no tickets", both take ticket 0 and both go ahead: each
loads the conversation, adds its turn and saves, and one of the two turns is lost from
the store (Rasa's issue #11256; the fix was reverted from Rasa Open Source). The scale
tests reproduce this with two messages sent to two servers at once.

This store keeps Rasa's interface but locks with one atomic Redis command: ``SET key
token NX PX lifetime``. Whoever sets the key holds the conversation; the others poll
every 20 ms until it is gone, and the holder deletes it only if it still holds its own
token (a Lua compare-and-delete). A server that dies holding a lock blocks that one
conversation until the lifetime (``TICKET_LOCK_LIFETIME``, default 60 s) runs out.

Redis is called from a few threads, never from the event loop (``bot/ops/store_guard.py``):
a hung Redis fails the turn with LockError after ``LES_STORE_TIMEOUT_S`` instead of
stopping the whole server. A lock that Redis grants after its caller gave up is
released at once, and a release that does not get through in time is left to finish
on its thread (or to the lifetime).

    lock_store:
      type: bot.ops.lock_store.AtomicRedisLockStore
      url: redis-host
      port: 6379
      key_prefix: les
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
import uuid
from collections.abc import AsyncGenerator
from contextlib import asynccontextmanager
from typing import Any

from rasa.core.lock_store import LOCK_LIFETIME, LockError, RedisLockStore

from bot.ops.store_guard import BlockingCalls, StoreTimeout

logger = logging.getLogger(__name__)

POLL_S = 0.02
# Delete the key only if it still holds our token (it may have expired and been re-taken).
_RELEASE = """
if redis.call('get', KEYS[1]) == ARGV[1] then
    return redis.call('del', KEYS[1])
end
return 0
"""


class AtomicRedisLockStore(RedisLockStore):
    """One holder per conversation across every Rasa server sharing the Redis."""

    def __init__(self, endpoint_config: Any = None, **kwargs: Any) -> None:
        if endpoint_config is not None:  # loaded from endpoints.yml by its module path
            kwargs = {"host": endpoint_config.url or "localhost", **endpoint_config.kwargs, **kwargs}
            kwargs.pop("type", None)
        super().__init__(**kwargs)
        self._release = self.red.register_script(_RELEASE)
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
        key = self._mutex_key(conversation_id)
        token = uuid.uuid4().hex
        lifetime_ms = max(1, int(lock_lifetime * 1000))
        deadline = time.monotonic() + 2 * lock_lifetime

        def take(gave_up: threading.Event) -> bool:
            taken = bool(self.red.set(key, token, nx=True, px=lifetime_ms))
            if taken and gave_up.is_set():  # granted too late: nobody will use or release it
                self._release(keys=[key], args=[token])
                return False
            return taken

        def release(_: threading.Event) -> None:
            self._release(keys=[key], args=[token])

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
