"""The emergency path must not depend on the action server."""

import uuid

import pytest
import requests

from tests import servers
from tests.checks import is_emergency


@pytest.fixture(scope="module")
def rasa_without_actions(model_path, workdir):
    dead = f"http://127.0.0.1:{servers.free_port()}/webhook"
    endpoints = servers.write_endpoints(workdir, dead, servers.sqlite_store(workdir / "down.db"))
    process, url = servers.start_rasa(workdir, model_path, endpoints)
    yield url
    process.stop()


def test_red_flag_still_gets_911_when_the_action_server_is_down(rasa_without_actions):
    response = requests.post(f"{rasa_without_actions}/webhooks/rest/webhook",
                             json={"sender": uuid.uuid4().hex, "message": "he cant breathe"}, timeout=60)
    assert response.status_code == 200
    assert is_emergency(response.json()[0]["text"])
