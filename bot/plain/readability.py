"""Reading levels of every text a patient reads: Flesch-Kincaid grade and SMOG.

Patients with LES are often older and unwell, and caregivers read on phones, so
each kind of text has a grade limit (data/readability.yml). The scores come from
textstat 0.7.4, whose syllable counts come from pyphen's bundled hyphenation
dictionaries: nothing is downloaded at run time (later textstat releases fetch
NLTK's CMU dictionary on first use, which this machine and CI cannot do).

Before scoring, drug and test names are replaced by a one-syllable word (a reader
takes "pyridostigmine" as a name, a formula as six hard syllables), list bullets and
*bold* marks are removed, and each line without an end mark counts as a sentence.
SMOG is normed on 30 sentences and textstat gives 0 below 3; the same formula is
applied here to the counts of shorter texts, so it reads high on one-liners: it is
reported, while the limits apply to the Flesch-Kincaid grade.
"""

from __future__ import annotations

import math
import re
import statistics
from dataclasses import dataclass
from functools import lru_cache

import textstat
import yaml

from bot import paths
from bot.datafiles import read_mapping
from bot.knowledge.article import load_article
from bot.plain.glossary import load_glossary

READABILITY_FILE = paths.DATA / "readability.yml"
MESSAGES_FILE = paths.DATA / "messages.yml"
DOMAIN_FILE = paths.ROOT / "domain.yml"
QUESTIONS_FILE = paths.DATA / "screening" / "questions.yml"
STAND_IN = "it"
KINDS = ("answers", "messages", "screening", "summary", "emergency", "disclaimer")


@dataclass(frozen=True)
class Limit:
    median: float
    max: float


@dataclass(frozen=True)
class Scored:
    kind: str
    name: str  # where the text lives, e.g. "article.yml causes.who" or "domain.yml utter_greet"
    text: str
    grade: float  # Flesch-Kincaid
    smog: float


@lru_cache(maxsize=1)
def settings() -> dict:
    return read_mapping(READABILITY_FILE)


def limits() -> dict[str, Limit]:
    return {kind: Limit(float(v["median"]), float(v["max"])) for kind, v in settings()["limits"].items()}


def _unscored_names() -> list[str]:
    names = list(load_glossary().names) + [str(n) for n in settings().get("unscored_names") or ()]
    return sorted(set(names), key=len, reverse=True)  # longest first: "CT scan" before "CT"


def prepare(text: str) -> str:
    """The text as it is scored (see the module docstring)."""
    text = text.replace("*", "")
    for name in _unscored_names():
        text = re.sub(r"(?<![\w-])" + re.escape(name) + r"(?![\w-])", STAND_IN, text, flags=re.IGNORECASE)
    lines = []
    for line in text.splitlines():
        line = line.strip().lstrip("•-").strip()
        if line:
            lines.append(line if line[-1] in ".!?:;" else line + ".")
    return " ".join(lines)


def grade(text: str) -> float:
    """Flesch-Kincaid grade of ``text`` as prepared for scoring."""
    return float(textstat.flesch_kincaid_grade(prepare(text)))


def smog(text: str) -> float:
    """SMOG grade from textstat's counts, for any number of sentences."""
    prepared = prepare(text)
    sentences = max(1, textstat.sentence_count(prepared))
    return round(1.043 * math.sqrt(textstat.polysyllabcount(prepared) * 30 / sentences) + 3.1291, 1)


def fill(text: str) -> str:
    """Placeholders filled with the sample values of data/readability.yml."""
    samples = {k: str(v) for k, v in (settings().get("samples") or {}).items()}
    return text.format(**samples) if "{" in text else text


def _one_line(value: object) -> str:
    return " ".join(str(value).split())


def fixed_texts() -> list[tuple[str, str, str]]:
    """(kind, name, text) for every fixed text: data/messages.yml, domain.yml, question labels."""
    by_key = {key: kind for kind, keys in settings()["kinds"].items() for key in keys}
    found = []
    for key, value in read_mapping(MESSAGES_FILE).items():
        found.append((by_key.get(key, "messages"), f"messages.yml {key}", fill(_one_line(value))))
    domain = yaml.safe_load(DOMAIN_FILE.read_text(encoding="utf-8"))
    for key, variants in domain["responses"].items():
        kind = "screening" if key.startswith("utter_ask_") else by_key.get(key, "messages")
        for n, variant in enumerate(variants):
            if variant.get("text"):
                suffix = f" #{n + 1}" if len(variants) > 1 else ""
                found.append((kind, f"domain.yml {key}{suffix}", fill(_one_line(variant["text"]))))
    for question in read_mapping(QUESTIONS_FILE)["questions"]:
        found.append(("summary", f"questions.yml {question['slot']} label", _one_line(question["label"])))
    return found


def patient_texts() -> list[tuple[str, str, str]]:
    """(kind, name, text) for everything a patient reads, answers first."""
    answers = [("answers", f"article.yml {p.id}", p.shown) for p in load_article().passages]
    return answers + fixed_texts()


def score_all() -> list[Scored]:
    return [Scored(kind, name, text, grade(text), smog(text)) for kind, name, text in patient_texts()]


def too_hard(scored: list[Scored], kind: str) -> list[str]:
    """Why the texts of ``kind`` break their limit (empty when they keep it)."""
    limit = limits()[kind]
    mine = [s for s in scored if s.kind == kind]
    found = [f"{s.name}: grade {s.grade} > {limit.max:g}: {s.text[:80]!r}"
             for s in mine if s.grade > limit.max]
    if mine and statistics.median(s.grade for s in mine) > limit.median:
        found.append(f"median grade {statistics.median(s.grade for s in mine):.1f} > {limit.median:g}")
    return found
