"""Parity tests of the speed units action_result_validator and event_type_lookup: the same
results as Rasa's own code."""

import pytest
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction
from rasa.shared.core.events import ActionExecuted, BotUttered, Event, SlotSet, UserUttered

from bot.server import rasa_patches
from bot.server.rasa_patches import speedups


@pytest.fixture(scope="module", autouse=True)
def installed():
    assert {"action_result_validator", "event_type_lookup"} <= set(rasa_patches.install().active)


def test_valid_action_replies_pass():
    action = RemoteAction("action_answer", None)
    assert action._validate_action_result({"events": [{"event": "slot", "name": "a", "value": 1}],
                                           "responses": [{"text": "hi"}]})


@pytest.mark.parametrize("reply", [{"events": "nope"}, {"events": [{"no_event_key": 1}]},
                                   {"responses": 5}])
def test_invalid_action_replies_fail_as_before(reply):
    with pytest.raises(ValidationError, match="Failed to validate Action server response"):
        RemoteAction("action_answer", None)._validate_action_result(reply)


@pytest.mark.parametrize("name,cls", [("user", UserUttered), ("bot", BotUttered), ("slot", SlotSet),
                                      ("action", ActionExecuted)])
def test_event_types_resolve_as_before(name, cls):
    assert Event.resolve_by_type(name) is cls


def test_unknown_event_types_behave_as_before():
    assert Event.resolve_by_type("topic") is None
    assert Event.resolve_by_type("nope", default=SlotSet) is SlotSet
    with pytest.raises(ValueError):
        Event.resolve_by_type("nope")


def test_the_sqlite_conversation_store_uses_the_write_ahead_log(tmp_path, monkeypatch):
    from bot.server.tracker_store import EnvSQLTrackerStore

    monkeypatch.setenv("LES_TRACKER_DB_URL", f"sqlite:///{tmp_path / 'c.db'}")
    store = EnvSQLTrackerStore()
    with store.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 10000


def _full_schema_passes(reply) -> bool:
    from jsonschema import Draft202012Validator, validators

    spec = RemoteAction.action_response_format_spec()
    return validators.validator_for(spec, default=Draft202012Validator)(spec).is_valid(reply)


EVENT_REPLIES = [
    {"event": "slot", "name": "sx_legs", "value": "yes"},
    {"event": "slot", "value": "yes"},  # no name: invalid
    {"event": "bot", "text": "hi", "data": {}, "metadata": {}},
    {"event": "bot", "text": 5},
    {"event": "followup", "name": "action_answer"},
    {"event": "active_loop", "name": None},
    {"event": "user", "text": "hi", "parse_data": {"intent": {"name": "greet", "confidence": 1.0},
                                                  "entities": [{"entity": "symptom", "value": "x"}]}},
    {"event": "user", "parse_data": {"entities": [{"value": "no entity name"}]}},
    {"event": "made_up"}, {"event": 7}, {"no_event": 1}, "not an object", None,
    {"event": "restart", "timestamp": "yesterday"},
]


@pytest.mark.parametrize("events", [[e] for e in EVENT_REPLIES] + [EVENT_REPLIES[:3], EVENT_REPLIES[4:7]])
def test_the_quick_event_check_agrees_with_the_full_schema(events):
    reply = {"events": events, "responses": []}
    action = RemoteAction("action_answer", None)
    if _full_schema_passes(reply):
        assert action._validate_action_result(reply)
    else:
        with pytest.raises(ValidationError, match="Failed to validate Action server response"):
            action._validate_action_result(reply)


def test_the_quick_check_decides_valid_replies_itself():
    from jsonschema import validators

    spec = RemoteAction.action_response_format_spec()
    quick = speedups._quick_reply_check(spec, validators.validator_for(spec))
    assert quick is not None
    assert quick({"events": [EVENT_REPLIES[0], EVENT_REPLIES[2]], "responses": [{"text": "hi"}]})
    assert not quick({"events": [EVENT_REPLIES[1]]})
    assert not quick({"events": [{"event": "made_up"}]})
