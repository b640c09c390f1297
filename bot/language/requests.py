"""Does a message ask the bot for a verdict about a person ("what are the odds I have it")?

The intent classifier learns "do I have LES?" but not the many other ways people ask
for a diagnosis; these phrasings (data/lexicon/requests.yml) and the learned model's
verdict head make the message ask_diagnosis, whose answer refuses and gives the exams,
tests and when to call. The cues alone serve the action server (no model loaded there).
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from bot import paths
from bot.datafiles import read_mapping
from bot.language.message_model import assess

REQUESTS_FILE = paths.DATA / "lexicon" / "requests.yml"
_WORD = re.compile(r"[a-z0-9/']+")


def _words(text: str) -> str:
    return " " + " ".join(_WORD.findall(text.lower().replace("’", "'"))) + " "


@lru_cache(maxsize=1)
def _cues(path: Path = REQUESTS_FILE) -> tuple[tuple[str, ...], tuple[str, ...], tuple[re.Pattern[str], ...]]:
    data = read_mapping(path)
    return (tuple(_words(c) for c in data.get("diagnosis_request") or ()),
            tuple(_words(c) for c in data.get("not_diagnosis_request") or ()),
            tuple(re.compile(p) for p in data.get("diagnosis_patterns") or ()))


@lru_cache(maxsize=1)
def _telling_others(path: Path = REQUESTS_FILE) -> tuple[str, ...]:
    return tuple(_words(c) for c in read_mapping(path).get("telling_others") or ())


def tells_others(text: str) -> bool:
    """Asks whether or how to tell others one has LES ("should I tell my employer that I have LES?")."""
    words = _words(text)
    return any(cue in words for cue in _telling_others())


def asks_for_diagnosis(text: str) -> bool:
    """A request for a verdict: a cue phrase or pattern, not one of the look-alikes."""
    words = _words(text)
    requests, look_alikes, patterns = _cues()
    for cue in look_alikes:
        words = words.replace(cue, " ")
    if any(cue in words for cue in requests):
        return True
    lowered = text.lower().replace("’", "'").strip()
    return any(p.search(lowered) for p in patterns)


@lru_cache(maxsize=1)
def learned_threshold(path: Path = REQUESTS_FILE) -> float:
    """The model's verdict-request probability from which a message is one (requests.yml)."""
    return float((read_mapping(path).get("learned") or {})["diagnosis"])


def requests_a_verdict(text: str, spaced: str | None = None) -> bool:
    """The NLU's decision: a cue, or the learned model (on ``spaced``, the text with words
    typed together split: "doihaveles") sure enough."""
    if asks_for_diagnosis(text):
        return True
    if tells_others(text):
        return False
    return assess(spaced if spaced is not None else text).diagnosis >= learned_threshold()
