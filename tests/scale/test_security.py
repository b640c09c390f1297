"""Rasa's HTTP API, when turned on (bot/ops/run.py), refuses unauthenticated calls."""

from __future__ import annotations

import jwt
import pytest
import requests

from bot.ops.run import api_args
from tests.scale.cluster import rasa_server
from tests.support import servers

TOKEN = "scale-test-token-5b1f"
SECRET = "scale-test-jwt-secret-93c2-0123456789abcdef"


@pytest.fixture(scope="module")
def api_server(model_path, tmp_path_factory):
    workdir = tmp_path_factory.mktemp("api")
    dead = f"http://127.0.0.1:{servers.free_port()}/webhook"
    endpoints = servers.write_endpoints(workdir, dead, servers.sqlite_store(workdir / "api.db"))
    args = api_args({"RASA_API_TOKEN": TOKEN, "RASA_JWT_SECRET": SECRET})
    server = rasa_server(9, workdir, model_path, endpoints, extra_args=args).start()
    yield server.url
    server.stop()


@pytest.mark.parametrize("method,path", [
    ("get", "/status"), ("get", "/conversations/someone/tracker"),
    ("post", "/conversations/someone/messages"), ("post", "/model/parse"), ("get", "/domain"),
])
def test_api_refuses_calls_without_valid_credentials(api_server, method, path):
    forged = jwt.encode({"user": {"username": "x"}}, "not-the-secret-of-this-server-at-all")
    for params, headers in [({}, {}), ({"token": "wrong"}, {}), ({}, {"Authorization": f"Bearer {forged}"})]:
        response = requests.request(method, api_server + path, params=params, headers=headers,
                                    json={"text": "hi", "sender": "user"}, timeout=30)
        assert response.status_code == 401, (path, params, headers, response.status_code)


def test_api_answers_with_the_token_or_a_signed_jwt(api_server):
    assert requests.get(f"{api_server}/status", params={"token": TOKEN}, timeout=30).status_code == 200
    signed = jwt.encode({"user": {"username": "ops", "role": "admin"}}, SECRET, algorithm="HS256")
    response = requests.get(f"{api_server}/status", headers={"Authorization": f"Bearer {signed}"}, timeout=30)
    assert response.status_code == 200


def test_the_public_channels_still_work_without_credentials(api_server):
    response = requests.post(f"{api_server}/webhooks/rest/webhook", json={"sender": "s", "message": "hi"},
                             timeout=60)
    assert response.status_code == 200 and response.json()
