"""Read what the NLU made of the latest user message."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker

from bot.language.entities import NEGATED_ROLE

RED_FLAG = "red_flag"


def concepts(tracker: Tracker) -> set[str]:
    """Concept ids the user mentioned and did not negate (red flags excluded)."""
    return {
        str(e.get("value"))
        for e in tracker.latest_message.get("entities") or []
        if e.get("role") != NEGATED_ROLE and e.get("entity") != RED_FLAG and e.get("value")
    }


def intent_name(tracker: Tracker) -> str:
    return (tracker.latest_message.get("intent") or {}).get("name") or ""


def text(tracker: Tracker) -> str:
    return tracker.latest_message.get("text") or ""


def reported_red_flags(tracker: Tracker) -> list[str]:
    """Red-flag categories the RedFlagClassifier found reported in the message."""
    flags: dict[str, Any] = tracker.latest_message.get("red_flags") or {}
    return list(flags.get("reported") or [])
