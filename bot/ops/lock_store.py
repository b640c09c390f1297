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

    lock_store:
      type: bot.ops.lock_store.AtomicRedisLockStore
      url: redis-host
      port: 6379
      key_prefix: les
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncGenerator
from contextlib import asynccontextmanager
from typing import Any

from rasa.core.lock_store import LOCK_LIFETIME, LockError, RedisLockStore

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
        while not self.red.set(key, token, nx=True, px=lifetime_ms):
            if time.monotonic() > deadline:
                raise LockError(f"could not lock conversation '{conversation_id}' in time")
            await asyncio.sleep(min(wait_time_in_seconds, POLL_S))
        try:
            yield None
        finally:
            self._release(keys=[key], args=[token])
