"""Tell whether a message is (mostly) English.

The bot answers in English only; a message in another language should get a
clear "English only" reply instead of a confident answer to a question it did
not understand. Words of our own lexicon (LEMS, IVIg, plasmapheresis) count as
English; so does anything the domain pipeline recognised as an entity.
"""

from __future__ import annotations

from spacy.tokens import Doc

from bot.language.normalize import english_words

MIN_WORDS = 3
MIN_ENGLISH_SHARE = 0.5


def looks_english(doc: Doc, lexicon_words: set[str] | frozenset[str] = frozenset()) -> bool:
    """False when there are no words at all (emoji, digits), or enough words and most
    are not English."""
    if not any(t.is_alpha for t in doc):
        return False
    in_entities = {t.i for ent in doc.ents for t in ent}
    words = [t for t in doc if t.is_alpha and len(t.text) > 1 and t.i not in in_entities]
    if len(words) < MIN_WORDS:
        return True
    english = english_words()
    known = sum(
        1 for t in words
        if t.text.isascii() and (t.lower_ in english or t.lower_ in lexicon_words)
    )
    return known / len(words) >= MIN_ENGLISH_SHARE
