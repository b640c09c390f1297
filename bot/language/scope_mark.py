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
from bot.language.control_words import CONTROL_INTENTS, only_strays, strays_from
from bot.language.entities import OUTSIDE, UNCOVERED
from bot.language.message_model import assess
from bot.language.questions import asks_in_any_clause

SCOPE_FILE = paths.DATA / "lexicon" / "scope.yml"
# Intents whose reply is no answer (the symptom check, "what would you like to know", a
# greeting, "I'm a bot"): a question the model marks outside LES that lands here ("my knee
# clicks, why", "how do you say good morning in italian") gets the out-of-scope reply
# instead. Not "stop_screening": "how do i quit this" scores 0.88 outside.
INFORM_SYMPTOMS = "inform_symptoms"
NOT_ANSWERS = frozenset({INFORM_SYMPTOMS, "unsure", "deny", "greet", "bot_challenge"})
# Intents that start or resume the symptom check: one the message shares no word with
# ("introduction to cooking" as continue_screening) does not start it, marked or not.
CHECK_STARTS = frozenset({"start_screening", "restart_screening", "continue_screening"})


@lru_cache(maxsize=1)
def thresholds(path: Path = SCOPE_FILE) -> tuple[float, float]:
    """The heads' probabilities from which a message is outside / uncovered."""
    learned = read_mapping(path).get("learned") or {}
    return float(learned[OUTSIDE]), float(learned[UNCOVERED])


@lru_cache(maxsize=1)
def leaning_threshold(path: Path = SCOPE_FILE) -> float:
    """The outside head's probability from which the model leans outside (scope.yml)."""
    return float((read_mapping(path).get("learned") or {})["leans_outside"])


def leans_outside(spaced: str) -> bool:
    """Does the model lean outside LES (below the mark's threshold, above the lean's)?"""
    return assess(spaced).outside >= leaning_threshold()


def scope_mark(spaced: str) -> str | None:
    """OUTSIDE, UNCOVERED or None, for the text with run-together words split."""
    assessment = assess(spaced)
    outside, uncovered = thresholds()
    if assessment.outside >= outside and assessment.outside >= assessment.uncovered:
        return OUTSIDE
    if assessment.uncovered >= uncovered:
        return UNCOVERED
    return None


def asks_outside_instead(intent: str | None, mark: str | None, text: str, *, names_a_symptom: bool,
                         names_a_term: bool = True) -> bool:
    """Should a message with this intent and scope mark get the out-of-scope reply?

    A control intent (stop, start over, goodbye, ...) that the message's words do not
    support (bot/language/control_words.py), when marked at all; unmarked too, an intent
    that would start the symptom check from a message with none of its words and no
    symptom named, and any control intent from a message with none of its words that
    names nothing the lexicon knows ("my tomato plants have yellow leaves, why" as
    goodbye). Else only when marked outside: a question; a statement that would start
    the symptom check and names no symptom or red flag ("I have an itchy rash on my elbow",
    "my laptop won't turn on", "best way to quit smoking after 40 years"): the check asks
    about LES's symptoms, which the writer did not bring up. A report that names one ("my
    feet tingle and my back hurts") still starts it.
    """
    if mark is None:
        stray = (intent in CHECK_STARTS and not names_a_symptom) \
            or (intent in CONTROL_INTENTS and not names_a_term)
        return stray and only_strays(intent, text)
    if strays_from(intent, text):
        # "my cat knocked over my coffee again" as restart_screening; marked uncovered
        # ("should my brothers be screened for LES" as start_screening), the answer
        # action then says the article does not cover it
        return True
    if mark != OUTSIDE:
        return False
    if intent not in NOT_ANSWERS:
        return False
    return asks_in_any_clause(text) or (intent == INFORM_SYMPTOMS and not names_a_symptom)
