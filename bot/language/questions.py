"""Is a message a question? Shared by red-flag detection and the screening form."""

from __future__ import annotations

import re

QUESTION_STARTS = frozenset({
    "does", "do", "can", "could", "is", "are", "will", "would", "what", "how", "why",
    "which", "should", "may", "might", "when", "where", "who", "whats", "what's", "hows",
})


def is_question(text: str) -> bool:
    """Ends with "?" or starts with a question word ("does LES cause dry mouth")."""
    stripped = text.strip()
    if stripped.endswith("?"):
        return True
    words = stripped.lower().split()
    return bool(words) and words[0].strip(",.!") in QUESTION_STARTS


# with the typed-fast forms ("hw do i know if i have gout")
_WH_WORDS = frozenset({"what", "whats", "what's", "why", "how", "which", "when", "where", "who",
                       "hw", "wat", "wht", "wut", "hows"})


def asks_something(text: str) -> bool:
    """Any sentence of the text is a question."""
    sentences = [s for s in re.split(r"(?<=[.?!])\s+", text) if s.strip()]
    return "?" in text or any(is_question(s) for s in sentences)


# A clause that asks for a recommendation without a question word ("best eye drops for
# dry eyes from too much screen time", "any tips for ...")
_REQUEST_WORDS = frozenset({"best", "recommend", "recommended", "suggest", "suggestions", "tips", "any"})


def asks_in_any_clause(text: str) -> bool:
    """A question, also as a clause after a comma ("my eyes itch, what can i take"), or a
    request for a recommendation ("best eye drops for dry eyes")."""
    clauses = [c.strip() for c in re.split(r"[,;]", text) if c.strip()]
    return asks_something(text) or any(c.lower().split()[0] in _WH_WORDS | _REQUEST_WORDS for c in clauses)
