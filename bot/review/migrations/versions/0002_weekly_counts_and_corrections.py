"""Per-week counts for the Quality page and reviewers' corrections (bot.review.corrections).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "console_conversation_weeks",
        sa.Column("conversation_id", sa.Integer(), nullable=False),
        sa.Column("week", sa.String(length=10), nullable=False),
        sa.Column("model_id", sa.String(length=64), nullable=False),
        sa.Column("n_user", sa.Integer(), nullable=False),
        sa.Column("n_fallback", sa.Integer(), nullable=False),
        sa.Column("n_low_confidence", sa.Integer(), nullable=False),
        sa.Column("n_emergency", sa.Integer(), nullable=False),
        sa.Column("n_diagnosis", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["conversation_id"], ["console_conversations.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("conversation_id", "week", "model_id"),
    )
    op.create_table(
        "console_corrections",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sender_id", sa.String(length=255), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("turn_index", sa.Integer(), nullable=False),
        sa.Column("turn_ts", sa.Float(), nullable=True),
        sa.Column("example_text", sa.Text(), nullable=False),
        sa.Column("original_intent", sa.String(length=255), nullable=True),
        sa.Column("original_confidence", sa.Float(), nullable=True),
        sa.Column("model_id", sa.String(length=64), nullable=False),
        sa.Column("entities", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("target", sa.String(length=255), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("reviewer", sa.String(length=80), nullable=False),
        sa.Column("created_at", sa.Float(), nullable=False),
        sa.Column("updated_at", sa.Float(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("decided_by", sa.String(length=80), nullable=True),
        sa.Column("decided_at", sa.Float(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("sender_id", "event_id", "reviewer", name="uq_console_corrections_turn_reviewer"),
    )
    op.create_index("ix_console_corrections_sender_id", "console_corrections", ["sender_id"])
    op.create_index("ix_console_corrections_status", "console_corrections", ["status"])
    op.create_index("ix_console_corrections_turn", "console_corrections", ["sender_id", "event_id"])


def downgrade() -> None:
    op.drop_table("console_corrections")
    op.drop_table("console_conversation_weeks")
