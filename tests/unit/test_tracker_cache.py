"""Parity tests of the unit tracker_cache: the conversation store keeps trackers between
messages without ever serving a stale one, and stores what Rasa stores.

Two store objects on one SQLite file stand for two Rasa servers sharing a database.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from rasa.core.brokers.broker import EventBroker
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot import paths
from bot.server import rasa_patches
from bot.server.rasa_patches import tracker_cache
from bot.server.tracker_store import EnvSQLTrackerStore


class RecordingBroker(EventBroker):
    """Rasa's event broker interface, recording what is published."""

    def __init__(self) -> None:
        self.published: list[dict] = []

    def publish(self, event: dict) -> None:
        self.published.append(event)


@pytest.fixture(scope="module", autouse=True)
def installed() -> None:
    assert "tracker_cache" in rasa_patches.install().active


@pytest.fixture(scope="module")
def domain() -> Domain:
    return Domain.load(str(paths.ROOT / "domain.yml"))


@pytest.fixture()
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'conversations.db'}"
    monkeypatch.setenv("LES_TRACKER_DB_URL", url)
    monkeypatch.delenv("LES_TRACKER_CACHE", raising=False)
    return url


def run(coroutine):
    return asyncio.run(coroutine)


def turn(tracker: DialogueStateTracker, text: str) -> None:
    """What one message adds: the user's words, an answer, listening again."""
    tracker.update(UserUttered(text, {"name": "ask_what_is", "confidence": 0.9}))
    tracker.update(ActionExecuted("action_answer"))
    tracker.update(BotUttered(f"answer to {text}"))
    tracker.update(ActionExecuted("action_listen"))


def started(store: EnvSQLTrackerStore, sender: str) -> DialogueStateTracker:
    """A conversation whose first message was handled, loaded as its second message loads it."""
    tracker = run(store.get_or_create_tracker(sender))
    for event in (ActionExecuted("action_session_start"), SessionStarted(),
                  ActionExecuted("action_listen")):
        tracker.update(event)
    turn(tracker, "first")
    run(store.save(tracker))
    return run(store.retrieve(sender))


def stored_texts(store: EnvSQLTrackerStore, sender: str) -> list[str]:
    with store.session_scope() as session:
        rows = session.query(store.SQLEvent).filter(store.SQLEvent.sender_id == sender) \
            .order_by(store.SQLEvent.id).all()
        return [json.loads(r.data).get("text") for r in rows if r.type_name == "user"]


def event_dicts(tracker: DialogueStateTracker) -> list[dict]:
    return [e.as_dict() for e in tracker.events]


def test_the_saved_tracker_is_reused_and_equals_a_fresh_load(db, domain):
    store = EnvSQLTrackerStore(domain=domain)
    tracker = started(store, "a")
    turn(tracker, "second")
    run(store.save(tracker))
    again = run(store.retrieve("a"))
    assert again is tracker
    fresh = run(EnvSQLTrackerStore(domain=domain).retrieve("a"))
    assert event_dicts(fresh) == event_dicts(again)
    assert fresh.current_state() == again.current_state()


def test_saving_writes_each_event_once(db, domain):
    store = EnvSQLTrackerStore(domain=domain)
    tracker = started(store, "b")
    turn(tracker, "second")
    run(store.save(tracker))
    run(store.save(tracker))  # nothing new: nothing written
    assert stored_texts(store, "b") == ["first", "second"]


def test_a_turn_taken_by_another_server_is_loaded_not_missed(db, domain):
    one, two = EnvSQLTrackerStore(domain=domain), EnvSQLTrackerStore(domain=domain)
    tracker = started(one, "c")
    turn(tracker, "second")
    run(one.save(tracker))
    elsewhere = run(two.retrieve("c"))  # the next message reaches the other server
    turn(elsewhere, "third")
    run(two.save(elsewhere))
    back = run(one.retrieve("c"))
    assert back is not tracker
    assert [e.text for e in back.events if isinstance(e, UserUttered)] == ["first", "second", "third"]
    turn(back, "fourth")
    run(one.save(back))
    assert stored_texts(one, "c") == ["first", "second", "third", "fourth"]


def test_a_turn_that_failed_before_saving_is_not_served(db, domain):
    store = EnvSQLTrackerStore(domain=domain)
    tracker = started(store, "d")
    turn(tracker, "lost")  # the message failed: never saved
    again = run(store.retrieve("d"))
    assert again is not tracker
    assert [e.text for e in again.events if isinstance(e, UserUttered)] == ["first"]


