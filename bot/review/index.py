"""Keep the console's search index (console_conversations & co.) in step with Rasa's events.

Filtering 10,000 conversations by parsing every event's JSON on each page view
would take seconds, so each conversation is summarised once into a row of flags
and counts, and pages query those rows. The index is derived data: it can be
dropped and rebuilt (``python -m bot.review.cli reindex``) without losing any
reviewer work, which is keyed by sender id in separate tables.

Incremental refresh looks at events with ids above a watermark, minus a look-back
window: PostgreSQL may commit a lower id after a higher one when two
conversations save at once, and a plain "id > watermark" would skip it. A
conversation is rebuilt from all its events whenever its event count or last id
differs from the index, so the refresh is idempotent.
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from datetime import datetime, timedelta, timezone
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from bot.review import db
from bot.review.events import Conversation, parse_rows, screening_completed
from bot.review.redact import redact

logger = logging.getLogger(__name__)
WATERMARK_KEY = "events_watermark"
LOOKBACK_IDS = 1000
BATCH = 200
PREVIEW_CHARS = 140
# Bumped whenever summarize() learns something new: a console started on an index built
# by an older version rebuilds it once (the index is derived data; reviewer work is kept).
INDEX_VERSION = "2"
INDEX_VERSION_KEY = "index_version"
# The quality page's "low confidence": the list page's default threshold.
LOW_CONFIDENCE = 0.5
NO_MODEL = "unknown"


def day_of(timestamp: float) -> str:
    """Calendar day in UTC: one clock for the store, the filters and the charts."""
    return datetime.fromtimestamp(timestamp, tz=timezone.utc).strftime("%Y-%m-%d")


def week_of(timestamp: float) -> str:
    """The Monday (UTC) of the timestamp's ISO week: weeks sort and read as dates."""
    day = datetime.fromtimestamp(timestamp, tz=timezone.utc)
    return (day - timedelta(days=day.weekday())).strftime("%Y-%m-%d")


WeekCounts = dict[tuple[str, str], list[int]]
Summary = tuple[dict[str, Any], dict[str, int], dict[str, tuple[int, int]], WeekCounts]


def _week_counts(users: list[Any]) -> WeekCounts:
    """(week, model) -> [messages, fallback, low confidence, emergency, diagnosis]."""
    weeks: WeekCounts = {}
    for m in users:
        if not m.timestamp:
            continue
        counts = weeks.setdefault((week_of(m.timestamp), m.model_id or NO_MODEL), [0, 0, 0, 0, 0])
        counts[0] += 1
        counts[1] += m.fallback
        counts[2] += m.confidence is not None and m.confidence < LOW_CONFIDENCE
        counts[3] += m.emergency
        counts[4] += m.intent == "ask_diagnosis"
    return weeks


def summarize(conversation: Conversation) -> Summary:
    """(index row, intent counts, per-day (user, bot) counts, per-week-and-model counts)."""
    users = [m for m in conversation.messages if m.sender == "user"]
    bots = [m for m in conversation.messages if m.sender == "bot"]
    confidences = [m.confidence for m in users if m.confidence is not None]
    flags = sorted({f for m in users for f in m.red_flags.get("reported", [])})
    channel = next((m.channel for m in users if m.channel), None)
    user_text = "\n".join(m.text for m in users if m.text)
    first_text = next((m.text for m in users if m.text.strip()), "")
    row = {
        "sender_id": conversation.sender_id,
        "channel": channel,
        "first_ts": conversation.first_ts,
        "last_ts": conversation.last_ts,
        "n_events": conversation.n_events,
        "max_event_id": conversation.max_event_id,
        "n_user": len(users),
        "n_bot": len(bots),
        "emergency": any(m.emergency for m in conversation.messages),
        "n_emergency": sum(1 for m in users if m.emergency),
        "fallback": any(m.fallback for m in users),
        "n_fallback": sum(1 for m in users if m.fallback),
        "min_confidence": min(confidences) if confidences else None,
        "diagnosis": any(m.intent == "ask_diagnosis" for m in users),
        "screening": screening_completed(conversation),
        "red_flags": ",".join(flags)[:255],
        "preview": redact(first_text)[:PREVIEW_CHARS],
        "search_text": user_text.lower(),
        "search_redacted": redact(user_text).lower(),
    }
    intents = Counter(m.intent for m in users if m.intent)
    days: dict[str, list[int]] = {}
    for message in conversation.messages:
        if message.timestamp:
            counts = days.setdefault(day_of(message.timestamp), [0, 0])
            counts[0 if message.sender == "user" else 1] += 1
    return row, dict(intents), {d: (c[0], c[1]) for d, c in days.items()}, _week_counts(users)


