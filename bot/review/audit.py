"""Who viewed, exported, revealed or changed what: an append-only log for the clinic.

Entries name the conversation by sender id and never copy message text, so the
log itself holds no patient content. Retention does not delete it (an audit trail
that disappears with the data it audits proves nothing); it records the purge.
"""

from __future__ import annotations

import json
import time
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from bot.review import db

VIEW = "view"
EXPORT = "export"
REVEAL = "reveal"
LOGIN = "login"
LOGIN_FAILED = "login_failed"
LOGOUT = "logout"
REVIEW = "review"
TAG = "tag"
NOTE = "note"
USER_ADMIN = "user_admin"
RETENTION = "retention"
CORRECTION = "correction"
CORRECTION_EDIT = "correction_edit"
CORRECTION_DECISION = "correction_decision"
TRAINING_EXPORT = "training_export"


def record(engine: Engine, username: str | None, action: str, sender_id: str | None = None,
           **detail: Any) -> None:
    with engine.begin() as connection:
        connection.execute(db.audit.insert().values(
            ts=time.time(), username=username, action=action, sender_id=sender_id,
            detail=json.dumps(detail, sort_keys=True) if detail else ""))


def recent(engine: Engine, limit: int = 200, offset: int = 0, action: str = "") -> list[sa.engine.Row]:
    query = sa.select(db.audit).order_by(db.audit.c.id.desc()).limit(limit).offset(offset)
    if action:
        query = query.where(db.audit.c.action == action)
    with engine.connect() as connection:
        return list(connection.execute(query))
