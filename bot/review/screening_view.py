"""The screening answers and summary of a conversation, as the transcript page shows them.

The screening stores one slot per question (``yes`` / ``no`` / ``unsure`` /
``skipped``) and its summary in ``screening_summary``; the labels come from the
screening's own question file, so the console and the bot describe a question alike.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot.screening.questions import load_questions

SUMMARY_SLOT = "screening_summary"


@dataclass
class ScreeningView:
    answers: list[tuple[str, str]] = field(default_factory=list)  # (question label, answer)
    urgency: str | None = None
    summary: dict[str, Any] = field(default_factory=dict)

    @property
    def shown(self) -> bool:
        return bool(self.answers or self.summary)


def screening_view(slots: dict[str, Any]) -> ScreeningView:
    """What the screening recorded, in question order; empty when it never ran."""
    view = ScreeningView()
    for question in load_questions():
        value = slots.get(question.slot)
        if value is not None:
            view.answers.append((question.label, str(value)))
    summary = slots.get(SUMMARY_SLOT)
    if isinstance(summary, dict):
        view.summary = summary
        view.urgency = summary.get("urgency")
    return view
