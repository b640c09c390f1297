"""The emergency path must not depend on the action server."""

import uuid

import requests

from tests.checks import is_emergency


def test_red_flag_still_gets_911_when_the_action_server_is_down(bare_rasa_url):
    response = requests.post(f"{bare_rasa_url}/webhooks/rest/webhook",
                             json={"sender": uuid.uuid4().hex, "message": "he cant breathe"}, timeout=60)
    assert response.status_code == 200
    assert is_emergency(response.json()[0]["text"])
