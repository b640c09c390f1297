"""The screening summary: what matches the article, what was denied, what comes next.

It lists symptoms, never a verdict: no "you have LES", no score. Urgency is
"emergency" when a red flag came up during the screening, "prompt" when an answer
the article's advice treats as pressing was "yes" (new trouble speaking, chewing
or swallowing; symptoms getting worse quickly), otherwise "routine".
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from bot.knowledge.answer import render
from bot.knowledge.article import load_article
from bot.knowledge.messages import message
from bot.screening.questions import load_questions


@dataclass
class Summary:
    """The structured summary, stored in the conversation for the review console."""

    reported: list[str] = field(default_factory=list)
    denied: list[str] = field(default_factory=list)
    unsure: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    context: list[str] = field(default_factory=list)
    urgency: str = "routine"

    def as_dict(self) -> dict:
        return asdict(self)


def summarise(values: dict[str, str | None], emergency_seen: bool) -> Summary:
    """Sort the answers; slots map to question labels via data/screening/questions.yml."""
    summary = Summary()
    prompt = False
    for q in load_questions():
        value = values.get(q.slot)
        if value == "yes":
            (summary.context if q.context else summary.reported).append(q.slot)
            prompt = prompt or q.prompt
        elif value == "no":
            summary.denied.append(q.slot)
        elif value == "unsure":
            summary.unsure.append(q.slot)
        elif value == "skipped":
            summary.skipped.append(q.slot)
    summary.urgency = "emergency" if emergency_seen else "prompt" if prompt else "routine"
    return summary


def _labels(slots: list[str]) -> list[str]:
    by_slot = {q.slot: q.label for q in load_questions()}
    return [by_slot[s] for s in slots]


def _bullets(slots: list[str]) -> str:
    return "\n".join(f"• {label}" for label in _labels(slots))


def render_summary(summary: Summary) -> list[str]:
    """The messages a person can take to their provider."""
    article = load_article()
    questions = {q.slot: q for q in load_questions()}
    messages = [message("screening_summary_intro")]
    symptoms = [s for s in summary.reported if s != "sx_worsening"]
    if symptoms:
        lines = []
        for slot in symptoms:
            sections = sorted({article.passage(p).section.title for p in questions[slot].passages})
            lines.append(f"• {questions[slot].label} (article section *{', '.join(sections)}*)")
        messages.append(message("screening_reported") + "\n" + "\n".join(lines))
    else:
        messages.append(message("screening_none_reported"))
    if summary.denied:
        messages.append(message("screening_denied") + "\n" + _bullets(summary.denied))
    if summary.unsure or summary.skipped:
        messages.append(message("screening_open") + "\n" + _bullets(summary.unsure + summary.skipped))
    if summary.context:
        messages.append(message("screening_context") + "\n" + _bullets(summary.context))
    next_steps = [article.passage("exams.physical"), article.passage("exams.tests")]
    if "ctx_smoking" in summary.context or "ctx_lung_cancer" in summary.context:
        next_steps.append(article.passage("exams.cancer_scans"))
    messages.append(message("screening_next_steps") + "\n\n" + "\n\n".join(render(next_steps)))
    messages.append(message(f"screening_urgency_{summary.urgency}"))
    return messages
