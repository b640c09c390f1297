"""The plain-language glossary (data/article/glossary.yml) and whole-word matching.

One matcher for every check, so that the faithfulness test, the explanation check and
the readability scoring agree on what "uses the term" means: whole words, any case,
a plural "s"/"es" allowed, hyphens part of the word ("voltage-gated").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from bot import paths
from bot.datafiles import read_mapping

GLOSSARY_FILE = paths.DATA / "article" / "glossary.yml"


@dataclass(frozen=True)
class Term:
    """A medical term the plain versions explain where they use it."""

    name: str
    forms: tuple[str, ...]
    explained_by: tuple[str, ...]
    plain: str


@dataclass(frozen=True)
class Glossary:
    terms: tuple[Term, ...]
    drugs: tuple[str, ...]
    tests: tuple[str, ...]
    medical_terms: tuple[str, ...]
    cues: dict[str, tuple[str, ...]]

    @property
    def names(self) -> tuple[str, ...]:
        """Drug and test names: they must survive, and are not scored for reading level."""
        return self.drugs + self.tests

    @property
    def all_medical_terms(self) -> tuple[str, ...]:
        """Every word or phrase that counts as a medical term in the added-term check."""
        forms = tuple(f for t in self.terms for f in t.forms)
        return tuple(dict.fromkeys(forms + self.names + self.medical_terms))


@lru_cache(maxsize=256)
def _pattern(term: str) -> re.Pattern[str]:
    return re.compile(r"(?<![\w-])" + re.escape(term.lower()) + r"(?:e?s)?(?![\w-])")


def count(term: str, text: str) -> int:
    """How often ``term`` occurs in ``text`` as a whole word (any case, plural allowed)."""
    if term.lower() == "n't":
        return text.lower().count("n't")
    return len(_pattern(term).findall(text.lower()))


def uses(term: str, text: str) -> bool:
    return count(term, text) > 0


@lru_cache(maxsize=1)
def load_glossary() -> Glossary:
    data = read_mapping(GLOSSARY_FILE)
    terms = tuple(
        Term(name, tuple(raw["forms"]), tuple(raw["explained_by"]), " ".join(str(raw["plain"]).split()))
        for name, raw in (data.get("terms") or {}).items()
    )
    return Glossary(
        terms=terms,
        drugs=tuple(str(d) for d in data.get("drugs") or ()),
        tests=tuple(str(t) for t in data.get("tests") or ()),
        medical_terms=tuple(str(m) for m in data.get("medical_terms") or ()),
        cues={family: tuple(str(w) for w in words) for family, words in (data.get("cues") or {}).items()},
    )
