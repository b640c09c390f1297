"""spaCy component that guesses a message's language from its most common words.

The bot answers in English only. A message is taken for another language when
the most frequent words of that language explain it clearly better than English
ones ("cual es el tratamiento para lems" is Spanish; "quick definiton pls" is not).
Pasted machine text (JSON, logs, a PDF's bytes, markup) and long runs of words of no
known language ("lorem ipsum ...") are "zxx", no language, and answered the same way.
Word lists come from pyspellchecker's bundled frequency lists at build time and are
saved with the pipeline, so nothing large is loaded at run time. Words the entity
ruler recognised (LEMS, IVIg) are left out of the count. A short clinician's question has
few common words ("prognosis of paraneoplastic vs non-paraneoplastic LEMS?" kept "of" and
"non", which Italian explains as well): against another language, English also counts its
less common words that no other language's list holds.
"""

import json
import re
import unicodedata
from collections.abc import Iterable
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc

from bot.language.texting import TEXTING_WORDS

LANGUAGES = ("en", "es", "de", "fr", "pt", "it", "nl")
TOP_WORDS = 3000
# English words this frequent count as English against another language ("prognosis" is
# about the 17,000th), unless another language's list holds them ("non"). Not for the
# no-language check: "lorem ipsum" shares many rare English words.
WIDE_ENGLISH_TOP = 20000
MIN_WORDS = 3
MIN_SHARE = 0.5
MARGIN = 0.25
EXTENSION = "les_language"
NO_LANGUAGE = "zxx"
# Most letters outside the Latin script (Cyrillic, Greek, Arabic, CJK, ...): some language
# the word lists do not hold, and surely not English ("und": undetermined).
OTHER_SCRIPT = "und"
OTHER_SCRIPT_SHARE = 0.5
# Machine text: most tokens are not words and several are markup ({ } [ ] < > = ...).
MACHINE_SHARE = 0.6
MACHINE_MARKS = frozenset("{}[]<>=|\\")
MIN_MARKS = 3
# A CSV paste: this many lines of at least this many comma-separated fields
CSV_ROWS = 3
CSV_FIELDS = 3
# Log lines: this many lines that start with a date ("2026-11-30T14:22:01Z INFO ...")
LOG_ROWS = 2
# (Rasa's SpacyNLP lowercases the text first: "t", not only "T")
_LOG_LINE = re.compile(r"^\s*\[?\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}")
# A database query: a statement keyword first, then the marks of a query ("=", ";", "*")
_SQL = re.compile(r"^\s*(?:select\s.+?\sfrom|insert\s+into|update\s+\w+\s+set|delete\s+from|create\s+table"
                  r"|drop\s+table|alter\s+table)\s.*(?:=|;|\*)", re.IGNORECASE | re.DOTALL)
# No known language: this many words or more, hardly any of them common English words,
# and no other language clearly better.
UNKNOWN_MIN_WORDS = 15
UNKNOWN_SHARE = 0.12

if not Doc.has_extension(EXTENSION):
    Doc.set_extension(EXTENSION, default="en")


class LanguageGuesser:
    """Sets ``doc._.les_language`` to a language code ("en" unless clearly another)."""

    def __init__(self) -> None:
        self.words: dict[str, frozenset[str]] = {}
        self.wide_english: frozenset[str] = frozenset()

    def build(self, languages: Iterable[str] = LANGUAGES, top: int = TOP_WORDS,
              wide_top: int = WIDE_ENGLISH_TOP) -> None:
        """Take each language's most frequent words from pyspellchecker's lists."""
        from spellchecker import SpellChecker

        ranked = {}
        for lang in languages:
            counts = SpellChecker(language=lang).word_frequency.dictionary
            ranked[lang] = sorted(counts, key=counts.__getitem__, reverse=True)
            self.words[lang] = frozenset(ranked[lang][:top])
        others = frozenset().union(*(words for lang, words in self.words.items() if lang != "en"))
        self.wide_english = frozenset(w for w in ranked.get("en", ())[:wide_top] if w not in others)

    def guess(self, words: list[str]) -> str:
        if len(words) < MIN_WORDS or "en" not in self.words:
            return "en"
        share = {lang: sum(w in known or (lang == "en" and w in TEXTING_WORDS) for w in words) / len(words)
                 for lang, known in self.words.items()}
        english = share.pop("en")
        wide = sum(w in self.words["en"] or w in self.wide_english or w in TEXTING_WORDS
                   for w in words) / len(words)
        long_and_not_english = len(words) >= UNKNOWN_MIN_WORDS and english < UNKNOWN_SHARE
        best = max(share, key=share.__getitem__, default=None)
        if best and share[best] >= MIN_SHARE and share[best] >= wide + MARGIN:
            return best
        return NO_LANGUAGE if long_and_not_english else "en"

    def __call__(self, doc: Doc) -> Doc:
        if _machine_text(doc):
            doc._.set(EXTENSION, NO_LANGUAGE)
            return doc
        if _other_script(doc.text):
            doc._.set(EXTENSION, OTHER_SCRIPT)
            return doc
        in_entities = {t.i for ent in doc.ents for t in ent}
        words = [t.lower_ for t in doc if t.is_alpha and len(t.text) > 1 and t.i not in in_entities]
        doc._.set(EXTENSION, self.guess(words))
        return doc

    def to_disk(self, path: str | Path, exclude: Iterable[str] = ()) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        data = {lang: sorted(words) for lang, words in self.words.items()}
        (path / "top_words.json").write_text(json.dumps(data))
        (path / "wide_english.json").write_text(json.dumps(sorted(self.wide_english)))

    def from_disk(self, path: str | Path, exclude: Iterable[str] = ()) -> "LanguageGuesser":
        data = json.loads((Path(path) / "top_words.json").read_text())
        self.words = {lang: frozenset(words) for lang, words in data.items()}
        # a pipeline saved before the wide list existed still loads (English by its top words)
        wide = Path(path) / "wide_english.json"
        self.wide_english = frozenset(json.loads(wide.read_text())) if wide.exists() else frozenset()
        return self


def _other_script(text: str) -> bool:
    """Are most of the letters of a script other than Latin ("Привет, как дела?")?"""
    letters = [c for c in text if c.isalpha()]
    other = sum(not unicodedata.name(c, "").startswith("LATIN") for c in letters)
    return bool(letters) and other >= OTHER_SCRIPT_SHARE * len(letters)


def _machine_text(doc: Doc) -> bool:
    """JSON, log lines, a PDF's bytes, a CSV paste, an SQL query: mostly not words, with markup
    characters, or rows of fields or of dated lines. A clinician's "sats 84%, RR 34,
    BP 80/50" has neither and stays a message."""
    lines = doc.text.splitlines()
    # fields joined by bare commas: prose puts a space after its commas
    if sum(line.count(",") >= CSV_FIELDS - 1 and ", " not in line for line in lines) >= CSV_ROWS:
        return True
    if sum(bool(_LOG_LINE.match(line)) for line in lines) >= LOG_ROWS:
        return True
    if _SQL.match(doc.text):
        return True
    tokens = [t for t in doc if not t.is_space]
    if not tokens:
        return False
    not_words = sum(not t.is_alpha for t in tokens)
    marks = sum(c in MACHINE_MARKS for c in doc.text)
    return not_words / len(tokens) >= MACHINE_SHARE and marks >= MIN_MARKS


@Language.factory("les_language")
def make_language_guesser(nlp: Language, name: str) -> LanguageGuesser:
    """Registered so the saved pipeline loads with ``spacy.load``."""
    return LanguageGuesser()
