"""The learned model's view of a question's scope, as a mark on the parsed message.

The relevance gate (bot/knowledge/relevance.py) knows the conditions, medicines and
topics someone listed in scope.yml; "how do i quit smoking" or "a disabled parking
permit for LES" name none of them and used to get the nearest article passage. The
message model's scope heads (trained on many authors' questions) mark such a message
``outside`` (not about LES) or ``uncovered`` (about LES, not in the article); the answer
action reads the mark where the gate found nothing. Thresholds: scope.yml's ``learned``.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from bot import paths
from bot.datafiles import read_mapping
from bot.language.entities import OUTSIDE, UNCOVERED
from bot.language.message_model import assess

SCOPE_FILE = paths.DATA / "lexicon" / "scope.yml"


@lru_cache(maxsize=1)
def thresholds(path: Path = SCOPE_FILE) -> tuple[float, float]:
    """The heads' probabilities from which a message is outside / uncovered."""
    learned = read_mapping(path).get("learned") or {}
    return float(learned[OUTSIDE]), float(learned[UNCOVERED])


def scope_mark(spaced: str) -> str | None:
    """OUTSIDE, UNCOVERED or None, for the text with run-together words split."""
    assessment = assess(spaced)
    outside, uncovered = thresholds()
    if assessment.outside >= outside and assessment.outside >= assessment.uncovered:
        return OUTSIDE
    if assessment.uncovered >= uncovered:
        return UNCOVERED
    return None
