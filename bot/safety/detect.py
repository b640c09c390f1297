"""Decide which red flags a message reports, from the domain pipeline's entities.

A red flag counts when it is *reported*: not negated ("no trouble breathing")
and not a general question about LES ("does LES cause choking?"). A general
question is a sentence that asks about LES or its symptoms without anyone in it
("I", "my dad", "she"...). When in doubt, it counts: a missed emergency costs
more than an extra 911 message.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from spacy.tokens import Doc, Span

from bot.language.lexicon import RED_FLAG_LABEL, load_lexicon
from bot.language.questions import is_question

_PEOPLE = {
    "i", "im", "i'm", "me", "my", "mine", "myself", "we", "us", "our", "he", "him", "his",
    "she", "her", "hers", "they're", "someone", "somebody", "mum", "mom", "mother", "dad",
    "father", "husband", "wife", "son", "daughter", "baby", "child", "kid", "partner",
    "friend", "grandma", "grandpa", "brother", "sister", "patient", "mama", "papa", "ive",
    "i've", "i'd", "id", "i'll",
}
_GENERIC_CUES = {"les", "lems", "symptom", "symptoms", "sign", "signs", "cause", "causes",
                 "complication", "complications", "lambert", "syndrome", "disease", "condition"}


@dataclass
class RedFlagFinding:
    """What one message says about red flags."""

    reported: list[str] = field(default_factory=list)
    negated: list[str] = field(default_factory=list)
    generic: list[str] = field(default_factory=list)

    @property
    def any_mentioned(self) -> bool:
        return bool(self.reported or self.negated or self.generic)

    @property
    def self_harm(self) -> bool:
        return any(c in _self_harm_ids() for c in self.reported)


def _self_harm_ids() -> set[str]:
    return {r.id for r in load_lexicon().red_flags if r.self_harm}


_FUTURE_CUES = {"later", "future", "eventually", "someday", "ever", "years"}


def is_general_question(sentence: Span) -> bool:
    """A question about LES in general, with no person in it, or about the future
    ("could my mum choke later on?")."""
    words = [t.lower_ for t in sentence if not t.is_punct and not t.is_space]
    if not words:
        return False
    if is_question(sentence.text) and any(w in _FUTURE_CUES for w in words):
        return True
    if any(w in _PEOPLE for w in words):
        return False
    return is_question(sentence.text) and any(w in _GENERIC_CUES for w in words)


def find_red_flags(doc: Doc) -> RedFlagFinding:
    """Sort the doc's red-flag entities into reported, negated and generic."""
    finding = RedFlagFinding()
    for ent in doc.ents:
        if ent.label_ != RED_FLAG_LABEL:
            continue
        category = ent.ent_id_
        if ent._.negex:
            bucket = finding.negated
        elif is_general_question(ent.sent):
            bucket = finding.generic
        else:
            bucket = finding.reported
        if category not in bucket:
            bucket.append(category)
    return finding
