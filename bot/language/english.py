"""Tell whether a message is English enough to answer.

The bot answers in English only; a message in another language, or with no words
at all (emoji, digits), gets a clear "English only" reply instead of a confident
answer to a question it did not understand. The language itself is guessed by the
pipeline's les_language component (language_id.py).
"""

from __future__ import annotations

from spacy.tokens import Doc

from bot.language.language_id import EXTENSION


def looks_english(doc: Doc) -> bool:
    if not any(t.is_alpha for t in doc):
        return False
    return doc._.get(EXTENSION) == "en"
