"""Turn deadlines: the action timeout, and the shorter budget after the 911 message."""

import pytest
from rasa.shared.core.events import ActionExecuted, BotUttered, UserUttered

from bot.common import deadlines


def turn(*events, at=1000.0):
    return [ActionExecuted("action_listen"), UserUttered("text", timestamp=at), *events]


EMERGENCY = BotUttered("call 911", metadata={"utter_action": "utter_emergency"})


def test_an_ordinary_turn_gets_the_action_timeout(monkeypatch):
    monkeypatch.setenv(deadlines.ACTION_TIMEOUT_ENV, "4")
    assert deadlines.action_budget_s(turn(BotUttered("hi")), now=1000.0) == 4.0


def test_after_the_911_message_calls_get_only_what_is_left_before_the_reply_is_due(monkeypatch):
    monkeypatch.setenv(deadlines.ACTION_TIMEOUT_ENV, "3")
    monkeypatch.setenv(deadlines.EMERGENCY_REPLY_ENV, "1.5")
    events = turn(EMERGENCY, at=1000.0)
    assert deadlines.action_budget_s(events, now=1000.25) == pytest.approx(0.75)
    assert deadlines.action_budget_s(events, now=1001.2) == 0.0  # past due: no call at all


def test_the_arrival_time_a_channel_marked_counts_before_the_user_event(monkeypatch):
    monkeypatch.setenv(deadlines.EMERGENCY_REPLY_ENV, "1.5")
    token = deadlines.mark_received(999.0)  # the message waited 1 s for its lock and store
    try:
        assert deadlines.action_budget_s(turn(EMERGENCY, at=1000.0), now=1000.0) == 0.0
    finally:
        deadlines.reset_received(token)


def test_the_911_message_of_an_earlier_turn_does_not_shorten_this_one(monkeypatch):
    monkeypatch.setenv(deadlines.ACTION_TIMEOUT_ENV, "3")
    events = [*turn(EMERGENCY, at=900.0), ActionExecuted("action_listen"),
              UserUttered("ok", timestamp=1000.0)]
    assert not deadlines.emergency_sent_this_turn(events)
    assert deadlines.action_budget_s(events, now=1000.0) == 3.0


@pytest.mark.parametrize("raw", ["soon", "0", "-1"])
def test_nonsense_settings_are_refused_with_the_name(raw):
    with pytest.raises(ValueError, match=deadlines.ACTION_TIMEOUT_ENV):
        deadlines.seconds(deadlines.ACTION_TIMEOUT_ENV, 3.0, {deadlines.ACTION_TIMEOUT_ENV: raw})


def test_unset_settings_take_their_defaults():
    assert deadlines.seconds(deadlines.STORE_TIMEOUT_ENV, 3.0, {}) == 3.0
