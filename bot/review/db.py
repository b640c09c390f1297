"""The console's tables, and a read-only description of Rasa's ``events`` table.

Rasa owns ``events`` (created by its SQLTrackerStore); the console only SELECTs
from it, except the retention command. The console's own tables share the
database so that a clinic backs up, restores and purges one thing. All use
portable SQLAlchemy Core types and are tested on SQLite and PostgreSQL.

The tables here are the model; the database gets them through alembic migrations
(:mod:`bot.review.schema`). A change here needs a migration
(``alembic -c bot/review/alembic.ini revision --autogenerate -m "..."``), and
``tests/unit/test_review_schema.py`` fails until both agree.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

# Rasa's table, described here only to query it; never created or migrated by the console.
rasa_metadata = sa.MetaData()
events = sa.Table(
    "events", rasa_metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("sender_id", sa.String(255), nullable=False, index=True),
    sa.Column("type_name", sa.String(255), nullable=False),
    sa.Column("timestamp", sa.Float),
    sa.Column("intent_name", sa.String(255)),
    sa.Column("action_name", sa.String(255)),
    sa.Column("data", sa.Text),
)

metadata = sa.MetaData()

users = sa.Table(
    "console_users", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("username", sa.String(80), nullable=False, unique=True),
    sa.Column("password_hash", sa.String(255), nullable=False),
    sa.Column("role", sa.String(20), nullable=False),
    sa.Column("active", sa.Boolean, nullable=False, default=True),
    sa.Column("created_at", sa.Float, nullable=False),
    sa.Column("last_login_at", sa.Float),
)

sessions = sa.Table(
    "console_sessions", metadata,
    # SHA-256 of the cookie value: a leaked table does not give working sessions.
    sa.Column("token_hash", sa.String(64), primary_key=True),
    sa.Column("user_id", sa.Integer, sa.ForeignKey("console_users.id", ondelete="CASCADE"),
              nullable=False),
    sa.Column("csrf_token", sa.String(64), nullable=False),
    sa.Column("created_at", sa.Float, nullable=False),
    sa.Column("last_seen_at", sa.Float, nullable=False),
)

# The search index: one row per sender id, rebuilt from events (bot.review.index).
conversations = sa.Table(
    "console_conversations", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("sender_id", sa.String(255), nullable=False, unique=True),
    sa.Column("channel", sa.String(40)),
    sa.Column("first_ts", sa.Float),
    sa.Column("last_ts", sa.Float, index=True),
    sa.Column("n_events", sa.Integer, nullable=False, default=0),
    sa.Column("max_event_id", sa.Integer, nullable=False, default=0),
    sa.Column("n_user", sa.Integer, nullable=False, default=0),
    sa.Column("n_bot", sa.Integer, nullable=False, default=0),
    sa.Column("emergency", sa.Boolean, nullable=False, default=False),
    sa.Column("n_emergency", sa.Integer, nullable=False, default=0),
    sa.Column("fallback", sa.Boolean, nullable=False, default=False),
    sa.Column("n_fallback", sa.Integer, nullable=False, default=0),
    sa.Column("min_confidence", sa.Float),
    sa.Column("diagnosis", sa.Boolean, nullable=False, default=False),
    sa.Column("screening", sa.Boolean, nullable=False, default=False),
    sa.Column("red_flags", sa.String(255), nullable=False, default=""),
    sa.Column("preview", sa.Text, nullable=False, default=""),
    sa.Column("search_text", sa.Text, nullable=False, default=""),
    sa.Column("search_redacted", sa.Text, nullable=False, default=""),
)

conversation_intents = sa.Table(
    "console_conversation_intents", metadata,
    sa.Column("conversation_id", sa.Integer, sa.ForeignKey("console_conversations.id", ondelete="CASCADE"),
              primary_key=True),
    sa.Column("intent", sa.String(255), primary_key=True),
    sa.Column("n", sa.Integer, nullable=False),
)

conversation_days = sa.Table(
    "console_conversation_days", metadata,
    sa.Column("conversation_id", sa.Integer, sa.ForeignKey("console_conversations.id", ondelete="CASCADE"),
              primary_key=True),
    sa.Column("day", sa.String(10), primary_key=True),
    sa.Column("n_user", sa.Integer, nullable=False),
    sa.Column("n_bot", sa.Integer, nullable=False),
)

# Reviewer data is keyed by sender id, not index row id, so a rebuilt index keeps it.
reviews = sa.Table(
    "console_reviews", metadata,
    sa.Column("sender_id", sa.String(255), primary_key=True),
    sa.Column("reviewed", sa.Boolean, nullable=False, default=False),
    sa.Column("follow_up", sa.Boolean, nullable=False, default=False),
    sa.Column("updated_by", sa.String(80)),
    sa.Column("updated_at", sa.Float),
)

tags = sa.Table(
    "console_tags", metadata,
    sa.Column("sender_id", sa.String(255), primary_key=True),
    sa.Column("tag", sa.String(60), primary_key=True),
    sa.Column("created_by", sa.String(80)),
    sa.Column("created_at", sa.Float),
)

notes = sa.Table(
    "console_notes", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("sender_id", sa.String(255), nullable=False, index=True),
    sa.Column("author", sa.String(80), nullable=False),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("created_at", sa.Float, nullable=False),
)

audit = sa.Table(
    "console_audit", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("ts", sa.Float, nullable=False, index=True),
    sa.Column("username", sa.String(80)),
    sa.Column("action", sa.String(40), nullable=False),
    sa.Column("sender_id", sa.String(255)),
    sa.Column("detail", sa.Text, nullable=False, default=""),
)

state = sa.Table(
    "console_state", metadata,
    sa.Column("key", sa.String(60), primary_key=True),
    sa.Column("value", sa.String(255), nullable=False),
)

sa.Index("ix_console_conversations_first_ts", conversations.c.first_ts)

# Per conversation, ISO week (its Monday, UTC) and model: the quality-over-time page's
# counts, so that page sums a few thousand rows instead of parsing events.
conversation_weeks = sa.Table(
    "console_conversation_weeks", metadata,
    sa.Column("conversation_id", sa.Integer, sa.ForeignKey("console_conversations.id", ondelete="CASCADE"),
              primary_key=True),
    sa.Column("week", sa.String(10), primary_key=True),
    sa.Column("model_id", sa.String(64), primary_key=True),
    sa.Column("n_user", sa.Integer, nullable=False),
    sa.Column("n_fallback", sa.Integer, nullable=False),
    sa.Column("n_low_confidence", sa.Integer, nullable=False),
    sa.Column("n_emergency", sa.Integer, nullable=False),
    sa.Column("n_diagnosis", sa.Integer, nullable=False),
)

# What a reviewer says should have happened on one user turn (bot.review.corrections).
# The turn is named by sender id and Rasa's event id; what the page and the export need
# of it (redacted text, intent, confidence, entities, model) is copied here when the
# correction is made, so the Improve page and the export never parse events.
corrections = sa.Table(
    "console_corrections", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("sender_id", sa.String(255), nullable=False, index=True),
    sa.Column("event_id", sa.Integer, nullable=False),
    sa.Column("turn_index", sa.Integer, nullable=False, default=0),  # 0 = first user turn
    sa.Column("turn_ts", sa.Float),
    sa.Column("example_text", sa.Text, nullable=False),  # redacted, maybe edited by the reviewer
    sa.Column("original_intent", sa.String(255)),
    sa.Column("original_confidence", sa.Float),
    sa.Column("model_id", sa.String(64), nullable=False, default=""),
    sa.Column("entities", sa.Text, nullable=False, default="[]"),  # JSON, as the extractor found them
    sa.Column("kind", sa.String(20), nullable=False),
    sa.Column("target", sa.String(255), nullable=False, default=""),
    sa.Column("note", sa.Text, nullable=False, default=""),
    sa.Column("reviewer", sa.String(80), nullable=False),
    sa.Column("created_at", sa.Float, nullable=False),
    sa.Column("updated_at", sa.Float, nullable=False),
    sa.Column("status", sa.String(10), nullable=False, default="open", index=True),
    sa.Column("decided_by", sa.String(80)),
    sa.Column("decided_at", sa.Float),
    # One correction per reviewer and turn: a second submission replaces an open one.
    sa.UniqueConstraint("sender_id", "event_id", "reviewer", name="uq_console_corrections_turn_reviewer"),
)
sa.Index("ix_console_corrections_turn", corrections.c.sender_id, corrections.c.event_id)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def make_engine(url: str) -> Engine:
    """An engine for the store; SQLite waits on locks instead of failing at once."""
    if url.startswith("sqlite"):
        engine = sa.create_engine(url, connect_args={"check_same_thread": False, "timeout": 10})
        sa.event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return sa.create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=5)


def has_events_table(engine: Engine) -> bool:
    """Rasa creates ``events`` when it first starts; the console may start before it."""
    return sa.inspect(engine).has_table("events")
