"""The screening questions (data/screening/questions.yml)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from bot import paths
from bot.datafiles import read_mapping

QUESTIONS_FILE = paths.DATA / "screening" / "questions.yml"
ANSWERS = ("yes", "no", "unsure", "skipped")


@dataclass(frozen=True)
class Question:
    slot: str
    label: str
    concepts: tuple[str, ...]
    passages: tuple[str, ...]
    negated_concepts: tuple[str, ...] = ()  # answer only when negated
    prompt: bool = False  # a "yes" makes the summary's urgency "prompt"
    context: bool = False  # background (smoking, cancer, autoimmune), not a symptom


@lru_cache(maxsize=1)
def load_questions() -> tuple[Question, ...]:
    """The questions in the order they are asked."""
    raw = read_mapping(QUESTIONS_FILE)["questions"]
    return tuple(
        Question(q["slot"], q["label"], tuple(q.get("concepts") or ()), tuple(q.get("passages") or ()),
                 tuple(q.get("negated_concepts") or ()), bool(q.get("prompt")), bool(q.get("context")))
        for q in raw
    )


def slots() -> list[str]:
    return [q.slot for q in load_questions()]


def slot_for_concept(negated: bool = False) -> dict[str, str]:
    """Concept id -> the slot it answers (when ``negated``, also the negation-only ones)."""
    found = {concept: q.slot for q in load_questions() for concept in q.concepts}
    if negated:
        found.update({c: q.slot for q in load_questions() for c in q.negated_concepts})
    return found
