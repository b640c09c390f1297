"""The Rasa speed-ups give the same results as Rasa's own code."""

import pytest
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction
from rasa.shared.core.events import ActionExecuted, BotUttered, Event, SlotSet, UserUttered

from bot.ops import speedups


@pytest.fixture(scope="module", autouse=True)
def installed():
    speedups.install()


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


def test_sqlite_conversation_stores_use_the_write_ahead_log(tmp_path):
    import sqlalchemy as sa

    engine = sa.create_engine(f"sqlite:///{tmp_path / 'c.db'}")
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
