"""The atomic lock store built from an endpoint config, on the cluster's own Redis.

Its locking (one holder at a time, released only by its holder) is tested without a
cluster in tests/unit/test_lock_store.py; the scale tests then run it under load and
faults (test_multi_instance.py, test_faults.py, test_hangs.py)."""

from __future__ import annotations

from bot.server.lock_store import AtomicRedisLockStore


def test_loaded_from_an_endpoint_config(cluster):
    from rasa.core.lock_store import LockStore
    from rasa.utils.endpoints import EndpointConfig

    config = EndpointConfig(url="127.0.0.1", port=cluster.redis.port, key_prefix="locktest",
                            type="bot.server.lock_store.AtomicRedisLockStore")
    store = LockStore.create(config)
    assert isinstance(store, AtomicRedisLockStore) and store.red.ping()
