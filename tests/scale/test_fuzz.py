"""Property-based tests of the public endpoints (REST and socket.io) with bad input:
malformed JSON, wrong types, huge and deeply nested payloads, invalid UTF-8, control
characters. The server answers 4xx with a JSON error, or a reply (a fallback), never
a 5xx, and stays up."""

from __future__ import annotations

import json
import uuid

import pytest
import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.scale.talk import SocketClient
from tests.support.checks import FALLBACK_MARK, is_disclaimer

FUZZ = settings(max_examples=60, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
SLOW_FUZZ = settings(FUZZ, max_examples=20)  # examples that run the NLU

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=50),
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=10), inner, max_size=5),
    max_leaves=25)


@pytest.fixture(scope="module")
def url(cluster):
    return cluster.rasa[0].url


def post_raw(url: str, data: bytes) -> requests.Response:
    return requests.post(f"{url}/webhooks/rest/webhook", data=data, timeout=60,
                         headers={"Content-Type": "application/json"})


def assert_clean(response: requests.Response) -> None:
    assert response.status_code < 500, (response.status_code, response.text[:300])
    body = response.json()  # always JSON
    if response.status_code == 200:
        assert isinstance(body, list)
    else:
        assert 400 <= response.status_code < 500 and body["error"]


@FUZZ
@given(st.binary(max_size=3000))
def test_rest_random_bytes(url, data):
    assert_clean(post_raw(url, data))


@FUZZ
@given(json_values)
def test_rest_any_json_value(url, value):
    assert_clean(post_raw(url, json.dumps(value).encode()))


@FUZZ
@given(st.fixed_dictionaries({"sender": json_values, "message": json_values},
                             optional={"metadata": json_values, "input_channel": json_values}))
def test_rest_wrong_types(url, body):
    assert_clean(post_raw(url, json.dumps(body).encode()))


@SLOW_FUZZ
@given(st.text(max_size=400), st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=20))
def test_rest_any_text_gets_a_reply(url, message, sender_suffix):
    sender = f"fuzz-{uuid.uuid4().hex[:8]}{sender_suffix}"
    response = post_raw(url, json.dumps({"sender": sender, "message": message}).encode())
    assert_clean(response)
    if response.status_code == 200:
        assert response.json(), "every message gets at least one reply"


@pytest.mark.parametrize("data,status", [
    (b"[" * 200_000 + b"]" * 200_000, 400),                               # nested far too deep
    (b'{"sender": "a", "message": ' + b'{"a": ' * 5000 + b"1" + b"}" * 5000 + b"}", 400),
    (json.dumps({"sender": "a", "message": "x" * 3_000_000}).encode(), 413),  # 3 MB
    (b'{"sender": "a", "message": "\xff\xfe caf\xe9"}', 400),                 # invalid UTF-8
    (b'{"sender": "a\\u0000b", "message": "hi"}', 400),                      # NUL in the sender
    (b'{"sender": "a", "message": "hi", "sender": 5}', 400),                 # duplicate key, wrong type
    (b"\x00" * 1000, 400),
])
def test_rest_extreme_payloads(url, data, status):
    response = post_raw(url, data)
    assert response.status_code == status and response.json()["error"]


def test_rest_control_characters_are_dropped_and_answered(url):
    response = post_raw(url, json.dumps({"sender": f"ctl-{uuid.uuid4().hex}",
                                         "message": "what\x00 is\x07 ivig\x1b"}).encode())
    assert response.status_code == 200 and is_disclaimer(response.json()[-1]["text"])


@pytest.fixture(scope="module")
def sio(url):
    client = SocketClient(url)
    yield client
    client.client.disconnect()


@FUZZ
@given(st.sampled_from(["user_uttered", "session_request", "message", "nope"]), json_values)
def test_socketio_malformed_events_do_not_hurt(sio, event, data):
    sio.client.emit(event, data)
    assert sio.client.connected


@pytest.fixture(scope="module")
def widget_socket(url):
    """A socket of its own (not the one the malformed events went through), speaking in one
    conversation as the widget does: one browser token (32 hex digits) per socket."""
    client = SocketClient(url)
    client.token = uuid.uuid4().hex
    yield client
    client.client.disconnect()


@SLOW_FUZZ
@given(st.text(min_size=1, max_size=300).filter(lambda t: t.strip()))
def test_socketio_any_text_gets_a_reply(widget_socket, message):
    assert widget_socket.ask(widget_socket.token, message)


@FUZZ
@given(st.binary(max_size=2000), st.sampled_from(["", "bogus", "0123456789abcdef"]))
def test_engineio_garbage_polling_requests_get_4xx(url, data, sid):
    response = requests.post(f"{url}/socket.io/", params={"EIO": "4", "transport": "polling", "sid": sid},
                             data=data, timeout=30)
    assert response.status_code < 500


def test_everything_still_works_after_the_fuzzing(url, sio):
    assert requests.get(f"{url}/", timeout=10).status_code == 200
    replies = sio.ask(uuid.uuid4().hex, "what is ivig")
    assert any("immunoglobulin" in r for r in replies)
    rest = requests.post(f"{url}/webhooks/rest/webhook", json={"sender": uuid.uuid4().hex,
                                                               "message": "asdf qwer zxcv"}, timeout=60)
    assert any(FALLBACK_MARK in m["text"] for m in rest.json())
