"""Read what the NLU made of the latest user message."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker

from bot.language.entities import (
    LANGUAGE_KEY,
    LEANS_OUTSIDE_KEY,
    NEGATED_ROLE,
    NOT_ENGLISH,
    SCOPE_KEY,
    VERDICT_KEY,
)
from bot.language.intent_names import NLU_FALLBACK, QUESTION_PREFIX

RED_FLAG = "red_flag"
NOT_CONCEPTS = {RED_FLAG, "emergency_kind"}


def concepts(tracker: Tracker) -> set[str]:
    """Concept ids the user mentioned and did not negate (red flags excluded)."""
    return {
        str(e.get("value"))
        for e in tracker.latest_message.get("entities") or []
        if e.get("role") != NEGATED_ROLE and e.get("entity") not in NOT_CONCEPTS and e.get("value")
    }


def negated_concepts(tracker: Tracker) -> set[str]:
    """Concept ids the user named in a negation ("mine is myasthenia gravis and not LES")."""
    return {
        str(e.get("value"))
        for e in tracker.latest_message.get("entities") or []
        if e.get("role") == NEGATED_ROLE and e.get("entity") not in NOT_CONCEPTS and e.get("value")
    }


def mentions_domain(tracker: Tracker) -> bool:
    """Does the latest message name any lexicon concept or red flag, negated or not?"""
    return any(e.get("entity") != "emergency_kind" for e in tracker.latest_message.get("entities") or [])


def les_conversation(tracker: Tracker) -> bool:
    """Was an earlier turn about LES (a concept named, or an article answer given)?"""
    users = [e for e in tracker.events if e.get("event") == "user"]
    for event in users[:-1]:
        for entity in (event.get("parse_data") or {}).get("entities") or []:
            if entity.get("entity") not in NOT_CONCEPTS and entity.get("role") != NEGATED_ROLE:
                return True
    return any(e.get("event") == "bot" and "section *" in (e.get("text") or "")
               for e in tracker.events)


def intent_name(tracker: Tracker) -> str:
    return (tracker.latest_message.get("intent") or {}).get("name") or ""


def likeliest_question(tracker: Tracker) -> str | None:
    """The intent classifier's first guess that asks something about LES (``ask_*``),
    read under a fallback."""
    for candidate in tracker.latest_message.get("intent_ranking") or []:
        name = str(candidate.get("name") or "")
        if name.startswith(QUESTION_PREFIX):
            return name
        if name != NLU_FALLBACK:
            return None
    return None


def intent_confidence(tracker: Tracker) -> float:
    return float((tracker.latest_message.get("intent") or {}).get("confidence") or 0.0)


def is_english(tracker: Tracker) -> bool:
    """The NLU did not mark the message as another language or as machine text."""
    return tracker.latest_message.get(LANGUAGE_KEY) != NOT_ENGLISH


def scope_mark(tracker: Tracker) -> str | None:
    """The NLU's mark for a question outside LES or outside the article, if any."""
    mark = tracker.latest_message.get(SCOPE_KEY)
    return str(mark) if mark else None


def leans_outside(tracker: Tracker) -> bool:
    """The NLU found the model leaning outside LES, short of a mark."""
    return bool(tracker.latest_message.get(LEANS_OUTSIDE_KEY))


def verdict_asked(tracker: Tracker) -> bool:
    """The NLU's verdict guard (a cue or the learned model) found a request for a verdict."""
    return bool(tracker.latest_message.get(VERDICT_KEY))


def text(tracker: Tracker) -> str:
    return tracker.latest_message.get("text") or ""


def reported_red_flags(tracker: Tracker) -> list[str]:
    """Red-flag categories the RedFlagClassifier found reported in the message."""
    flags: dict[str, Any] = tracker.latest_message.get("red_flags") or {}
    return list(flags.get("reported") or [])
