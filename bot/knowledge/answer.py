"""Compose the bot's answer to a question from the article passages.

The intent says which part of the article answers; the entities (concept ids,
negated ones excluded) narrow it to the list items the person asked about; TF-IDF
retrieval covers questions the classifier could not place. Every answer names
the section it comes from, and anything not in the article itself is attributed
to its own source. Answers are sent in each passage's plain-language version; the
same passages in the article data's own words are one step away (``render`` with
``plain=False``, for "show the article's words").
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from functools import lru_cache

from bot.knowledge.article import Article, Passage, load_article
from bot.knowledge.relevance import (
    LES_CONCEPT,
    LES_TREATMENT_CONCEPTS,
    OffTopic,
    asks_dose,
    load_scope,
    off_topic,
)
from bot.knowledge.retrieval import Retriever
from bot.language.entities import OUTSIDE, SYMPTOM_LABEL
from bot.language.intent_names import FALLBACK_INTENTS, NLU_FALLBACK
from bot.language.lexicon import load_concepts
from bot.language.requests import asks_for_diagnosis

NO_DIAGNOSIS_INTENT = "ask_diagnosis"
NOT_COVERED_INTENT = "ask_uncovered"
SYMPTOMS_INTENT = "ask_symptoms"
COMPLICATIONS_INTENT = "ask_complications"
CAUSE_INTENT = "ask_cause"
TESTS_INTENT = "ask_tests"
TREATMENT_INTENT = "ask_treatment"
# Sections whose own passages a question filed under another section brings along when
# it names their subject (symptoms have their own rules: SYMPTOM_LIKE_INTENTS); "how likely
# is respiratory failure in LEMS?" filed under Outlook brings the complications list.
_NAMED_ELSEWHERE = (TESTS_INTENT, TREATMENT_INTENT, CAUSE_INTENT, COMPLICATIONS_INTENT)
# Concepts that name the subject, not a detail: they never narrow an answer.
BROAD_CONCEPTS = {"les"}
_ABOUT_LES = {LES_CONCEPT} | LES_TREATMENT_CONCEPTS
# Intents whose questions are often about a specific symptom the article lists.
SYMPTOM_LIKE_INTENTS = {"ask_complications", "ask_weakness_pattern", "ask_uncovered", "ask_exam"}
# Symptom concepts too general to move an answer to another section.
GENERIC_SYMPTOMS = {"weakness", "fatigue", "breathing_problems", "improves_with_exercise"}
# What the bot says when the relevance gate stops an answer (kind of Answer).
_OFF_TOPIC_KINDS = {"medicine": "medicine", "condition": "condition", "not_covered": "not_covered",
                    "unrelated": "none"}
# How similar a fallback question must be to a passage to be answered from it.
RETRIEVAL_THRESHOLD = 0.22


@dataclass
class Answer:
    """What to say, and what it was built from (for logs and the review console)."""

    # "article", "no_diagnosis", "not_covered", "medicine" / "condition" (not about
    # LES: a referral), or "none"
    kind: str
    messages: list[str] = field(default_factory=list)
    passages: list[Passage] = field(default_factory=list)

    @property
    def sections(self) -> list[str]:
        return list(dict.fromkeys(p.section.title for p in self.passages))

    @property
    def medical(self) -> bool:
        return self.kind != "none"


def medical_intents(article: Article | None = None) -> set[str]:
    """Every intent the article data answers, plus the two special ones."""
    article = article or load_article()
    intents = {i for p in article.passages for i in p.intents}
    return intents | {NO_DIAGNOSIS_INTENT, NOT_COVERED_INTENT}


def select(article: Article, intent: str, concepts: set[str]) -> list[Passage]:
    """Passages for an intent, narrowed to the named concepts when any match."""
    candidates = article.for_intent(intent)
    specific = concepts - BROAD_CONCEPTS
    matched = [p for p in candidates if specific & set(p.concepts)]
    if matched:
        if not any(p.is_article for p in matched):
            # Keep the article's own answer in front of what others add.
            matched = [p for p in candidates if intent in p.default_for and p.is_article] + matched
        return _article_order(article, matched)
    defaults = [p for p in candidates if intent in p.default_for]
    elsewhere = listed_symptoms(article, concepts)
    if elsewhere and intent in SYMPTOM_LIKE_INTENTS:
        # "Can LES cause constipation?" classified as a complications question: the
        # article answers it in another section, under the symptom's own passage.
        return elsewhere
    if intent == SYMPTOMS_INTENT:
        elsewhere = []
    # "do people with LES have trouble chewing" read as an outlook question, "MRI of the
    # abdomen for LES, what's that for" as a treatment question, "starting IVIg for her LES,
    # what is it" as the definition: the section's answer, and the article's words about
    # the symptom, test, treatment or cause it names.
    elsewhere += [p for p in named_elsewhere(article, concepts) if p not in candidates and p not in elsewhere]
    if elsewhere:
        return _article_order(article, defaults + elsewhere)
    return defaults


def listed_symptoms(article: Article, concepts: set[str]) -> list[Passage]:
    """The article's own symptom-list passages about the named (specific) symptoms."""
    return _own_passages_naming(article, SYMPTOMS_INTENT, concepts - BROAD_CONCEPTS - GENERIC_SYMPTOMS)


