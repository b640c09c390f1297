"""Numbers for the overview page, computed in SQL over the index tables."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from bot.review import db
from bot.review.index import day_of


@dataclass
class Overview:
    days: list[str] = field(default_factory=list)
    conversations_per_day: list[int] = field(default_factory=list)
    messages_per_day: list[int] = field(default_factory=list)
    conversations: int = 0
    user_messages: int = 0
    fallback_turns: int = 0
    emergency_conversations: int = 0
    emergency_turns: int = 0
    diagnosis_conversations: int = 0
    top_intents: list[tuple[str, int]] = field(default_factory=list)

    @property
    def fallback_rate(self) -> float:
        return self.fallback_turns / self.user_messages if self.user_messages else 0.0


def compute(engine: Engine, days: int = 30, now: float | None = None) -> Overview:
    """The last ``days`` days (UTC), ending today; counts by a conversation's first day."""
    today = datetime.fromtimestamp(now, tz=timezone.utc) if now else datetime.now(timezone.utc)
    start = (today - timedelta(days=days - 1)).replace(hour=0, minute=0, second=0, microsecond=0)
    labels = [(start + timedelta(days=i)).strftime("%Y-%m-%d") for i in range(days)]
    c = db.conversations.c
    result = Overview(days=labels)
    with engine.connect() as connection:
        rows = connection.execute(sa.select(c.first_ts).where(c.first_ts >= start.timestamp()))
        per_day = dict.fromkeys(labels, 0)
        for (first_ts,) in rows:
            label = day_of(first_ts)
            if label in per_day:
                per_day[label] += 1
        result.conversations_per_day = [per_day[d] for d in labels]
        messages = dict(connection.execute(
            sa.select(db.conversation_days.c.day, sa.func.sum(db.conversation_days.c.n_user))
            .where(db.conversation_days.c.day >= labels[0]).group_by(db.conversation_days.c.day)).all())
        result.messages_per_day = [int(messages.get(d) or 0) for d in labels]
        in_range = c.last_ts >= start.timestamp()
        totals = connection.execute(sa.select(
            sa.func.count(), sa.func.sum(c.n_user), sa.func.sum(c.n_fallback), sa.func.sum(c.n_emergency),
            sa.func.sum(sa.case((c.emergency.is_(True), 1), else_=0)),
            sa.func.sum(sa.case((c.diagnosis.is_(True), 1), else_=0))).where(in_range)).one()
        (result.conversations, result.user_messages, result.fallback_turns, result.emergency_turns,
         result.emergency_conversations, result.diagnosis_conversations) = (int(v or 0) for v in totals)
        ci = db.conversation_intents.c
        result.top_intents = [(r[0], int(r[1])) for r in connection.execute(
            sa.select(ci.intent, sa.func.sum(ci.n).label("total"))
            .select_from(db.conversation_intents.join(db.conversations, c.id == ci.conversation_id))
            .where(in_range).group_by(ci.intent).order_by(sa.desc("total"), ci.intent).limit(10))]
    return result
