"""The emergency path must not depend on the action server; everything else apologises."""

import uuid

import pytest
import requests

from bot.server.rasa_patches import resilience
from tests.support.checks import is_emergency


def test_red_flag_still_gets_911_when_the_action_server_is_down(bare_rasa_url):
    response = requests.post(f"{bare_rasa_url}/webhooks/rest/webhook",
                             json={"sender": uuid.uuid4().hex, "message": "he cant breathe"}, timeout=60)
    assert response.status_code == 200
    assert is_emergency(response.json()[0]["text"])


def test_medical_question_gets_a_clear_apology_when_the_action_server_is_down(bare_rasa_url):
    response = requests.post(f"{bare_rasa_url}/webhooks/rest/webhook",
                             json={"sender": uuid.uuid4().hex, "message": "what is ivig"}, timeout=60)
    assert response.status_code == 200
    texts = [m["text"] for m in response.json()]
    assert texts == [resilience.apology_text()]  # once, although two actions failed


def test_emergency_keeps_911_first_and_then_apologises_once(bare_rasa_url):
    response = requests.post(f"{bare_rasa_url}/webhooks/rest/webhook",
                             json={"sender": uuid.uuid4().hex, "message": "my dad cant breathe"},
                             timeout=60)
    texts = [m["text"] for m in response.json()]
    assert is_emergency(texts[0]) and texts[1:] == [resilience.apology_text()]


def test_screening_question_is_asked_again_after_the_apology(bare_rasa_url):
    sender = uuid.uuid4().hex
    url = f"{bare_rasa_url}/webhooks/rest/webhook"
    first = requests.post(url, json={"sender": sender, "message": "/start_screening"}, timeout=60)
    asked = first.json()[-1]["text"]
    second = requests.post(url, json={"sender": sender, "message": "/affirm"}, timeout=60)
    texts = [m["text"] for m in second.json()]
    assert resilience.apology_text() in texts and texts[-1] == asked


# One message per kind of first message (bot/safety/red_flags.yml): each is a domain
# response variation, so it needs no action server either.
KIND_MESSAGES = [
    ("her face is drooping on one side and she cant lift her arm", "time"),
    ("my toddler drank some bleach", "1-800-222-1222"),
    ("i swallowed all my pills because i want to die", "988"),
    ("the cut on his leg wont stop bleeding", "911"),
]


@pytest.mark.parametrize("text,must_say", KIND_MESSAGES)
def test_each_kind_of_emergency_message_comes_first_with_the_action_server_down(bare_rasa_url, text,
                                                                                 must_say):
    response = requests.post(f"{bare_rasa_url}/webhooks/rest/webhook",
                             json={"sender": uuid.uuid4().hex, "message": text}, timeout=60)
    first = response.json()[0]["text"]
    assert is_emergency(first) and must_say in first
