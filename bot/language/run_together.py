"""spaCy component that splits words typed without spaces ("dadpassedoutandwontwakeup").

A frightened person on a phone may drop every space; the lexicon, the negation and the
learned emergency detector all read words. A long token that is no known word is split
with wordninja only when every piece is a common English word or a lexicon word, so
medical terms ("areflexia", "metformin") and typos stay whole. wordninja splits by the
word frequencies shipped inside its package, narrowed to the pieces this check accepts
and widened by the lexicon's and texting words ("doihavelamberteaton" is "do i have
lambert eaton", not "doi have ..."; "gettingivig..." keeps "ivig"). ``doc._.les_spaced``
is the text with the split words spaced out, for readers of the whole text (the learned
detector).
"""

import gzip
import json
import tempfile
from collections.abc import Iterable
from pathlib import Path

import wordninja
from spacy.language import Language
from spacy.tokens import Doc

from bot.language.drug_names import drug_names
from bot.language.texting import TEXTING_WORDS

EXTENSION = "les_spaced"
MIN_LENGTH = 9
MIN_PIECES = 3
# Pieces of up to three letters must be among the most common words ("hae", "mes" of
# "haematemesis" are not); longer pieces among a wider list ("grandad").
COMMON_WORDS = 5000
WIDER_WORDS = 30000
SHORT = 3
_ONE_LETTER = {"i", "a"}
# Two-letter pieces must be real words ("st", "ne" are abbreviations or word ends) ...
_TWO_LETTERS = {"am", "an", "as", "at", "be", "by", "do", "go", "he", "hi", "if", "in", "is", "it", "me",
                "my", "no", "of", "oh", "ok", "on", "or", "so", "to", "up", "us", "we", "im"}
# ... and texting words (TEXTING_WORDS) count as words ("icantbreatheplshelp").
# wordninja's ranked word list (most frequent first), inside its package
_NINJA_WORDS = Path(wordninja.__file__).parent / "wordninja" / "wordninja_words.txt.gz"
# Where the lexicon's and texting words enter that ranking (about as likely as "husband")
KNOWN_RANK = 3000
RANKED_FILE = "ranked_words.txt.gz"

if not Doc.has_extension(EXTENSION):
    Doc.set_extension(EXTENSION, default=None)


def spaced_text(doc: Doc) -> str:
    """The message with run-together words spaced out (the text itself if none were)."""
    return doc._.get(EXTENSION) or doc.text


class RunTogetherSplitter:
    """Splits run-together tokens in place and records the spaced-out text."""

    def __init__(self) -> None:
        self.common: frozenset[str] = frozenset()
        self.wider: frozenset[str] = frozenset()
        self.known: frozenset[str] = frozenset()
        self.ranked: list[str] = []
        self.model = wordninja.DEFAULT_LANGUAGE_MODEL

    def build(self, lexicon_words: Iterable[str]) -> None:
        """Common English words from pyspellchecker's bundled list, plus the lexicon's; and
        wordninja's ranking narrowed and widened to match."""
        from spellchecker import SpellChecker

        counts = SpellChecker().word_frequency.dictionary
        ranked = sorted(counts, key=counts.__getitem__, reverse=True)
        self.common = frozenset(ranked[:COMMON_WORDS])
        self.wider = frozenset(ranked[:WIDER_WORDS])
        self.known = frozenset(w.lower() for w in lexicon_words)
        with gzip.open(_NINJA_WORDS) as f:
            kept = [w for w in f.read().decode().split() if self._acceptable(w)]
        seen = set(kept)
        extra = sorted(w for w in self.known | TEXTING_WORDS if w.isalpha() and w not in seen)
        self.ranked = kept[:KNOWN_RANK] + extra + kept[KNOWN_RANK:]
        with tempfile.TemporaryDirectory() as tmp:
            self.model = self._write_model(Path(tmp))

    def _write_model(self, folder: Path) -> wordninja.LanguageModel:
        path = folder / RANKED_FILE
        with gzip.open(path, "wt") as f:
            f.write("\n".join(self.ranked))
        return wordninja.LanguageModel(str(path))

    def _acceptable(self, piece: str) -> bool:
        """May ``piece`` be one of the words a run-together token is made of?"""
        p = piece.lower()
        if p in TEXTING_WORDS:
            return True
        if (len(p) == 1 and p not in _ONE_LETTER) or (len(p) == 2 and p not in _TWO_LETTERS):
            return False
        return p in (self.common if len(p) <= SHORT else self.wider) or p in self.known

    def pieces(self, word: str) -> "list[str] | None":
        """The words ``word`` is made of, or None to leave it whole."""
        low = word.lower()
        if len(word) < MIN_LENGTH or not word.isalpha() or low in self.wider or low in self.known \
                or low in drug_names():
            return None
        pieces = [str(p) for p in self.model.split(word)]
        if len(pieces) < MIN_PIECES or "".join(pieces) != word:
            return None
        # "a reflex i a": a medical word cut at its prefix and suffix, not a sentence
        if 3 * sum(len(p) == 1 for p in pieces) > len(pieces):
            return None
        return pieces if all(self._acceptable(p) for p in pieces) else None

    def __call__(self, doc: Doc) -> Doc:
        splits = {token.i: pieces for token in doc if (pieces := self.pieces(token.text))}
        if not splits:
            return doc
        spaced = "".join((" ".join(splits[t.i]) if t.i in splits else t.text) + t.whitespace_ for t in doc)
        with doc.retokenize() as retokenizer:
            for i, pieces in splits.items():
                retokenizer.split(doc[i], pieces, heads=[(doc[i], 0)] * len(pieces))
        doc._.set(EXTENSION, spaced)
        return doc

    def to_disk(self, path: str | Path, exclude: Iterable[str] = ()) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        words = {"common": sorted(self.common), "wider": sorted(self.wider), "known": sorted(self.known)}
        (path / "words.json").write_text(json.dumps(words))
        self._write_model(path)

    def from_disk(self, path: str | Path, exclude: Iterable[str] = ()) -> "RunTogetherSplitter":
        data = json.loads((Path(path) / "words.json").read_text())
        self.common = frozenset(data["common"])
        self.wider = frozenset(data["wider"])
        self.known = frozenset(data["known"])
        ranked = Path(path) / RANKED_FILE
        with gzip.open(ranked) as f:
            self.ranked = f.read().decode().split()
        self.model = wordninja.LanguageModel(str(ranked))
        return self


@Language.factory("les_run_together")
def make_splitter(nlp: Language, name: str) -> RunTogetherSplitter:
    """Registered so the saved pipeline loads with ``spacy.load``."""
    return RunTogetherSplitter()
