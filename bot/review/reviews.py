"""What reviewers add to a conversation: tags, notes and review status.

Stored in the console's own tables keyed by sender id; Rasa's events are never
changed, so the tracker (and what the bot remembers) is exactly what happened.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from bot.review import db

_TAG = re.compile(r"^[a-z0-9][a-z0-9 _.-]{0,59}$")
MAX_NOTE_CHARS = 4000


@dataclass
class ReviewState:
    reviewed: bool = False
    follow_up: bool = False
    updated_by: str | None = None
    updated_at: float | None = None
    tags: list[str] = field(default_factory=list)
    notes: list[sa.engine.Row] = field(default_factory=list)


def normalize_tag(tag: str) -> str | None:
    """Lower-case, trimmed; None if it is not a plausible tag (letters, digits, space . _ -)."""
    tag = " ".join(tag.strip().lower().split())
    return tag if _TAG.match(tag) else None


def load(connection: Connection, sender_id: str) -> ReviewState:
    row = connection.execute(sa.select(db.reviews).where(db.reviews.c.sender_id == sender_id)).first()
    state = ReviewState()
    if row is not None:
        state = ReviewState(bool(row.reviewed), bool(row.follow_up), row.updated_by, row.updated_at)
    state.tags = [r.tag for r in connection.execute(
        sa.select(db.tags.c.tag).where(db.tags.c.sender_id == sender_id).order_by(db.tags.c.tag))]
    state.notes = list(connection.execute(
        sa.select(db.notes).where(db.notes.c.sender_id == sender_id).order_by(db.notes.c.id)))
    return state


def load_many(connection: Connection, senders: list[str]) -> dict[str, ReviewState]:
    """Status and tags (not notes) of many conversations in two queries, for exports."""
    states = {sender: ReviewState() for sender in senders}
    for row in connection.execute(sa.select(db.reviews).where(db.reviews.c.sender_id.in_(senders))):
        state = states[row.sender_id]
        state.reviewed, state.follow_up = bool(row.reviewed), bool(row.follow_up)
        state.updated_by, state.updated_at = row.updated_by, row.updated_at
    for sender, tag in connection.execute(sa.select(db.tags.c.sender_id, db.tags.c.tag)
                                          .where(db.tags.c.sender_id.in_(senders)).order_by(db.tags.c.tag)):
        states[sender].tags.append(tag)
    return states


def set_status(engine: Engine, sender_id: str, username: str, *, reviewed: bool | None = None,
               follow_up: bool | None = None) -> None:
    values: dict[str, object] = {"updated_by": username, "updated_at": time.time()}
    if reviewed is not None:
        values["reviewed"] = reviewed
    if follow_up is not None:
        values["follow_up"] = follow_up
    with engine.begin() as connection:
        updated = connection.execute(db.reviews.update().where(db.reviews.c.sender_id == sender_id)
                                     .values(**values))
        if not updated.rowcount:
            connection.execute(db.reviews.insert().values(
                sender_id=sender_id, reviewed=bool(reviewed), follow_up=bool(follow_up),
                updated_by=username, updated_at=values["updated_at"]))


def add_tag(engine: Engine, sender_id: str, tag: str, username: str) -> bool:
    with engine.begin() as connection:
        exists = connection.execute(sa.select(db.tags.c.tag).where(db.tags.c.sender_id == sender_id)
                                    .where(db.tags.c.tag == tag)).first()
        if exists:
            return False
        connection.execute(db.tags.insert().values(sender_id=sender_id, tag=tag, created_by=username,
                                                   created_at=time.time()))
    return True


def remove_tag(engine: Engine, sender_id: str, tag: str) -> None:
    with engine.begin() as connection:
        connection.execute(db.tags.delete()
                           .where(db.tags.c.sender_id == sender_id).where(db.tags.c.tag == tag))


def add_note(engine: Engine, sender_id: str, text: str, username: str) -> None:
    with engine.begin() as connection:
        connection.execute(db.notes.insert().values(sender_id=sender_id, author=username,
                                                    text=text[:MAX_NOTE_CHARS], created_at=time.time()))


def all_tags(engine: Engine) -> list[str]:
    with engine.connect() as connection:
        query = sa.select(db.tags.c.tag).distinct().order_by(db.tags.c.tag)
        return [r.tag for r in connection.execute(query)]
