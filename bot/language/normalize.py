"""spaCy component that gives every token a forgiving normal form.

Frightened people type "cant breth", "swalow", "chocking". The entity ruler and
the red-flag patterns match on ``token.norm_``, which this component sets to a
lower-cased, typo-corrected, lightly stemmed form. Patterns are compiled through
the same function (see ``patterns.py``), so "choking", "choked" and "chokes" meet
in one form without a lemmatizer (no pretrained model may be downloaded here).

Typo correction is deliberately narrow: a word is only corrected when it is not a
known English word and is one edit (two for long words) away from a word the
lexicon itself uses. Known words ("paint", "month") are never changed.
"""


import json
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc

_SUFFIXES = ("ingly", "edly", "ness", "ing", "ies", "ied", "es", "ed", "ly", "s", "e")
_MIN_STEM = 3
# Shorter words are only corrected by an inserted letter: too many short words are
# one substitution apart ("prev" -> "pred").
MIN_CORRECTED = 5


def stem(word: str) -> str:
    """Strip one common English suffix; both patterns and input go through it."""
    if len(word) <= _MIN_STEM or not word.isalpha():
        return word
    for suffix in _SUFFIXES:
        if suffix == "s" and word.endswith("ss"):
            continue
        if word.endswith(suffix) and len(word) - len(suffix) >= _MIN_STEM:
            word = word[: -len(suffix)]
            break
    if word.endswith("y") and len(word) > _MIN_STEM:
        word = word[:-1] + "i"
    if len(word) > _MIN_STEM + 1 and word[-1] == word[-2] and word[-1] not in "ls":
        word = word[:-1]
    return word


def edit_distance(a: str, b: str, limit: int) -> int:
    """Optimal-string-alignment distance, giving up early once above ``limit``."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        if min(cur) > limit:
            return limit + 1
        prev2, prev = prev, cur
    return prev[-1]


@lru_cache(maxsize=1)
def english_words() -> frozenset[str]:
    """Known English words (pyspellchecker's bundled frequency list)."""
    from spellchecker import SpellChecker

    return frozenset(SpellChecker().word_frequency.keys())


class Normalizer:
    """Computes normal forms against the lexicon's own vocabulary."""

    def __init__(self, vocabulary: Iterable[str] = ()) -> None:
        self.vocabulary: set[str] = set()
        self._by_length: dict[int, list[str]] = {}
        self._cache: dict[str, str] = {}
        self.add_words(vocabulary)

    def add_words(self, words: Iterable[str]) -> None:
        """Teach the corrector words the lexicon uses."""
        for word in words:
            word = word.lower()
            if word.isalpha() and len(word) >= 4 and word not in self.vocabulary:
                self.vocabulary.add(word)
                self._by_length.setdefault(len(word), []).append(word)
        self._cache.clear()

    def correct(self, word: str) -> str:
        """Return the lexicon word ``word`` is a typo of, or ``word`` itself."""
        if len(word) < MIN_CORRECTED - 1 or not word.isalpha() or word in self.vocabulary:
            return word
        if word in english_words():
            return word
        limit = 2 if len(word) >= 8 else 1
        # A short word is only corrected by one missing letter ("dizy" -> "dizzy").
        lengths = [5] if len(word) < MIN_CORRECTED else range(len(word) - limit, len(word) + limit + 1)
        best, best_distance = word, limit + 1
        for length in lengths:
            for candidate in sorted(self._by_length.get(length, ())):
                distance = edit_distance(word, candidate, limit)
                if distance < best_distance:
                    best, best_distance = candidate, distance
        return best

    def norm(self, text: str) -> str:
        """Normal form of one token's text (already lower-cased by spaCy's norm)."""
        cached = self._cache.get(text)
        if cached is None:
            cached = stem(self.correct(text.lower()))
            self._cache[text] = cached
        return cached

    def __call__(self, doc: Doc) -> Doc:
        for token in doc:
            norm = self.norm(token.norm_)
            token.norm_ = norm
            # Rasa's SpacyTokenizer hands lemma_ to the count-vector featurizers, so the
            # intent classifier also sees "breth" and "breathing" as one word.
            token.lemma_ = norm
        return doc

    def to_disk(self, path: str | Path, exclude: Iterable[str] = ()) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        (path / "vocabulary.json").write_text(json.dumps(sorted(self.vocabulary)))

    def from_disk(self, path: str | Path, exclude: Iterable[str] = ()) -> "Normalizer":
        self.vocabulary.clear()
        self._by_length.clear()
        self.add_words(json.loads((Path(path) / "vocabulary.json").read_text()))
        return self


@Language.factory("les_normalizer")
def make_normalizer(nlp: Language, name: str) -> Normalizer:
    """Registered so a saved pipeline can be loaded with ``spacy.load``."""
    return Normalizer()
