"""Reading Rasa's stored events into transcript messages and index rows (no database)."""

import json

from bot.review.events import parse_rows, screening_completed
from bot.review.index import summarize


def _rows(*events: dict) -> list[tuple[int, str]]:
    return [(i + 1, json.dumps(e)) for i, e in enumerate(events)]


def _user(text, intent, confidence, ranking=None, entities=(), reported=(), negated=(),
          channel="rest"):
    return {"event": "user", "timestamp": 1_700_000_000.0, "text": text, "input_channel": channel,
            "parse_data": {"text": text, "intent": {"name": intent, "confidence": confidence},
                           "intent_ranking": ranking or [{"name": intent, "confidence": confidence}],
                           "entities": list(entities),
                           "red_flags": {"reported": list(reported), "negated": list(negated),
                                         "generic": []}}}


def test_bot_messages_take_the_action_that_sent_them():
    conversation = parse_rows("s", _rows(
        _user("i cant breathe", "emergency", 1.0, reported=["breathing"]),
        {"event": "action", "name": "utter_emergency", "timestamp": 1_700_000_001.0},
        {"event": "bot", "text": "🚨 call 911", "timestamp": 1_700_000_001.0,
         "metadata": {"utter_action": "utter_emergency"}},
        {"event": "action", "name": "action_emergency_context", "timestamp": 1_700_000_002.0},
        {"event": "bot", "text": "context", "timestamp": 1_700_000_002.0},
        {"event": "action", "name": "action_disclaimer", "timestamp": 1_700_000_003.0},
        {"event": "bot", "text": "This is general information", "timestamp": 1_700_000_003.0},
    ))
    user, first, context, disclaimer = conversation.messages
    assert user.emergency and user.red_flags["reported"] == ["breathing"]
    assert (first.action, first.emergency) == ("utter_emergency", True)
    assert (context.action, context.emergency) == ("action_emergency_context", False)
    assert (disclaimer.action, disclaimer.disclaimer) == ("action_disclaimer", True)
    assert conversation.n_events == 7 and conversation.max_event_id == 7


def test_negated_entities_and_fallback_confidence():
    entity = {"entity": "red_flag", "value": "breathing", "start": 3, "end": 20, "role": "negated"}
    conversation = parse_rows("s", _rows(
        _user("no trouble breathing", "ask_symptoms", 0.8, entities=[entity], negated=["breathing"]),
        _user("asdf", "nlu_fallback", 0.35, ranking=[{"name": "nlu_fallback", "confidence": 0.35},
                                                     {"name": "greet", "confidence": 0.12}]),
    ))
    negated, gibberish = conversation.messages
    assert negated.entities[0].negated and negated.entities[0].text == "trouble breathing"
    assert not negated.emergency
    assert gibberish.fallback and gibberish.confidence == 0.12  # the classifier's real score


def test_answer_kind_none_is_a_fallback_turn_and_screening_slot_counts_once_set():
    conversation = parse_rows("s", _rows(
        _user("tell me about football", "ask_what_is", 0.4),
        {"event": "slot", "name": "answer_kind", "value": "none", "timestamp": 1_700_000_001.0},
        {"event": "slot", "name": "screening_summary", "value": {"symptoms": ["dry mouth"]},
         "timestamp": 1_700_000_002.0},
        {"event": "slot", "name": "screening_summary", "value": None, "timestamp": 1_700_000_003.0},
    ))
    assert conversation.messages[0].fallback
    assert screening_completed(conversation)


def test_summary_row_flags_and_channel():
    conversation = parse_rows("s", _rows(
        _user("hello", "greet", 0.97, channel="socketio"),
        _user("do i have LES", "ask_diagnosis", 0.66, channel="socketio"),
        _user("call me at 555-123-4567", "out_of_scope", 0.5, channel="socketio"),
    ))
    row, intents, days, weeks = summarize(conversation)
    assert row["channel"] == "web" and row["diagnosis"] and row["fallback"] and not row["emergency"]
    assert row["min_confidence"] == 0.5 and row["n_user"] == 3
    assert "555-123-4567" in row["search_text"] and "555-123-4567" not in row["search_redacted"]
    assert intents == {"greet": 1, "ask_diagnosis": 1, "out_of_scope": 1}
    assert days == {"2023-11-14": (3, 0)}
    # 2023-11-14 is a Tuesday: its ISO week starts on Monday the 13th. No model_id: "unknown".
    # [messages, fallback, low confidence (< 0.5), emergency, diagnosis]
    assert weeks == {("2023-11-13", "unknown"): [3, 1, 0, 0, 1]}


def test_each_user_turn_names_its_event_and_model():
    first = {**_user("hello", "greet", 0.97), "metadata": {"model_id": "a" * 32, "assistant_id": "x"}}
    second = {**_user("what is ivig", "ask_ivig", 0.3), "metadata": {"model_id": "b" * 32}}
    conversation = parse_rows("s", _rows(
        first, {"event": "action", "name": "utter_greet", "timestamp": 1_700_000_001.0}, second))
    assert [(m.event_id, m.model_id) for m in conversation.messages] == [(1, "a" * 32), (3, "b" * 32)]
    _, _, _, weeks = summarize(conversation)
    assert weeks == {("2023-11-13", "a" * 32): [1, 0, 0, 0, 0], ("2023-11-13", "b" * 32): [1, 0, 1, 0, 0]}


def test_broken_json_is_skipped_not_fatal():
    conversation = parse_rows("s", [(1, "{not json"), (2, json.dumps(_user("hi", "greet", 0.9)))])
    assert [m.text for m in conversation.messages] == ["hi"]
