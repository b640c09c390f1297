"""Is a message classified as a conversation control (stop, start over, goodbye, ...) in
that intent's own words?

The intent classifier has to put every message somewhere, and a message about something
else entirely often lands on a short control intent: "my cat knocked over my coffee again"
on restart_screening, "best way to quit smoking" on stop_screening, "going to my grandson's
soccer game later" on goodbye. Those intents' replies (the symptom check, "OK, I've
stopped the questions", "take care") would answer nothing. A control intent is trusted
only when the message's content words are words its own NLU examples use; the scope
marker (bot/language/scope_mark.py) then gives a stray message marked outside LES the
out-of-scope reply.
"""

from __future__ import annotations

import re
from functools import lru_cache

from bot.language.intent_names import SHOW_SOURCE
from bot.language.message_model import intent_examples
from bot.language.questions import asks_something

# The intents that steer the conversation and answer nothing about LES. Not the answers
# inside the symptom check (affirm, deny, unsure): "yes, mostly on the stairs" adds words.
CONTROL_INTENTS = frozenset({
    "start_screening", "stop_screening", "restart_screening", "continue_screening", "go_back",
    "skip_question", "greet", "goodbye", "thank", "bot_challenge", SHOW_SOURCE,
})
# Words outside the intent's examples from which the message is about something else;
# a question needs only one ("is it ok to take melatonin every night" as goodbye).
STRAY_WORDS = 2
STRAY_WORDS_IN_A_QUESTION = 1
_WORD = re.compile(r"[a-z]+(?:'[a-z]+)?")


def content_words(text: str) -> list[str]:
    """Lower-case words that carry meaning (no stop words, no "'s")."""
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    words = (w.split("'")[0] for w in _WORD.findall(text.lower()))
    return [w for w in words if len(w) > 1 and w not in ENGLISH_STOP_WORDS]


@lru_cache(maxsize=1)
def vocabulary() -> dict[str, frozenset[str]]:
    """Each control intent's content words, from its NLU examples."""
    found: dict[str, set[str]] = {intent: set() for intent in CONTROL_INTENTS}
    for intent, text in intent_examples():
        if intent in found:
            found[intent].update(content_words(text))
    return {intent: frozenset(words) for intent, words in found.items()}


def only_strays(intent: str | None, text: str) -> bool:
    """Are all of the message's content words (at least ``STRAY_WORDS``) outside this
    control intent's examples? "introduction to cooking" as continue_screening shares no
    word with "keep going" or "let's continue"."""
    if intent not in CONTROL_INTENTS:
        return False
    words = set(content_words(text))
    return len(words) >= STRAY_WORDS and not words & vocabulary()[intent]


def strays_from(intent: str | None, text: str) -> bool:
    """Is this a control intent the message's own words do not support?"""
    if intent not in CONTROL_INTENTS:
        return False
    known = vocabulary()[intent]
    strays = len({w for w in content_words(text) if w not in known})
    return strays >= (STRAY_WORDS_IN_A_QUESTION if asks_something(text) else STRAY_WORDS)