def listed_tests(article: Article, concepts: set[str]) -> list[Passage]:
    """The article's own passages about the named exams and tests ("will I need an MRI")."""
    return _own_passages_naming(article, TESTS_INTENT, concepts - BROAD_CONCEPTS)


def named_elsewhere(article: Article, concepts: set[str]) -> list[Passage]:
    """The article's own passages about the named tests, treatments and causes ("IVIg",
    "an MRI", "presynaptic ACh release"), for a question filed under another section."""
    specific = concepts - BROAD_CONCEPTS
    return [p for intent in _NAMED_ELSEWHERE for p in _own_passages_naming(article, intent, specific)]


def _own_passages_naming(article: Article, intent: str, specific: set[str]) -> list[Passage]:
    return [p for p in article.for_intent(intent) if p.is_article and specific & set(p.concepts)]


def _article_order(article: Article, chosen: list[Passage]) -> list[Passage]:
    ids = {p.id for p in chosen}
    return [p for p in article.passages if p.id in ids]


def render(passages: list[Passage], plain: bool = True) -> list[str]:
    """One message per section: the article's own passages first, then attributed ones.

    ``plain`` picks each passage's plain-language version (what answers send) or its
    source text (what "show the article's words" sends); the section is named the same
    way in both, so a reader can match one to the other.
    """
    def words(p: Passage) -> str:
        return p.shown if plain else p.text

    messages = []
    for section in dict.fromkeys(p.section for p in passages):
        own = [words(p) for p in passages if p.section == section and p.is_article]
        others = [p for p in passages if p.section == section and not p.is_article]
        parts = []
        if own:
            parts.append(f"From the article's section *{section.title}*: " + _join(own))
        else:
            parts.append(f"The article's section *{section.title}* does not mention that.")
        for p in others:
            parts.append(f"Other trusted sources, such as {p.attribution}, add that {words(p)}")
        messages.append("\n\n".join(parts))
    return messages


def _join(texts: list[str]) -> str:
    """Passages of one section in one message; a list, and whatever follows one, on its own line."""
    joined = texts[0] if texts else ""
    for previous, text in itertools.pairwise(texts):
        joined += ("\n" if "\n" in previous or "\n" in text else " ") + text
    return joined


@lru_cache(maxsize=1)
def _retriever() -> Retriever:
    return Retriever(load_article())


def answer(intent: str, concepts: set[str], text: str, article: Article | None = None,
           les_context: bool = False, mentions_domain: bool = False,
           confidence: float = 0.0, english: bool = True, scope: str | None = None,
           likeliest: str | None = None, negated: set[str] | frozenset[str] = frozenset(),
           leans_outside: bool = False, verdict_asked: bool = False) -> Answer:
    """The answer for one user message (``les_context``, ``mentions_domain``: see
    relevance.off_topic). A message that is not English (or is pasted machine text) is
    never matched against the article: "none", the reply that says what the bot can do.
    ``scope``: the learned model's mark (bot/language/scope_mark.py), followed where the
    relevance gate found nothing; ``leans_outside``: the model leans outside short of a
    mark (relevance.off_topic). ``likeliest``: under a fallback, the classifier's first
    question intent, tried when the question names LES (or follows an LES answer: "what
    are the symptoms") and no passage is close enough
    ("what can go wrong long-term with LES": outlook 0.52, complications 0.48). ``negated``:
    the concepts named in a negation, which still say what a verdict request is about.
    ``verdict_asked``: the NLU's verdict guard, not only the classifier, found a request."""
    if not english:
        return Answer("none")
    article = article or load_article()
    elsewhere = off_topic(text, concepts, les_context, mentions_domain or bool(concepts), intent,
                          confidence, leans_outside=leans_outside)
    if elsewhere is not None and not _still_a_diagnosis_request(intent, concepts | set(negated), text,
                                                                elsewhere, article, verdict_asked):
        return Answer(_OFF_TOPIC_KINDS[elsewhere.reason])
    if intent == NO_DIAGNOSIS_INTENT and scope == OUTSIDE and not concepts and not les_context:
        # "i have an itchy rash on my elbow, what is it": a verdict about something else,
        # naming nothing the lexicon knows; the LES exams and tests would not fit it
        return Answer("none")
    if intent != NO_DIAGNOSIS_INTENT and scope is not None:
        if scope != OUTSIDE or concepts & _ABOUT_LES:
            # a question that names LES or one of its medicines is about LES: at most "not covered"
            intent = NOT_COVERED_INTENT
        elif not les_context:
            return Answer("none")
        # else "what about for kids?" after an LES answer: a follow-up, whatever the mark
    if intent == NOT_COVERED_INTENT:
        # "Can LES mess with blood pressure?" reads like an off-article question but
        # names a symptom the article lists: answer that instead of "not covered".
        listed = listed_symptoms(article, concepts) or listed_tests(article, concepts)
        if listed:
            return Answer("article", render(listed), listed)
        return Answer("not_covered")
    if intent == NO_DIAGNOSIS_INTENT:
        symptoms = select(article, SYMPTOMS_INTENT, concepts)
        symptoms = [p for p in symptoms if set(p.concepts) & (concepts - BROAD_CONCEPTS)]
        chosen = symptoms + select(article, "ask_exam", set()) + select(article, TESTS_INTENT, set()) \
            + select(article, "ask_when_to_call", set())
        chosen = [p for p in _article_order(article, chosen) if p.is_article]
        return Answer("no_diagnosis", render(chosen), chosen)
    if intent in FALLBACK_INTENTS:
        found = _retrieve(article, text, concepts)
        if found.kind == "none" and intent == NLU_FALLBACK and (LES_CONCEPT in concepts or les_context) \
                and likeliest in medical_intents(article) - {NO_DIAGNOSIS_INTENT, NOT_COVERED_INTENT}:
            chosen = select(article, str(likeliest), concepts)
            if chosen:
                return Answer("article", render(chosen), chosen)
        return found
    if intent == CAUSE_INTENT and asks_if_les_brings_on(text, concepts):
        # "can lambert eaton cause respiratory failure?": the symptom's passage, and the
        # complications passage when the article lists it there too
        also = _own_passages_naming(article, COMPLICATIONS_INTENT, concepts - BROAD_CONCEPTS)
        chosen = _article_order(article, select(article, SYMPTOMS_INTENT, concepts) + also)
        return Answer("article", render(chosen), chosen)
    chosen = select(article, intent, concepts)
    if not chosen:
        return _retrieve(article, text, concepts)
    return Answer("article", render(chosen), chosen)