def _chunks(items: list[str], size: int) -> Iterator[list[str]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _get_state(connection: Connection, key: str) -> str | None:
    return connection.execute(sa.select(db.state.c.value).where(db.state.c.key == key)).scalar()


def _set_state(connection: Connection, key: str, value: str) -> None:
    updated = connection.execute(db.state.update().where(db.state.c.key == key).values(value=value))
    if updated.rowcount == 0:
        connection.execute(db.state.insert().values(key=key, value=value))


def _stale_senders(connection: Connection, candidates: list[str]) -> list[str]:
    """Candidates whose events differ (count or last id) from what the index holds."""
    stale = []
    for chunk in _chunks(candidates, 500):
        actual = {
            row.sender_id: (row.n, row.last)
            for row in connection.execute(
                sa.select(db.events.c.sender_id, sa.func.count().label("n"),
                          sa.func.max(db.events.c.id).label("last"))
                .where(db.events.c.sender_id.in_(chunk)).group_by(db.events.c.sender_id))
        }
        indexed = {
            row.sender_id: (row.n_events, row.max_event_id)
            for row in connection.execute(
                sa.select(db.conversations.c.sender_id, db.conversations.c.n_events,
                          db.conversations.c.max_event_id)
                .where(db.conversations.c.sender_id.in_(chunk)))
        }
        stale += [s for s, counts in actual.items() if indexed.get(s) != counts]
    return stale


def _store(connection: Connection, conversations: Iterable[Conversation]) -> None:
    """Upsert index rows batch-wise: one executemany per table, not a statement per row."""
    batch: list[Conversation] = []
    for conversation in conversations:
        batch.append(conversation)
        if len(batch) >= BATCH:
            _store_batch(connection, batch)
            batch = []
    if batch:
        _store_batch(connection, batch)


def _store_batch(connection: Connection, batch: list[Conversation]) -> None:
    c = db.conversations.c
    summaries = {conv.sender_id: summarize(conv) for conv in batch}
    existing = dict(connection.execute(
        sa.select(c.sender_id, c.id).where(c.sender_id.in_(list(summaries)))).all())
    new_rows = [row for sender, (row, *_) in summaries.items() if sender not in existing]
    if new_rows:
        connection.execute(db.conversations.insert(), new_rows)
    if existing:
        columns = list(next(iter(summaries.values()))[0])
        statement = (db.conversations.update().where(c.id == sa.bindparam("row_id"))
                     .values({name: sa.bindparam(name) for name in columns if name != "sender_id"}))
        connection.execute(statement, [{**summaries[s][0], "row_id": i} for s, i in existing.items()])
        ids = list(existing.values())
        connection.execute(db.conversation_intents.delete()
                           .where(db.conversation_intents.c.conversation_id.in_(ids)))
        connection.execute(db.conversation_days.delete().where(db.conversation_days.c.conversation_id.in_(ids)))
        connection.execute(db.conversation_weeks.delete()
                           .where(db.conversation_weeks.c.conversation_id.in_(ids)))
    all_ids = dict(connection.execute(
        sa.select(c.sender_id, c.id).where(c.sender_id.in_(list(summaries)))).all())
    intents = [{"conversation_id": all_ids[s], "intent": i, "n": n}
               for s, (_, counts, _, _) in summaries.items() for i, n in counts.items()]
    days = [{"conversation_id": all_ids[s], "day": d, "n_user": u, "n_bot": b}
            for s, (_, _, per_day, _) in summaries.items() for d, (u, b) in per_day.items()]
    weeks = [{"conversation_id": all_ids[s], "week": w, "model_id": m, "n_user": c[0], "n_fallback": c[1],
              "n_low_confidence": c[2], "n_emergency": c[3], "n_diagnosis": c[4]}
             for s, (_, _, _, per_week) in summaries.items() for (w, m), c in per_week.items()]
    if intents:
        connection.execute(db.conversation_intents.insert(), intents)
    if days:
        connection.execute(db.conversation_days.insert(), days)
    if weeks:
        connection.execute(db.conversation_weeks.insert(), weeks)


def load_conversations(connection: Connection, senders: list[str]) -> Iterator[Conversation]:
    """Parse the given senders' conversations from the events table, one query per batch."""
    for chunk in _chunks(senders, BATCH):
        rows = connection.execute(
            sa.select(db.events.c.sender_id, db.events.c.id, db.events.c.data)
            .where(db.events.c.sender_id.in_(chunk))
            .order_by(db.events.c.sender_id, db.events.c.id))
        current: str | None = None
        batch: list[tuple[int, str]] = []
        for row in rows:
            if row.sender_id != current:
                if current is not None:
                    yield parse_rows(current, batch)
                current, batch = row.sender_id, []
            batch.append((row.id, row.data))
        if current is not None:
            yield parse_rows(current, batch)


def sync(engine: Engine) -> int:
    """Bring the index up to date with the events table; returns conversations rebuilt."""
    if not db.has_events_table(engine):
        return 0
    with engine.connect() as connection:
        version = _get_state(connection, INDEX_VERSION_KEY)
    if version != INDEX_VERSION:
        return rebuild(engine)
    with engine.begin() as connection:
        max_id = connection.execute(sa.select(sa.func.max(db.events.c.id))).scalar()
        if max_id is None:
            return 0
        watermark = int(_get_state(connection, WATERMARK_KEY) or 0)
        low = max(0, watermark - LOOKBACK_IDS) if watermark else 0
        candidates = [r[0] for r in connection.execute(
            sa.select(db.events.c.sender_id).where(db.events.c.id > low).distinct())]
        stale = _stale_senders(connection, candidates)
        _store(connection, load_conversations(connection, stale))
        _set_state(connection, WATERMARK_KEY, str(max_id))
    return len(stale)


def rebuild(engine: Engine) -> int:
    """Drop the index rows and build them again from all events (reviewer data is kept)."""
    with engine.begin() as connection:
        connection.execute(db.conversation_intents.delete())
        connection.execute(db.conversation_days.delete())
        connection.execute(db.conversation_weeks.delete())
        connection.execute(db.conversations.delete())
        connection.execute(db.state.delete().where(db.state.c.key == WATERMARK_KEY))
        _set_state(connection, INDEX_VERSION_KEY, INDEX_VERSION)
    return sync(engine)


class Freshness:
    """Refreshes the index at most every ``interval`` seconds, from any request thread."""

    def __init__(self, engine: Engine, interval: float) -> None:
        import threading

        self._engine = engine
        self._interval = interval
        self._last = 0.0
        self._lock = threading.Lock()

    def ensure(self) -> None:
        if time.monotonic() - self._last < self._interval:
            return
        with self._lock:
            if time.monotonic() - self._last < self._interval:
                return
            try:
                sync(self._engine)
            except sa.exc.OperationalError as error:  # locked or unreachable: show what we have
                logger.warning("index refresh failed, showing the last index: %s", error)
            self._last = time.monotonic()
