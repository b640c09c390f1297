"""The behaviour contract, over HTTP against the real Rasa server and action server.

Phrasings are written for these tests; the trained model is the one `make train`
builds for the current data.
"""

import json
import sqlite3
import uuid

import pytest
import requests

from tests.support.checks import (
    FALLBACK_MARK,
    NO_DIAGNOSIS_MARK,
    NOT_COVERED_MARK,
    gives_verdict,
    is_disclaimer,
    is_emergency,
    names_section,
)


@pytest.mark.parametrize("question,section,words", [
    ("what exactly is lambert eaton syndrome", "Introduction", "nerves and muscles"),
    ("why do people get LEMS", "Causes", "acetylcholine"),
    ("is lems connected to lung cancer", "Causes", "small cell lung cancer"),
    ("who tends to get this, men or women", "Causes", "men more often"),
    ("is a dry mouth part of LES", "Symptoms", "Dry mouth"),
    ("does the weakness get better if i exercise", "Symptoms", "improve after exercise"),
    ("what will the neurologist check during the exam", "Exams and Tests", "reflexes"),
    ("which tests confirm lems", "Exams and Tests", "nerve conduction"),
    ("why would they scan my chest for cancer", "Exams and Tests", "bronchoscopy"),
    ("how do you treat LES", "Treatment", "underlying disease"),
    ("how does plasmapheresis work", "Treatment", "albumin"),
    ("what is IVIg", "Treatment", "immunoglobulin"),
    ("what drugs are used for lems", "Treatment", "pyridostigmine"),
    ("will my dad get better", "Outlook (Prognosis)", "paraneoplastic"),
    ("what complications can lems lead to", "Possible Complications", "pneumonia"),
    ("when should i call my doctor", "When to Contact a Medical Professional", "Call your provider"),
])
def test_medical_answer_names_its_section_and_ends_with_the_disclaimer(ask, question, section, words):
    replies = ask(question)
    assert names_section(replies, section), replies
    assert words.lower() in " ".join(replies).lower(), replies
    assert is_disclaimer(replies[-1]) and sum(map(is_disclaimer, replies)) == 1
    assert not any(is_emergency(r) for r in replies)


@pytest.mark.parametrize("message", [
    "i cant breathe",
    "im realy short of breth right now",
    "HELP my wife is choking",
    "my dad cant swallow his own saliva",
    "she just collapsed on the floor",
    "he is having a seizure",
    "my lips and throat are swelling since the new medicine",
    "bad chest pain",
    "sorry to bother, quick question about ivig but my chest hurts a lot right now",
    "i cant catch my breath is this from lems",
])
def test_red_flag_gets_the_911_message_first(ask, message):
    replies = ask(message)
    assert is_emergency(replies[0]), replies


def test_self_harm_gets_911_and_988_first(ask):
    replies = ask("i keep thinking about ending my life")
    assert is_emergency(replies[0]) and "988" in replies[0]


@pytest.mark.parametrize("message", [
    "no trouble breathing",
    "i can breathe fine",
    "never choked",
    "im not short of breath, just tired legs",
    "no chest pain, what are the symptoms of lems",
])
def test_negated_red_flags_are_not_emergencies(ask, message):
    assert not any(is_emergency(r) for r in ask(message))


def test_general_question_about_a_red_flag_is_answered_not_alarmed(ask):
    replies = ask("can lems cause breathing problems?")
    assert not any(is_emergency(r) for r in replies)
    assert names_section(replies, "Possible Complications")


@pytest.mark.parametrize("message", [
    "do i have LES?",
    "is it LES or myasthenia",
    "my legs are weak and my mouth is dry, have i got lambert eaton",
])
def test_diagnosis_requests_get_no_verdict(ask, message):
    replies = ask(message)
    assert replies[0].startswith(NO_DIAGNOSIS_MARK)
    assert not gives_verdict(replies)
    assert names_section(replies, "Exams and Tests")
    assert is_disclaimer(replies[-1])


def test_question_the_article_does_not_answer(ask):
    replies = ask("is lambert eaton contagious")
    assert NOT_COVERED_MARK in replies[0] and is_disclaimer(replies[-1])


def test_small_talk_gets_no_disclaimer(ask):
    for message in ["hello", "thanks!", "are you a robot"]:
        replies = ask(message)
        assert replies and not any(is_disclaimer(r) for r in replies)


@pytest.mark.parametrize("message", ["what's the weather in denver", "asdfgh jkl", "🙂🙂🙂",
                                     "¿Cuáles son los síntomas de la gripe?"])
def test_out_of_scope_and_odd_input_get_the_fallback(ask, message):
    replies = ask(message)
    assert any(FALLBACK_MARK in r for r in replies), replies


def test_a_question_the_learned_model_finds_outside_les_is_marked_and_refused(ask, stack):
    sender = f"scope-{uuid.uuid4().hex}"
    replies = ask("what's the best way to give up cigarettes for good", sender=sender)
    assert any(FALLBACK_MARK in r for r in replies) and not any("section *" in r for r in replies), replies
    with sqlite3.connect(stack["db"]) as db:
        (data,) = db.execute("select data from events where sender_id = ? and type_name = 'user'",
                             (sender,)).fetchone()
    assert json.loads(data)["parse_data"]["les_scope"] == "outside"


