"""The gate before any article answer: is this question about LES at all?

A shared word pulls the nearest article section into an unrelated question ("what's
the dose of prednisone for asthma" -> *Treatment*). A dose or other use of a
medicine, or a question about another condition, is not an LES question: it gets
"the article doesn't cover that" and a referral (pharmacist or provider), never a
section. Word lists: data/lexicon/scope.yml; medicine names: bot/language/drug_names.py.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from bot import paths
from bot.datafiles import read_mapping
from bot.language.drug_names import drug_names
from bot.language.entities import LES_CONCEPT

SCOPE_FILE = paths.DATA / "lexicon" / "scope.yml"
# The article's own treatments and medicines (data/lexicon/concepts.yml ids).
LES_TREATMENT_CONCEPTS = frozenset({"immunosuppressant", "pyridostigmine", "amifampridine", "ivig",
                                    "plasma_exchange"})
ANY_MEDICINE_CONCEPT = "medicine_general"
_WORD = re.compile(r"[a-z0-9][a-z0-9,'\-/]*")
_MAX_NGRAM = 4
# "what else is prednisone used for" asks about other uses even without a condition.
_OTHER_USE = frozenset({"used for", "use for", "uses of", "good for", "prescribed for", "else",
                        "weight gain"})
# "this illness", "the condition": in this bot, a reference to LES.
_THIS_DISEASE = re.compile(r"\b(?:this|the|that|his|her|my|their)\s+(?:illness|disease|condition|syndrom\w*|"
                           r"disorder|diagnosis|problem)\b")
# "my aunt has it, is it more common in older people": the disease this chat is about, so
# a question about older people is about who gets LES
_HAS_IT = re.compile(r"\b(?:(?:my|his|her|our|their)\s+\w+|i|we|he|she|they)\s+(?:has|have|had|got)\s+it\b")


@dataclass(frozen=True)
class OffTopic:
    """Why the article does not answer: ``medicine`` (a dose or use), ``condition``
    (another condition or topic), ``not_covered`` (about LES, not in the article) or
    ``unrelated`` (nothing about LES at all)."""

    reason: str
    names: tuple[str, ...]


@dataclass(frozen=True)
class Scope:
    other_conditions: frozenset[str]
    associated_conditions: frozenset[str]
    link_words: frozenset[str]
    dose_words: frozenset[str]
    use_words: frozenset[str]
    not_medicines: frozenset[str]
    general_population: frozenset[str]
    uncovered_topics: frozenset[str]
    generic_words: frozenset[str]
    condition_questions: frozenset[str]
    not_les: frozenset[str]


def _words(items: list) -> frozenset[str]:
    return frozenset(" ".join(_WORD.findall(str(i).lower())) for i in items)


@lru_cache(maxsize=1)
def load_scope(path: Path = SCOPE_FILE) -> Scope:
    data = read_mapping(path)
    return Scope(*(_words(data.get(key) or []) for key in (
        "other_conditions", "associated_conditions", "link_words", "dose_words", "use_words",
        "not_medicines", "general_population", "uncovered_topics", "generic_words",
        "condition_questions", "not_les")))


def _ngrams(text: str) -> list[str]:
    # "Guillain-Barré" is "guillain-barre": accents off before matching
    plain = unicodedata.normalize("NFKD", text.lower()).encode("ascii", "ignore").decode()
    tokens = [t.strip(",'-/") for t in _WORD.findall(plain)]
    tokens = [t for t in tokens if t]
    grams = []
    for n in range(1, _MAX_NGRAM + 1):
        grams += [" ".join(tokens[i:i + n]) for i in range(len(tokens) - n + 1)]
    return grams


def _found(grams: list[str], words: frozenset[str]) -> list[str]:
    return [g for g in grams if g in words]


def asks_dose(text: str) -> bool:
    """The message asks how much of a medicine ("how many mg", "what dose")."""
    return _asks_dose(_ngrams(text), load_scope())


def _asks_dose(grams: list[str], scope: Scope) -> bool:
    return bool(_found(grams, scope.dose_words))


def medicines_named(text: str) -> list[str]:
    """Medicine names in the text, from the drug dictionary (everyday words excluded)."""
    scope = load_scope()
    names = drug_names()
    return [g for g in _ngrams(text) if g in names and g not in scope.not_medicines]


# Intents whose questions name cancer as part of LES ("why scan my chest for cancer?").
CANCER_INTENTS = frozenset({"ask_exam", "ask_tests", "ask_cancer_screening", "ask_cancer_link"})


# An intent the classifier is this sure of (it learnt the phrasing, e.g. from a care-team
# correction) is not overruled as "unrelated", unless the learned model, too, leans
# outside LES ("outlook for the housing market": sure ask_outlook from one word); the
# other checks still apply.
TRUSTED_CONFIDENCE = 0.8
# Words from which a message that names nothing of LES is a paste, not a question.
LONG_PASTE_WORDS = 80


def off_topic(text: str, concepts: set[str], les_context: bool = False,
              mentions_domain: bool = False, intent: str = "",
              confidence: float = 0.0, leans_outside: bool = False) -> OffTopic | None:
    """Why the question is not one the article answers, or None when it may be.

    ``concepts``: the lexicon concepts named and not negated. ``les_context``: an earlier
    turn was about LES, so "is it contagious?" is about LES without its name.
    ``mentions_domain``: the message names any lexicon concept or red flag, even negated.
    ``leans_outside``: the learned model leans outside LES (bot/language/scope_mark.py).
    """
    scope = load_scope()
    grams = _ngrams(text)
    if _found(grams, scope.not_les):
        return OffTopic("unrelated", ())
    les_named = LES_CONCEPT in concepts
    about_les = les_named or les_context
    medicines = medicines_named(text)
    names_medicine = bool(medicines) or bool(concepts & (LES_TREATMENT_CONCEPTS | {ANY_MEDICINE_CONCEPT}))
    if names_medicine and _asks_dose(grams, scope):
        return OffTopic("medicine", tuple(medicines))
    les_medicine = bool(concepts & LES_TREATMENT_CONCEPTS)
    other_medicines = medicines if not les_medicine else []
    if other_medicines and (not about_les or _found(grams, scope.use_words)):
        return OffTopic("medicine", tuple(other_medicines))
    if les_medicine and not les_named and _found(grams, _OTHER_USE):
        return OffTopic("medicine", tuple(medicines))
    others = _found(grams, scope.other_conditions)
    linked = bool(_found(grams, scope.link_words))
    if others and not (les_named and linked):
        return OffTopic("condition", tuple(others))
    associated = _found(grams, scope.associated_conditions)
    if associated and not les_named and (intent not in CANCER_INTENTS
                                         or _found(grams, scope.condition_questions)):
        return OffTopic("condition", tuple(associated))
    if not les_named and _found(grams, scope.general_population) and not _HAS_IT.search(text.lower()):
        return OffTopic("condition", ())
    refers_to_les = bool(_THIS_DISEASE.search(text.lower()))
    names_nothing = not about_les and not concepts and not mentions_domain and not refers_to_les
    # a long paste that names nothing of LES (terms of service, an article about
    # something else): however sure the classifier is, it asked no question about LES
    pasted = names_nothing and sum(" " not in g for g in grams) >= LONG_PASTE_WORDS
    unrelated = pasted or (names_nothing and (confidence < TRUSTED_CONFIDENCE or leans_outside)
                           and _mostly_unknown(grams, scope))
    uncovered = _found(grams, scope.uncovered_topics)
    if uncovered and not unrelated:
        return OffTopic("not_covered", tuple(uncovered))
    if unrelated:
        return OffTopic("unrelated", ())
    return None


def _mostly_unknown(grams: list[str], scope: Scope) -> bool:
    """At least half of the message's content words are unknown to LES questions and the
    article ("capital of australia": yes; "who tends to get this, men or women": no)."""
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    content = [g for g in grams if " " not in g and not g.isdigit() and len(g) > 1
               and g not in ENGLISH_STOP_WORDS]
    unknown = _leftover_words(grams, scope)
    return bool(unknown) and 2 * len(unknown) >= len(content)


def _leftover_words(grams: list[str], scope: Scope) -> list[str]:
    """Words that are neither common English, nor words of a general LES question, nor
    words the article itself uses ("harmful antibodies" is about LES; "puppy" is not)."""
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    known = scope.generic_words | _article_words()
    return [g for g in grams if " " not in g and not g.isdigit() and g not in ENGLISH_STOP_WORDS
            and g not in known and len(g) > 1]


@lru_cache(maxsize=1)
def _article_words() -> frozenset[str]:
    from bot.knowledge.article import load_article

    article = load_article()
    texts = [p.text for p in article.passages] + [p.section.title for p in article.passages]
    return frozenset(w for t in texts for w in _ngrams(t) if " " not in w)
