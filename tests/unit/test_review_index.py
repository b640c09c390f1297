"""The search index follows the events table, including rows committed out of id order."""

import json
import time

import sqlalchemy as sa

from bot.review import db, index, schema


def _engine(tmp_path):
    engine = db.make_engine(f"sqlite:///{tmp_path / 'store.db'}")
    db.rasa_metadata.create_all(engine)  # Rasa's schema, as its SQLTrackerStore creates it
    schema.upgrade(engine)
    return engine


def _user_row(sender, text, intent, event_id=None):
    data = {"event": "user", "timestamp": time.time(), "text": text, "input_channel": "rest",
            "parse_data": {"intent": {"name": intent, "confidence": 0.9}, "entities": []}}
    row = {"sender_id": sender, "type_name": "user", "timestamp": data["timestamp"], "intent_name": intent,
           "data": json.dumps(data)}
    if event_id is not None:
        row["id"] = event_id
    return row


def _indexed(engine):
    with engine.connect() as connection:
        return {r.sender_id: r for r in connection.execute(sa.select(db.conversations))}


def test_incremental_sync_and_late_commits(tmp_path):
    engine = _engine(tmp_path)
    with engine.begin() as connection:
        connection.execute(db.events.insert(), [_user_row("a", "hello", "greet", 10),
                                                _user_row("b", "i cant breathe", "emergency", 11)])
    assert index.sync(engine) == 2
    assert index.sync(engine) == 0  # nothing changed
    with engine.begin() as connection:
        # id 5 < watermark 11: a transaction that committed after a later one (PostgreSQL can do that)
        connection.execute(db.events.insert(), [_user_row("a", "do i have les", "ask_diagnosis", 5),
                                                _user_row("c", "what is ivig", "ask_ivig", 12)])
    assert index.sync(engine) == 2
    rows = _indexed(engine)
    assert rows["a"].n_user == 2 and rows["a"].diagnosis and rows["b"].emergency and "c" in rows


def test_rebuild_keeps_reviewer_work(tmp_path):
    engine = _engine(tmp_path)
    with engine.begin() as connection:
        connection.execute(db.events.insert(), [_user_row("a", "hello", "greet")])
        connection.execute(db.tags.insert().values(sender_id="a", tag="keep", created_by="x", created_at=1.0))
    index.sync(engine)
    assert index.rebuild(engine) == 1
    with engine.connect() as connection:
        assert connection.execute(sa.select(db.tags.c.tag)).scalar() == "keep"