def test_a_deleted_conversation_is_not_served(db, domain):
    store = EnvSQLTrackerStore(domain=domain)
    tracker = started(store, "e")
    run(store.save(tracker))
    with store.session_scope() as session:  # e.g. retention from the console's CLI
        session.query(store.SQLEvent).filter(store.SQLEvent.sender_id == "e").delete()
        session.commit()
    assert run(store.retrieve("e")) is None


def test_a_new_session_inside_a_tracker_is_reloaded_from_the_store(db, domain):
    store = EnvSQLTrackerStore(domain=domain)
    tracker = started(store, "f")
    for event in (ActionExecuted("action_session_start"), SessionStarted(),
                  SlotSet("screening_summary", None), ActionExecuted("action_listen")):
        tracker.update(event)
    turn(tracker, "new session")
    run(store.save(tracker))
    again = run(store.retrieve("f"))
    assert again is not tracker
    assert [e.text for e in again.events if isinstance(e, UserUttered)] == ["new session"]


def test_size_zero_turns_keeping_off(db, domain, monkeypatch):
    monkeypatch.setenv("LES_TRACKER_CACHE", "0")
    store = EnvSQLTrackerStore(domain=domain)
    tracker = started(store, "g")
    turn(tracker, "second")
    run(store.save(tracker))
    assert run(store.retrieve("g")) is not tracker
    assert stored_texts(store, "g") == ["first", "second"]


def test_least_recently_used_conversations_are_dropped(db, domain, monkeypatch):
    monkeypatch.setenv("LES_TRACKER_CACHE", "2")
    store = EnvSQLTrackerStore(domain=domain)
    trackers = {}
    for sender in ("h1", "h2", "h3"):
        trackers[sender] = started(store, sender)
        run(store.save(trackers[sender]))
    assert run(store.retrieve("h1")) is not trackers["h1"]
    assert run(store.retrieve("h3")) is trackers["h3"]


def test_switched_off_the_store_reads_and_writes_as_rasas(db, domain, monkeypatch):
    monkeypatch.setattr(tracker_cache, "_active", False)
    store = EnvSQLTrackerStore(domain=domain)
    tracker = started(store, "off")
    turn(tracker, "second")
    run(store.save(tracker))
    again = run(store.retrieve("off"))
    assert again is not tracker and tracker_cache.stored_mark(again) is None
    assert event_dicts(again) == event_dicts(tracker)
    assert stored_texts(store, "off") == ["first", "second"]


@pytest.mark.parametrize("value", ["lots", "-1", "1.5"])
def test_a_bad_size_is_refused_clearly(db, domain, monkeypatch, value):
    monkeypatch.setenv("LES_TRACKER_CACHE", value)
    with pytest.raises(ValueError, match="LES_TRACKER_CACHE"):
        tracker_cache.cache_size()


def test_the_event_broker_gets_each_new_event_once(db, domain):
    broker = RecordingBroker()
    store = EnvSQLTrackerStore(domain=domain, event_broker=broker)
    tracker = started(store, "i")
    turn(tracker, "second")
    run(store.save(tracker))
    texts = [e.get("text") for e in broker.published if e["event"] == "user"]
    assert texts == ["first", "second"]
    assert all(e["sender_id"] == "i" for e in broker.published)


def test_a_tracker_holding_an_earlier_session_stays_out_after_later_saves(db, domain):
    store = EnvSQLTrackerStore(domain=domain)
    tracker = run(store.get_or_create_tracker("j"))  # saved: [action_listen]
    for event in (ActionExecuted("action_session_start"), SessionStarted(),
                  ActionExecuted("action_listen")):
        tracker.update(event)
    run(store.save(tracker))  # the session start, as Rasa saves it before the turn
    turn(tracker, "first")
    run(store.save(tracker))  # the turn: nothing new about sessions, still not reusable
    again = run(store.retrieve("j"))
    assert again is not tracker
    assert isinstance(again.events[0], SessionStarted)
    assert event_dicts(again) == event_dicts(tracker)[2:]  # from the session start on


def test_stored_rows_are_byte_for_byte_what_rasa_stores(db, domain):
    store = EnvSQLTrackerStore(domain=domain)
    tracker = started(store, "k")
    turn(tracker, "second")
    run(store.save(tracker))
    with store.session_scope() as session:
        rows = session.query(store.SQLEvent).filter(store.SQLEvent.sender_id == "k") \
            .order_by(store.SQLEvent.id).all()
        stored = [(row.type_name, row.data) for row in rows]
    assert stored[-4:] == [(e.type_name, json.dumps(e.as_dict())) for e in list(tracker.events)[-4:]]