# "does LES cause fatigue", "can lambert eaton cause a dry mouth": yes/no, not what/why
_DOES_IT_CAUSE = re.compile(r"^(?!.*\b(?:what|why|how)\b)"
                            r".*\b(?:does|do|can|could|will|would|might|may)\b.*\bcause\b")


@lru_cache(maxsize=1)
def _symptom_concepts() -> frozenset[str]:
    return frozenset(c.id for c in load_concepts() if c.label == SYMPTOM_LABEL)


def asks_if_les_brings_on(text: str, concepts: set[str]) -> bool:
    """Does the question ask whether LES causes a symptom? The classifier files it under
    Causes for the word "cause"; the Symptoms section answers it."""
    return bool(concepts & _symptom_concepts()) and bool(_DOES_IT_CAUSE.search(text.lower()))


def warm_up() -> None:
    """Load the article, its search index and the relevance gate's word lists now."""
    from bot.knowledge.relevance import load_scope, medicines_named

    _retriever()
    load_scope()
    medicines_named("")
    off_topic("warm up", set())


def _still_a_diagnosis_request(intent: str, concepts: set[str], text: str, elsewhere: OffTopic,
                               article: Article, verdict_asked: bool = False) -> bool:
    """A request for a verdict always gets the refusal with exams and tests, unless it
    asks for a dose, is about another LES or no question at all, is about another
    condition without naming LES ("do I have ALS?"),
    or only the classifier took an uncovered question for one ("is alcohol ok with LES?").
    A condition the article links with LES, listed beside symptoms the article lists
    ("diagnose me? legs weak, a few vitiligo patches"), is part of the person's story, and
    so is another medicine weighed against LES ("could my weakness be LES instead of side
    effects from my statin?"), unless a dose is asked."""
    reason = elsewhere.reason
    # "unrelated" with LES named: another LES ("Les Paul", "LES" meaning lupus on a Spanish chart)
    if intent != NO_DIAGNOSIS_INTENT or reason == "unrelated":
        return False
    if reason == "medicine":
        return LES_CONCEPT in concepts and not asks_dose(text)
    if reason == "not_covered":
        return verdict_asked or asks_for_diagnosis(text)
    if reason != "condition" or LES_CONCEPT in concepts:
        return True
    return bool(elsewhere.names) and set(elsewhere.names) <= load_scope().associated_conditions \
        and bool(listed_symptoms(article, concepts))


def _retrieve(article: Article, text: str, concepts: set[str]) -> Answer:
    """Answer from the closest passage, but only for questions about LES.

    Passages about a concept the message names are preferred; without any LES
    concept in the message nothing is answered (it is out of scope).
    """
    if not concepts:
        return Answer("none")
    retriever = _retriever() if article is load_article() else Retriever(article)
    ranked = retriever.rank(text, limit=len(article.passages))
    specific = concepts - BROAD_CONCEPTS
    on_topic = [(p, s) for p, s in ranked if specific & set(p.concepts)]
    if on_topic:
        chosen = [on_topic[0][0]]
    elif ranked and ranked[0][1] >= RETRIEVAL_THRESHOLD:
        chosen = [ranked[0][0]]
    else:
        return Answer("none")
    if not chosen[0].is_article:
        chosen = [p for p in article.passages if p.section == chosen[0].section
                  and p.is_article and set(p.default_for)][:1] + chosen
    return Answer("article", render(chosen), chosen)
