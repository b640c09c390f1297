"""Custom actions run with a real rasa_sdk Tracker and CollectingDispatcher."""

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.answer import ActionAnswer
from actions.disclaimer import ActionDisclaimer
from actions.emergency import ActionEmergencyContext


def tracker(intent: str, text: str, entities=(), slots=None, red_flags=None) -> Tracker:
    latest = {"intent": {"name": intent, "confidence": 0.9}, "entities": list(entities), "text": text}
    if red_flags is not None:
        latest["red_flags"] = red_flags
    return Tracker.from_dict({
        "sender_id": "unit", "slots": slots or {}, "latest_message": latest,
        "events": [], "paused": False, "followup_action": None, "active_loop": {},
        "latest_action_name": "action_listen",
    })


def run(action, t):
    dispatcher = CollectingDispatcher()
    events = action.run(dispatcher, t, {})
    return [m["text"] for m in dispatcher.messages], events


def test_answer_names_the_section_and_sets_the_kind():
    texts, events = run(ActionAnswer(), tracker(
        "ask_symptoms", "does it cause cottonmouth",
        [{"entity": "symptom", "value": "dry_mouth"}]))
    assert texts[0].startswith("From the article's section *Symptoms*: Dry mouth")
    assert events == [{"event": "slot", "timestamp": None, "name": "answer_kind", "value": "article"}]


def test_negated_concepts_do_not_narrow_the_answer():
    texts, _ = run(ActionAnswer(), tracker(
        "ask_symptoms", "no dry mouth, what else",
        [{"entity": "symptom", "value": "dry_mouth", "role": "negated"}]))
    assert "The main symptom is weakness" in texts[0]


def test_diagnosis_request_starts_with_the_refusal_to_diagnose():
    texts, events = run(ActionAnswer(), tracker("ask_diagnosis", "do i have lems"))
    assert texts[0].startswith("I can't tell you whether you have LES")
    assert events[0]["value"] == "no_diagnosis"


def test_out_of_scope_says_what_the_bot_can_do():
    texts, events = run(ActionAnswer(), tracker("out_of_scope", "weather tomorrow"))
    assert "I can only help with questions about Lambert-Eaton syndrome" in texts[0]
    assert events[0]["value"] == "none"


def test_disclaimer_follows_medical_answers_only():
    texts, events = run(ActionDisclaimer(), tracker("ask_symptoms", "x", slots={"answer_kind": "article"}))
    assert len(texts) == 1 and "not a diagnosis" in texts[0] and "911" in texts[0]
    assert "4/30/2018" in texts[0]
    assert events[0]["value"] is None
    texts, _ = run(ActionDisclaimer(), tracker("out_of_scope", "x", slots={"answer_kind": "none"}))
    assert texts == []


def test_emergency_context_names_the_flag_and_the_article_passage():
    texts, events = run(ActionEmergencyContext(), tracker(
        "emergency", "i cant breathe", red_flags={"reported": ["breathing"], "negated": [], "generic": []}))
    assert texts[0].startswith("You mentioned: trouble breathing.")
    assert any("section *Possible Complications*" in t for t in texts)
    assert events[0]["value"] == "emergency"
