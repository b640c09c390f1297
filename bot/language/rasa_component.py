"""Rasa NLU component that turns the domain pipeline's entities into Rasa entities.

Rasa's own SpacyEntityExtractor reports the matched text; we need the concept
id (``dry_mouth`` for "cottonmouth") and whether it was negated. Negated
entities carry the role ``negated`` so slot mappings and the review console can
tell "no double vision" from "double vision".

Importing this module registers the spaCy factories the saved pipeline needs
(les_normalizer, les_negex), before Rasa's SpacyNLP loads it.
"""

from __future__ import annotations

import negspacy.negation  # noqa: F401  (registers negspacy's factory too)
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.constants import SPACY_DOCS
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.language import language_id, negation, normalize, run_together  # noqa: F401  (registers our factories)
from bot.language.control_words import strays_from
from bot.language.english import looks_english
from bot.language.entities import (
    LANGUAGE_KEY,
    LEANS_OUTSIDE_KEY,
    NOT_ENGLISH,
    SCOPE_KEY,
    VERDICT_KEY,
    entities_from_doc,
    names_a_symptom,
    names_a_term,
)
from bot.language.intent_names import OUT_OF_SCOPE, QUESTION_PREFIX, SHOW_SOURCE
from bot.language.nlu_base import UntrainedComponent, set_intent
from bot.language.questions import asks_something
from bot.language.requests import asks_for_diagnosis, requests_a_verdict
from bot.language.scope_mark import INFORM_SYMPTOMS, asks_outside_instead, leans_outside, scope_mark

ASK_DIAGNOSIS = "ask_diagnosis"
SCREENING_STARTS = {"start_screening", "restart_screening"}



@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=False
)
class LesEntityExtractor(UntrainedComponent, EntityExtractorMixin):
    """Entities (concept ids, negation as role) from the domain spaCy pipeline."""

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            doc = message.get(SPACY_DOCS[TEXT])
            if doc is None:
                continue
            found = entities_from_doc(doc)
            message.set(
                ENTITIES,
                message.get(ENTITIES, []) + self.add_extractor_name(found),
                add_to_output=True,
            )
        return messages


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False
)
class NonEnglishClassifier(UntrainedComponent):
    """Makes a message that is not English ``out_of_scope`` (the reply says why).

    Placed after the intent classifier and before the RedFlagClassifier, so a red
    flag the lexicon finds still wins; and after the DiagnosisRequestGuard, so a verdict
    request about LES ("¿tengo Lambert-Eaton?") is refused with the exams and tests rather
    than only told the bot reads English.
    """

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            doc = message.get(SPACY_DOCS[TEXT])
            if doc is None or looks_english(doc):
                continue
            if (message.get(INTENT) or {}).get("name") == ASK_DIAGNOSIS \
                    and asks_for_diagnosis(message.get(TEXT) or ""):
                continue  # a cue in its own words: the learned head knows English only
            message.set(LANGUAGE_KEY, NOT_ENGLISH, add_to_output=True)
            set_intent(message, OUT_OF_SCOPE)
        return messages


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False
)
class StatementIntentGuard(UntrainedComponent):
    """A message that asks something is not a plain symptom report, nor a request to see
    the last answer's source.

    "inform_symptoms" starts the screening. When the message also asks a question
    ("my mother was diagnosed last month. what's her outlook?"), the best-ranked
    question intent wins instead, so the question gets answered. So too for
    "show_source" said in words its examples do not use about something the lexicon
    knows ("dx workup for LEMS per your source?"): "source" is how the question is asked,
    the workup is what it asks about.
    """

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            intent = (message.get(INTENT) or {}).get("name")
            if not _asks_a_question_instead(intent, message):
                continue
            for candidate in message.get(INTENT_RANKING_KEY) or []:
                if str(candidate.get("name", "")).startswith(QUESTION_PREFIX):
                    set_intent(message, candidate["name"], candidate.get("confidence", 0.0))
                    break
        return messages


def _asks_a_question_instead(intent: str | None, message: Message) -> bool:
    text = message.get(TEXT) or ""
    if intent == INFORM_SYMPTOMS:
        return asks_something(text)
    if intent == SHOW_SOURCE:
        doc = message.get(SPACY_DOCS[TEXT])
        return doc is not None and names_a_term(doc) and strays_from(intent, text)
    return False


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False
)
class DiagnosisRequestGuard(UntrainedComponent):
    """A request for a verdict in any form ("odds", "rule out", "yes or no") is ask_diagnosis:
    a cue phrase or the learned model (bot/language/requests.py).

    After the classifier and before the RedFlagClassifier, so an emergency still wins. A
    request to start the symptom check ("check my symptoms") is left alone by the model: the
    screening never gives a verdict either, and it is what the person asked for.
    """

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            doc = message.get(SPACY_DOCS[TEXT])
            if (message.get(INTENT) or {}).get("name") in SCREENING_STARTS:
                asks = asks_for_diagnosis(text)
            else:
                asks = requests_a_verdict(text, run_together.spaced_text(doc) if doc is not None else None)
            if asks:
                set_intent(message, ASK_DIAGNOSIS)
                message.set(VERDICT_KEY, True, add_to_output=True)
        return messages


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False
)
class ScopeMarker(UntrainedComponent):
    """Marks a question the learned model finds outside LES or outside the article
    (bot/language/scope_mark.py); the intent stays, the answer action reads the mark.

    One exception: a question about something else that reads like a symptom report
    ("my knee clicks on the stairs, why"), or a statement that names nothing the lexicon
    knows ("my laptop won't turn on"), would start the LES symptom check; marked outside,
    it is ``out_of_scope`` and gets the reply that says what the bot can do.
    """

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            doc = message.get(SPACY_DOCS[TEXT])
            text = run_together.spaced_text(doc) if doc is not None else message.get(TEXT) or ""
            mark = scope_mark(text)
            if mark is not None:
                message.set(SCOPE_KEY, mark, add_to_output=True)
            elif leans_outside(text):
                message.set(LEANS_OUTSIDE_KEY, True, add_to_output=True)
            if asks_outside_instead((message.get(INTENT) or {}).get("name"), mark, text,
                                    names_a_symptom=doc is not None and names_a_symptom(doc),
                                    names_a_term=doc is None or names_a_term(doc)):
                set_intent(message, OUT_OF_SCOPE)
        return messages