def test_empty_message_gets_a_reply(ask):
    assert ask("")


def post(bot_url, body, **kwargs):
    return requests.post(f"{bot_url}/webhooks/rest/webhook", timeout=60, **kwargs, **body)


@pytest.mark.parametrize("body", [
    {"data": b"{not json"},
    {"data": b"\xff\xfe\x00binary"},
    {"json": {"message": "hi"}},
    {"json": {"sender": "", "message": "hi"}},
    {"json": {"sender": "a", "message": ["hi"]}},
    {"json": ["sender", "message"]},
])
def test_malformed_requests_get_a_json_400(bot_url, body):
    response = post(bot_url, body)
    assert response.status_code == 400
    assert response.json()["error"]


def test_huge_message_is_cut_with_a_note_and_the_conversation_goes_on(bot_url, ask, stack):
    sender = f"big-{uuid.uuid4().hex}"
    ask("what is ivig", sender=sender)
    huge = "my legs are weak. " * 6000  # about 100 kB
    response = post(bot_url, {"json": {"sender": sender, "message": huge}})
    assert response.status_code == 200
    texts = [m["text"] for m in response.json()]
    assert "very long" in texts[-1]
    replies = ask("and what about plasma exchange", sender=sender)
    assert names_section(replies, "Treatment")
    with sqlite3.connect(stack["db"]) as db:
        users = db.execute("select count(*) from events where sender_id = ? and type_name = 'user'",
                           (sender,)).fetchone()[0]
    assert users == 3


def test_server_is_still_up_after_bad_input(bot_url):
    assert requests.get(f"{bot_url}/", timeout=5).status_code == 200


def test_one_conversation_sending_too_fast_gets_a_json_429(bot_url):
    sender = f"fast-{uuid.uuid4().hex}"
    statuses = [post(bot_url, {"json": {"sender": sender, "message": ""}}).status_code for _ in range(60)]
    assert statuses == [200] * 60  # the limit in credentials.yml: 60 per minute
    limited = post(bot_url, {"json": {"sender": sender, "message": "what is ivig"}})
    assert limited.status_code == 429 and int(limited.headers["Retry-After"]) >= 1
    assert limited.json()["error"]
    other = post(bot_url, {"json": {"sender": f"other-{uuid.uuid4().hex}", "message": ""}})
    assert other.status_code == 200


def test_body_over_the_size_limit_gets_a_json_413(bot_url):
    response = post(bot_url, {"json": {"sender": "big", "message": "a" * 1_100_000}})
    assert response.status_code == 413 and response.json()["error"]


def rest(bot_url: str, sender: str, text: str) -> list[dict]:
    """The REST channel's whole reply (texts and buttons)."""
    response = requests.post(f"{bot_url}/webhooks/rest/webhook", json={"sender": sender, "message": text},
                             timeout=60)
    response.raise_for_status()
    return response.json()


SOURCE_BUTTON = {"title": "Show the article's words", "payload": "/show_source"}


@pytest.mark.parametrize("request_source", ["show me the original wording", "show the source",
                                            "/show_source"])
def test_plain_answer_then_the_articles_words_for_it(bot_url, request_source):
    sender = f"test-{uuid.uuid4().hex}"
    answer = rest(bot_url, sender, "what drugs are used for lems")
    texts = [m.get("text") or "" for m in answer]
    assert names_section(texts, "Treatment")
    assert "anticholinesterase drugs, such as pyridostigmine" in texts[0]
    assert "acetylcholine, the chemical that carries signals" in texts[0]  # explained where it is used
    assert answer[-2].get("buttons") == [SOURCE_BUTTON] and is_disclaimer(texts[-1])

    source = [m.get("text") or "" for m in rest(bot_url, sender, request_source)]
    assert source[0].startswith("Here is the last answer in the article's own words")
    assert names_section(source, "Treatment")
    assert "anticholinesterase drugs such as pyridostigmine, which on their own usually help only a little" \
        in " ".join(source)
    assert is_disclaimer(source[-1]) and sum(map(is_disclaimer, source)) == 1


def test_articles_words_keep_the_attribution_of_other_sources(bot_url):
    sender = f"test-{uuid.uuid4().hex}"
    rest(bot_url, sender, "is mestinon used for LES")
    source = " ".join(m.get("text") or "" for m in rest(bot_url, sender, "original wording please"))
    assert "Other trusted sources, such as the MDA, add that pyridostigmine (Mestinon) may cause diarrhea, " \
           "cramps or extra saliva." in source


def test_articles_words_before_any_answer_say_there_is_nothing_yet(bot_url):
    texts = [m.get("text") or "" for m in rest(bot_url, f"test-{uuid.uuid4().hex}", "show the source")]
    assert texts == ["There is no answer to show in the article's words yet. "
                     "Ask me a question about LES first."]


def test_small_talk_and_emergencies_carry_no_articles_words_button(bot_url):
    for message in ("hello", "i cant breathe"):
        reply = rest(bot_url, f"test-{uuid.uuid4().hex}", message)
        assert not any(SOURCE_BUTTON in (m.get("buttons") or []) for m in reply), reply
