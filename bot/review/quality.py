"""Quality over time: per ISO week and per model, how the bot did and what reviewers corrected.

Message counts come from the index (``console_conversation_weeks``, one row per
conversation, week and model), corrections from ``console_corrections`` (their
turn's time and model were copied when they were made), so the page reads a few
thousand small rows whatever the number of events. Rejected corrections do not
count: an admin said the bot was right.
"""

from __future__ import annotations

import csv
import io
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from bot.review import corrections, db
from bot.review.index import NO_MODEL, week_of


@dataclass
class Cell:
    """One week of one model (or of all models)."""

    week: str
    model: str
    messages: int = 0
    fallback: int = 0
    low_confidence: int = 0
    emergencies: int = 0
    diagnosis: int = 0
    corrected_turns: int = 0
    corrections: Counter[str] = field(default_factory=Counter)  # by kind
    targets: Counter[str] = field(default_factory=Counter)  # by target ("intent ask_ivig": 3)

    def rate(self, count: int) -> float:
        """Per user message, so weeks and models of different traffic compare."""
        return count / self.messages if self.messages else 0.0

    @property
    def fallback_rate(self) -> float:
        """Messages the bot could not place (nlu_fallback, out_of_scope, no answer)."""
        return self.rate(self.fallback)

    @property
    def low_confidence_rate(self) -> float:
        """Messages classified below the low-confidence threshold."""
        return self.rate(self.low_confidence)

    @property
    def corrected_share(self) -> float:
        """Turns with a correction that was not rejected, per message."""
        return self.rate(self.corrected_turns)


@dataclass
class Quality:
    """The page's data: week labels, per-week totals for the charts, week x model rows."""

    weeks: list[str]
    totals: list[Cell]  # one per week, all models
    cells: list[Cell]  # week x model, only where there were messages or corrections
    targets: list[tuple[str, int]]  # corrections by target over the period


def compute(engine: Engine, weeks: int = 12, now: float | None = None) -> Quality:
    """The last ``weeks`` ISO weeks (UTC), the current one included."""
    today = datetime.fromtimestamp(now, tz=timezone.utc) if now else datetime.now(timezone.utc)
    first = week_of((today - timedelta(weeks=weeks - 1)).timestamp())
    start = datetime.strptime(first, "%Y-%m-%d").replace(tzinfo=timezone.utc)
    labels = [(start + timedelta(weeks=i)).strftime("%Y-%m-%d") for i in range(weeks)]
    cells: dict[tuple[str, str], Cell] = {}
    w = db.conversation_weeks.c
    c = db.corrections.c
    with engine.connect() as connection:
        for row in connection.execute(
                sa.select(w.week, w.model_id, sa.func.sum(w.n_user), sa.func.sum(w.n_fallback),
                          sa.func.sum(w.n_low_confidence), sa.func.sum(w.n_emergency),
                          sa.func.sum(w.n_diagnosis))
                .where(w.week >= first).group_by(w.week, w.model_id)):
            cell = cells.setdefault((row[0], row[1]), Cell(row[0], row[1]))
            cell.messages, cell.fallback, cell.low_confidence, cell.emergencies, cell.diagnosis = (
                int(v or 0) for v in row[2:])
        fixed = list(connection.execute(
            sa.select(c.sender_id, c.event_id, c.turn_ts, c.model_id, c.kind, c.target)
            .where(c.status != "rejected", c.turn_ts >= start.timestamp())))
    options = corrections.choices()
    turns: dict[tuple[str, str], set[tuple[str, int]]] = defaultdict(set)
    targets: Counter[str] = Counter()
    for r in fixed:
        key = (week_of(r.turn_ts), r.model_id or NO_MODEL)
        cell = cells.setdefault(key, Cell(*key))
        label = corrections.target_label(r.kind, r.target, options)
        cell.corrections[r.kind] += 1
        cell.targets[label] += 1
        turns[key].add((r.sender_id, r.event_id))
        targets[label] += 1
    for key, corrected in turns.items():
        cells[key].corrected_turns = len(corrected)
    totals = {label: Cell(label, "all") for label in labels}
    for cell in cells.values():
        total = totals.get(cell.week)
        if total is None:
            continue
        for name in ("messages", "fallback", "low_confidence", "emergencies", "diagnosis", "corrected_turns"):
            setattr(total, name, getattr(total, name) + getattr(cell, name))
        total.corrections.update(cell.corrections)
        total.targets.update(cell.targets)
    ordered = sorted((x for x in cells.values() if x.week in totals), key=lambda x: (x.week, x.model),
                     reverse=True)
    return Quality(labels, [totals[label] for label in labels], ordered, targets.most_common())


CSV_COLUMNS = ["week", "model", "messages", "fallback_rate", "low_confidence_rate", "emergencies",
               "diagnosis_requests", "corrected_turns", "corrected_share", *corrections.KINDS, "targets"]


def to_csv(quality: Quality) -> str:
    """The page's week x model table, for a spreadsheet or a report."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    for cell in quality.cells:
        writer.writerow([cell.week, cell.model, cell.messages, f"{cell.fallback_rate:.4f}",
                         f"{cell.low_confidence_rate:.4f}", cell.emergencies, cell.diagnosis,
                         cell.corrected_turns, f"{cell.corrected_share:.4f}",
                         *(cell.corrections.get(kind, 0) for kind in corrections.KINDS),
                         "; ".join(f"{label}={n}" for label, n in cell.targets.most_common())])
    return buffer.getvalue()
