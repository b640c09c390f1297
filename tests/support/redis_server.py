"""The Redis the tests share (127.0.0.1:6379, as on CI's machines), one key prefix per test."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import redis

REDIS_URL = os.environ.get("LES_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


@contextmanager
def redis_keys() -> Iterator[tuple[redis.Redis, str]]:
    """A client and a fresh key prefix; every key under the prefix is deleted afterwards."""
    client = redis.Redis.from_url(REDIS_URL)
    prefix = f"lestest{uuid.uuid4().hex[:10]}"  # letters and digits: Rasa's lock store refuses others
    try:
        yield client, prefix
    finally:
        for key in client.scan_iter(f"*{prefix}*"):
            client.delete(key)
        client.close()
