"""Delete conversations older than N days from the tracker store and the console tables.

"Older than" means the conversation's *last* event is older than the cutoff: an
ongoing conversation is kept whole, because deleting its early events would
change what the bot remembers mid-conversation. Rasa's events and the console's
rows for the same sender ids go in one transaction per batch; the audit log keeps
a record of the purge (counts, cutoff), not the sender ids.
"""

from __future__ import annotations

import time

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from bot.review import audit, db, schema

BATCH = 500


def expired_senders(engine: Engine, days: float, now: float | None = None) -> list[str]:
    cutoff = (now or time.time()) - days * 86400
    with engine.connect() as connection:
        return [r[0] for r in connection.execute(
            sa.select(db.events.c.sender_id).group_by(db.events.c.sender_id)
            .having(sa.func.max(db.events.c.timestamp) < cutoff))]


def purge(engine: Engine, days: float, username: str = "cli", now: float | None = None,
          dry_run: bool = False) -> tuple[int, int]:
    """(conversations, events) deleted, or that would be with ``dry_run``."""
    if days < 0:
        raise ValueError("days must be >= 0")
    schema.upgrade(engine)
    senders = expired_senders(engine, days, now)
    events_deleted = 0
    for start in range(0, len(senders), BATCH):
        chunk = senders[start:start + BATCH]
        if dry_run:
            with engine.connect() as connection:
                events_deleted += connection.execute(
                    sa.select(sa.func.count()).select_from(db.events)
                    .where(db.events.c.sender_id.in_(chunk))).scalar() or 0
            continue
        with engine.begin() as connection:
            ids = sa.select(db.conversations.c.id).where(db.conversations.c.sender_id.in_(chunk))
            connection.execute(db.conversation_intents.delete()
                               .where(db.conversation_intents.c.conversation_id.in_(ids)))
            connection.execute(db.conversation_days.delete()
                               .where(db.conversation_days.c.conversation_id.in_(ids)))
            connection.execute(db.conversation_weeks.delete()
                               .where(db.conversation_weeks.c.conversation_id.in_(ids)))
            connection.execute(db.conversations.delete().where(db.conversations.c.sender_id.in_(chunk)))
            # Corrections too: they hold the (redacted) text of the purged turns.
            for table in (db.reviews, db.tags, db.notes, db.corrections):
                connection.execute(table.delete().where(table.c.sender_id.in_(chunk)))
            events_deleted += connection.execute(
                db.events.delete().where(db.events.c.sender_id.in_(chunk))).rowcount or 0
    if not dry_run:
        audit.record(engine, username, audit.RETENTION, days=days, conversations=len(senders),
                     events=events_deleted)
    return len(senders), events_deleted
