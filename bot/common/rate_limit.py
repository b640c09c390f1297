"""Rate limits that hold across servers: the ``limits`` library's moving window, in Redis.

One limiter for every limit of the project: messages per conversation and per socket
(REST and widget channels) and failed logins per user name and per client address
(review console). With ``LES_RATE_LIMIT_REDIS_URL`` set (``redis://host:6379/2``) every
Rasa server and the console count in that Redis, so a sender spread over several
servers still meets one limit; unset, each process counts in its own memory, which is
all one server with the default SQLite store needs.

Hand-written here, because ``limits`` 2.4 (the newest that installs beside Rasa 3.6,
which pins ``packaging<21``) does not do it:

- **Redis away is not a reason to turn a message away** (it may be the 911 one): when
  Redis fails or is slow (its socket timeout is ``REDIS_TIMEOUT_S``), the limit is
  counted in this process's memory for ``FALLBACK_S`` and a warning is logged.
- **Off the event loop.** ``limits``' async Redis storage needs coredis; the Rasa
  channels call :meth:`RateLimit.hit_async`, which runs the blocking call on a worker
  thread when the storage is Redis.
- **Seconds to wait**, from the window's stats: until the newest counted hit leaves the
  window, rounded up (the storages keep whole seconds), so never too early.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import math
import time
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from limits import RateLimitItemPerSecond
from limits.storage import MemoryStorage, RedisStorage, Storage
from limits.strategies import MovingWindowRateLimiter
from redis.exceptions import RedisError

from bot.common import settings

logger = logging.getLogger(__name__)

REDIS_URL_ENV = "LES_RATE_LIMIT_REDIS_URL"
REDIS_TIMEOUT_S = 0.25  # a healthy Redis answers in a millisecond or two
FALLBACK_S = 5.0
NAMESPACE = "les-rate"

T = TypeVar("T")


@functools.cache
def redis_storage(url: str) -> RedisStorage:
    """One client (and connection pool) per Redis URL and process, shared by its limits."""
    return RedisStorage(url, socket_timeout=REDIS_TIMEOUT_S, socket_connect_timeout=REDIS_TIMEOUT_S)


def storage_for(redis_url: str | None) -> Storage:
    """The shared Redis at ``redis_url``; without one, a memory of this process's own."""
    return redis_storage(redis_url.strip()) if redis_url and redis_url.strip() else MemoryStorage()


def storage_from_env(environ: Mapping[str, str] | None = None) -> Storage:
    """:func:`storage_for` the URL in ``LES_RATE_LIMIT_REDIS_URL``."""
    return storage_for(settings.value(REDIS_URL_ENV, environ))


@functools.lru_cache(maxsize=1)
def _threads() -> ThreadPoolExecutor:
    return ThreadPoolExecutor(max_workers=4, thread_name_prefix="les-rate-limit")


class RateLimit:
    """At most ``limit`` hits per ``window_s`` seconds for each key; ``limit`` 0: no limit.

    ``name`` keeps limits apart in a shared storage (``rest``, ``login-user`` ...).
    """

    def __init__(self, limit: int, window_s: int = 60, name: str = "default",
                 storage: Storage | None = None) -> None:
        self.limit = limit
        self.window_s = window_s
        self.name = name
        self._item = RateLimitItemPerSecond(max(limit, 1), window_s, namespace=NAMESPACE)
        # limits' strategies hold their storage by weak reference only: keep it alive here
        self.storage = storage if storage is not None else storage_from_env()
        self._strategy = MovingWindowRateLimiter(self.storage)
        self._is_redis = isinstance(self.storage, RedisStorage)
        self._local_storage = MemoryStorage() if self._is_redis else self.storage
        self._local = MovingWindowRateLimiter(self._local_storage)
        self._fallback_until = 0.0

    def hit(self, key: str) -> float:
        """Count one hit for ``key``: 0 if allowed, else seconds until one will be (not counted)."""
        if self.limit <= 0:
            return 0.0
        return self._call(lambda strategy: 0.0 if strategy.hit(self._item, self.name, key)
                          else self._wait(strategy, key))

    def wait_s(self, key: str) -> float:
        """Seconds until ``key`` may hit again (0: now), without counting anything."""
        if self.limit <= 0:
            return 0.0
        return self._call(lambda strategy: 0.0 if strategy.test(self._item, self.name, key)
                          else self._wait(strategy, key))

    def clear(self, key: str) -> None:
        """Forget ``key``'s hits (a successful login clears its user name's failures)."""
        self._call(lambda strategy: strategy.clear(self._item, self.name, key))
        if self._is_redis:
            self._local.clear(self._item, self.name, key)

    async def hit_async(self, key: str) -> float:
        """:meth:`hit` for an event loop: a Redis call runs on a worker thread."""
        if self.limit <= 0 or not self._is_redis:
            return self.hit(key)
        call = asyncio.get_running_loop().run_in_executor(_threads(), self.hit, key)
        try:  # a hit is two Redis calls at most, each bounded by the socket timeout
            return await asyncio.wait_for(call, 2 * REDIS_TIMEOUT_S)
        except asyncio.TimeoutError:
            self._give_up_on_redis(f"no answer within {2 * REDIS_TIMEOUT_S:g} s")
            return self._local_hit(key)

    def _local_hit(self, key: str) -> float:
        return 0.0 if self._local.hit(self._item, self.name, key) else self._wait(self._local, key)

    def _wait(self, strategy: MovingWindowRateLimiter, key: str) -> float:
        reset, remaining = strategy.get_window_stats(self._item, self.name, key)
        if remaining > 0:  # freed meanwhile: try again at once
            return 1.0
        return float(max(1, math.ceil(reset + 1 - time.time())))

    def _call(self, use: Callable[[MovingWindowRateLimiter], T]) -> T:
        if self._is_redis and time.monotonic() >= self._fallback_until:
            try:
                return use(self._strategy)
            except (RedisError, OSError) as error:
                self._give_up_on_redis(str(error))
        return use(self._local)

    def _give_up_on_redis(self, why: str) -> None:
        self._fallback_until = time.monotonic() + FALLBACK_S
        logger.warning("rate limit %r: Redis failed (%s); counting in this process for %g s",
                       self.name, why, FALLBACK_S)
