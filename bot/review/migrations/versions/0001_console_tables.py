"""The console's tables as its first release made them (create_all, before migrations).

Revision ID: 0001
Revises:
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "console_users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=80), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.Float(), nullable=False),
        sa.Column("last_login_at", sa.Float(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("username"),
    )
    op.create_table(
        "console_sessions",
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("csrf_token", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.Float(), nullable=False),
        sa.Column("last_seen_at", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["console_users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("token_hash"),
    )
    op.create_table(
        "console_conversations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sender_id", sa.String(length=255), nullable=False),
        sa.Column("channel", sa.String(length=40), nullable=True),
        sa.Column("first_ts", sa.Float(), nullable=True),
        sa.Column("last_ts", sa.Float(), nullable=True),
        sa.Column("n_events", sa.Integer(), nullable=False),
        sa.Column("max_event_id", sa.Integer(), nullable=False),
        sa.Column("n_user", sa.Integer(), nullable=False),
        sa.Column("n_bot", sa.Integer(), nullable=False),
        sa.Column("emergency", sa.Boolean(), nullable=False),
        sa.Column("n_emergency", sa.Integer(), nullable=False),
        sa.Column("fallback", sa.Boolean(), nullable=False),
        sa.Column("n_fallback", sa.Integer(), nullable=False),
        sa.Column("min_confidence", sa.Float(), nullable=True),
        sa.Column("diagnosis", sa.Boolean(), nullable=False),
        sa.Column("screening", sa.Boolean(), nullable=False),
        sa.Column("red_flags", sa.String(length=255), nullable=False),
        sa.Column("preview", sa.Text(), nullable=False),
        sa.Column("search_text", sa.Text(), nullable=False),
        sa.Column("search_redacted", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("sender_id"),
    )
    op.create_index("ix_console_conversations_first_ts", "console_conversations", ["first_ts"])
    op.create_index("ix_console_conversations_last_ts", "console_conversations", ["last_ts"])
    op.create_table(
        "console_conversation_intents",
        sa.Column("conversation_id", sa.Integer(), nullable=False),
        sa.Column("intent", sa.String(length=255), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["conversation_id"], ["console_conversations.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("conversation_id", "intent"),
    )
    op.create_table(
        "console_conversation_days",
        sa.Column("conversation_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.String(length=10), nullable=False),
        sa.Column("n_user", sa.Integer(), nullable=False),
        sa.Column("n_bot", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["conversation_id"], ["console_conversations.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("conversation_id", "day"),
    )
    op.create_table(
        "console_reviews",
        sa.Column("sender_id", sa.String(length=255), nullable=False),
        sa.Column("reviewed", sa.Boolean(), nullable=False),
        sa.Column("follow_up", sa.Boolean(), nullable=False),
        sa.Column("updated_by", sa.String(length=80), nullable=True),
        sa.Column("updated_at", sa.Float(), nullable=True),
        sa.PrimaryKeyConstraint("sender_id"),
    )
    op.create_table(
        "console_tags",
        sa.Column("sender_id", sa.String(length=255), nullable=False),
        sa.Column("tag", sa.String(length=60), nullable=False),
        sa.Column("created_by", sa.String(length=80), nullable=True),
        sa.Column("created_at", sa.Float(), nullable=True),
        sa.PrimaryKeyConstraint("sender_id", "tag"),
    )
    op.create_table(
        "console_notes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sender_id", sa.String(length=255), nullable=False),
        sa.Column("author", sa.String(length=80), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_console_notes_sender_id", "console_notes", ["sender_id"])
    op.create_table(
        "console_audit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ts", sa.Float(), nullable=False),
        sa.Column("username", sa.String(length=80), nullable=True),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("sender_id", sa.String(length=255), nullable=True),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_console_audit_ts", "console_audit", ["ts"])
    op.create_table(
        "console_state",
        sa.Column("key", sa.String(length=60), nullable=False),
        sa.Column("value", sa.String(length=255), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )


def downgrade() -> None:
    for table in ("console_state", "console_audit", "console_notes", "console_tags", "console_reviews",
                  "console_conversation_days", "console_conversation_intents", "console_conversations",
                  "console_sessions", "console_users"):
        op.drop_table(table)  # their indexes go with them
