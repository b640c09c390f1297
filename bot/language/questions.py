"""Is a message a question? Shared by red-flag detection and the screening form."""

from __future__ import annotations

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
