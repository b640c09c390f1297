"""The emergency path must not depend on the action server; everything else apologises."""

import uuid

import requests

from bot.ops import resilience
from tests.checks import is_emergency


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
