"""What the tests and the evaluation look for in bot replies (one place for each marker)."""

from __future__ import annotations

import re

EMERGENCY_MARK = "🚨"
DISCLAIMER_MARK = "This is general information"
FALLBACK_MARK = "I can only help with questions about Lambert-Eaton syndrome"
NOT_COVERED_MARK = "doesn't cover that"
NO_DIAGNOSIS_MARK = "I can't tell you whether you have LES"

# A verdict is what the bot must never say: "you have LES", "you probably don't have it",
# "it is likely LES", "sounds like LES", or a percentage.
_VERDICT = re.compile(
    r"\byou (?:\w+ )?(?:have|don't have|do not have) (?:les|lems|lambert|it)\b"
    r"|\b(?:likely|probably|unlikely) (?:to be |that it is )?(?:les|lems)\b"
    r"|\bsounds like (?:les|lems)\b|\b\d{1,3} ?%",
    re.IGNORECASE,
)


def texts(messages: list[dict]) -> list[str]:
    return [m.get("text") or "" for m in messages]


def is_emergency(text: str) -> bool:
    return text.startswith(EMERGENCY_MARK) and "911" in text


def is_disclaimer(text: str) -> bool:
    return DISCLAIMER_MARK in text and "911" in text and "provider" in text


def names_section(messages: list[str], title: str) -> bool:
    return any(f"section *{title}*" in m for m in messages)


def gives_verdict(messages: list[str]) -> bool:
    return any(_VERDICT.search(m.replace(NO_DIAGNOSIS_MARK, "")) for m in messages)


def greeting_buttons() -> list[str]:
    """The titles of the greeting's topic buttons, as domain.yml defines them."""
    import yaml

    from bot import paths

    domain = yaml.safe_load((paths.ROOT / "domain.yml").read_text())
    return [b["title"] for b in domain["responses"]["utter_greet"][0]["buttons"]]
