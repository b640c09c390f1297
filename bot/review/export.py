"""Export the filtered conversations as CSV (one row per message) or JSONL (one per conversation).

Text is redacted unless an admin asks otherwise (and that is audited by the
caller). CSV cells that a spreadsheet would run as a formula are prefixed with
an apostrophe: an export is opened in Excel, and a patient's "=HYPERLINK(...)"
must stay text.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from datetime import datetime, timezone

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from bot.review import reviews
from bot.review.events import Conversation, Message
from bot.review.index import load_conversations
from bot.review.redact import redact

CSV_COLUMNS = ["conversation", "sender_id", "channel", "time_utc", "speaker", "text", "intent",
               "confidence", "entities", "action", "red_flag", "disclaimer", "fallback", "reviewed",
               "follow_up", "tags"]
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _iso(ts: float) -> str:
    return datetime.fromtimestamp(ts, tz=timezone.utc).isoformat(timespec="seconds") if ts else ""


def _cell(value: object) -> object:
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _entities(message: Message) -> str:
    return "; ".join(f"{e.entity}:{e.value}" + (" (negated)" if e.negated else "") for e in message.entities)


def _conversations(engine: Engine, ids: list[tuple[int, str]]) -> Iterator[tuple[int, Conversation,
                                                                                reviews.ReviewState]]:
    """Conversations in the list's order, 200 per query."""
    for start in range(0, len(ids), 200):
        chunk = ids[start:start + 200]
        with engine.connect() as connection:
            senders = [s for _, s in chunk]
            loaded = {c.sender_id: c for c in load_conversations(connection, senders)}
            states = reviews.load_many(connection, senders)
        for conversation_id, sender in chunk:
            if sender in loaded:
                yield conversation_id, loaded[sender], states[sender]


def matching_ids(engine: Engine, query: sa.sql.Select) -> list[tuple[int, str]]:
    with engine.connect() as connection:
        return [(r.id, r.sender_id) for r in connection.execute(query)]


def to_csv(engine: Engine, ids: list[tuple[int, str]], redacted: bool = True) -> Iterator[str]:
    text = redact if redacted else (lambda s: s or "")
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    yield buffer.getvalue()
    for conversation_id, conversation, state in _conversations(engine, ids):
        # One chunk per conversation: the server hands each chunk to a thread, so fewer is faster.
        buffer.seek(0)
        buffer.truncate()
        channel = next((m.channel for m in conversation.messages if m.channel), "")
        for message in conversation.messages:
            writer.writerow([_cell(v) for v in (
                conversation_id, text(conversation.sender_id), channel, _iso(message.timestamp),
                message.sender, text(message.text), message.intent or "",
                "" if message.confidence is None else f"{message.confidence:.3f}",
                _entities(message), message.action or "",
                ",".join(message.red_flags.get("reported", [])) if message.sender == "user" else
                ("emergency" if message.emergency else ""),
                "yes" if message.disclaimer else "", "yes" if message.fallback else "",
                "yes" if state.reviewed else "no", "yes" if state.follow_up else "no", ",".join(state.tags))])
        yield buffer.getvalue()


def to_jsonl(engine: Engine, ids: list[tuple[int, str]], redacted: bool = True) -> Iterator[str]:
    text = redact if redacted else (lambda s: s or "")
    for conversation_id, conversation, state in _conversations(engine, ids):
        record = {
            "conversation": conversation_id,
            "sender_id": text(conversation.sender_id),
            "redacted": redacted,
            "first_message_utc": _iso(conversation.first_ts or 0),
            "last_message_utc": _iso(conversation.last_ts or 0),
            "review": {"reviewed": state.reviewed, "follow_up": state.follow_up, "tags": state.tags},
            "messages": [{
                "speaker": m.sender, "time_utc": _iso(m.timestamp), "text": text(m.text),
                "intent": m.intent, "confidence": m.confidence,
                "entities": [{"entity": e.entity, "value": e.value, "negated": e.negated}
                             for e in m.entities],
                "red_flags": m.red_flags or None, "action": m.action, "channel": m.channel,
                "emergency": m.emergency, "disclaimer": m.disclaimer, "fallback": m.fallback,
            } for m in conversation.messages],
        }
        yield json.dumps(record, ensure_ascii=False) + "\n"
