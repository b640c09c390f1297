"""``python -m bot.server``, as every start of our bot runs it: all Rasa patches active.

The server whose action server is down (conftest ``bare_rasa``) says at its start which
patches are active, and shows the resilience units at work over HTTP: a hung or dead
action server becomes one apology in seconds (action_fallback), and a malformed
socket.io request is answered 400, not 500 (engineio_guard, its parity test).
"""

from __future__ import annotations

import time
import uuid

import requests

from bot.server.rasa_patches import registry, resilience


def test_the_server_says_every_patch_is_active(bare_rasa):
    process, _url = bare_rasa
    names = ", ".join(patch.name for patch in registry.PATCHES)
    count = len(registry.PATCHES)
    assert f"Rasa patches: {count} of {count} active ({names})" in process.log.read_text()


def test_a_dead_action_server_becomes_one_apology_within_seconds(bare_rasa):
    _process, url = bare_rasa
    started = time.monotonic()
    response = requests.post(f"{url}/webhooks/rest/webhook",
                             json={"sender": uuid.uuid4().hex, "message": "what is ivig"}, timeout=60)
    assert response.status_code == 200
    assert [m["text"] for m in response.json()] == [resilience.apology_text()]
    assert time.monotonic() - started < 10


def test_a_malformed_engineio_request_is_answered_400_not_500(bare_rasa):
    _process, url = bare_rasa
    # a long-polling POST with an empty sid: python-engineio 4.7.1 fails on it with a TypeError
    response = requests.post(f"{url}/socket.io/", params={"EIO": "4", "transport": "polling", "sid": ""},
                             data=b"4hello", timeout=10)
    assert response.status_code == 400, (response.status_code, response.text[:200])
