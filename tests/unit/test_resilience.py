"""Failing safely (units action_fallback and strict_store): the apology when the action
server fails, strict conversation-store errors."""

import asyncio

import pytest
from rasa.core.actions.action import RemoteAction
from rasa.core.tracker_store import FailSafeTrackerStore, InMemoryTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig

from bot.server import rasa_patches
from bot.server.rasa_patches import resilience
from tests.support.servers import free_port


@pytest.fixture(scope="module", autouse=True)
def installed():
    assert {"action_fallback", "strict_store"} <= set(rasa_patches.install().active)


def tracker(*events):
    return DialogueStateTracker.from_events("someone", [ActionExecuted("action_listen"), *events])


def run(action, tracker_):
    return asyncio.run(action.run(None, None, tracker_, Domain.empty()))


def dead_action():
    return RemoteAction("action_answer", EndpointConfig(f"http://127.0.0.1:{free_port()}/webhook"))


def test_a_failed_action_becomes_one_apology_per_turn():
    events = run(dead_action(), tracker(UserUttered("what is ivig")))
    assert [type(e) for e in events] == [BotUttered]
    assert events[0].text == resilience.apology_text() and "911" in events[0].text
    again = tracker(UserUttered("what is ivig"), ActionExecuted("action_answer"), events[0])
    assert run(dead_action(), again) == []
    next_turn = tracker(UserUttered("what is ivig"), events[0], UserUttered("and plasma exchange"))
    assert len(run(dead_action(), next_turn)) == 1


def test_after_a_failure_the_turns_other_action_calls_are_not_made():
    # a call that is made fails here and apologises again; one not made returns nothing
    assert len(run(dead_action(), tracker(UserUttered("what is ivig")))) == 1
    apology = BotUttered(resilience.apology_text())
    assert run(dead_action(), tracker(UserUttered("what is ivig"), ActionExecuted("action_answer"),
                                      apology)) == []


def test_an_emergency_turn_past_its_reply_time_apologises_without_calling(monkeypatch, caplog):
    from bot.common import deadlines

    monkeypatch.setenv(deadlines.EMERGENCY_REPLY_ENV, "1.5")
    emergency = BotUttered("call 911", metadata={"utter_action": "utter_emergency"})
    late = tracker(UserUttered("i cant breathe", timestamp=1.0), emergency)  # arrived long ago
    events = run(dead_action(), late)
    assert [e.text for e in events] == [resilience.apology_text()]
    assert "no time left before the emergency reply is due" in caplog.text  # not a refused call


def test_the_apology_needs_no_action_server_and_names_the_way_forward():
    text = resilience.apology_text()
    assert "try again" in text and "provider" in text


class BrokenStore(InMemoryTrackerStore):
    async def retrieve(self, sender_id):
        raise ConnectionError("database is down")

    async def save(self, tracker):
        raise ConnectionError("database is down")


def test_store_errors_abort_the_turn_instead_of_starting_an_empty_conversation():
    store = FailSafeTrackerStore(BrokenStore(Domain.empty()))
    with pytest.raises(resilience.StoreUnavailable):
        asyncio.run(store.retrieve("someone"))
    with pytest.raises(resilience.StoreUnavailable):
        asyncio.run(store.save(tracker()))


def test_a_working_store_is_unchanged():
    store = FailSafeTrackerStore(InMemoryTrackerStore(Domain.empty()))
    asyncio.run(store.save(tracker(UserUttered("hi"))))
    assert asyncio.run(store.retrieve("someone")).latest_message.text == "hi"
