"""Rasa NLU component that makes a reported red flag the message's intent.

It runs after the intent classifiers (and the FallbackClassifier), so its word
is final: a reported red flag (the lexicon confirmed by the learned detector, or the
learned detector alone, bot/safety/detect.py) becomes intent ``emergency`` (or
``emergency_self_harm``), which a rule answers with the 911 response straight
from the domain, without the action server. An intent classifier's "emergency"
guess without such a finding is replaced by its next guess: the learned detector,
trained on far more emergencies, has already weighed the message.
"""

from __future__ import annotations

from typing import Any

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.constants import SPACY_DOCS
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.language import message_model
from bot.language.drug_names import drug_names
from bot.language.entities import OUTSIDE, SCOPE_KEY, names_a_symptom, names_a_term
from bot.language.intent_names import NLU_FALLBACK, OUT_OF_SCOPE, QUESTION_PREFIX
from bot.language.lexicon import load_lexicon
from bot.language.nlu_base import UntrainedComponent, set_intent
from bot.language.scope_mark import asks_outside_instead
from bot.safety.detect import find_red_flags
from bot.safety.flags import (
    EMERGENCY,
    EMERGENCY_INTENTS,
    EMERGENCY_KIND,
    EMERGENCY_SELF_HARM,
    RED_FLAGS_KEY,
    first_message_kind,
)
from bot.safety.rules import load_rules

__all__ = ["EMERGENCY", "EMERGENCY_INTENTS", "EMERGENCY_SELF_HARM", "RED_FLAGS_KEY", "RedFlagClassifier"]


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False
)
class RedFlagClassifier(UntrainedComponent):
    """Overrides the intent for messages that report an emergency."""

    def __init__(self, config: dict[str, Any]) -> None:
        super().__init__(config)
        # Load the lexicon, the rules, the learned detector and the medicine names now: the
        # first emergency message after a start must not wait for them, and a missing
        # detector stops the start instead of silently lowering recall.
        load_lexicon()
        load_rules()
        message_model.assess("")  # loads the detector and turns it into arrays
        drug_names()
        first_message_kind([])

    def _fallback_threshold(self) -> float | None:
        """The FallbackClassifier's threshold (config.yml passes it in); unset, no
        overruled guess is turned into, or brought back from, a fallback."""
        value = self.config.get("fallback_threshold")
        return None if value is None else float(value)

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            self._process_one(message)
        return messages

    def _process_one(self, message: Message) -> None:
        doc = message.get(SPACY_DOCS[TEXT])
        if doc is None:
            return
        finding = find_red_flags(doc)
        message.set(RED_FLAGS_KEY, {
            "reported": finding.reported,
            "negated": finding.negated,
            "generic": finding.generic,
        }, add_to_output=True)
        intent = message.get(INTENT) or {}
        ranking = list(message.get(INTENT_RANKING_KEY) or [])
        if finding.reported:
            name = EMERGENCY_SELF_HARM if finding.self_harm else EMERGENCY
            set_intent(message, name)
        elif intent.get("name") in EMERGENCY_INTENTS:
            replacement = _best_non_emergency(ranking)
            threshold = self._fallback_threshold()
            if replacement is not None and threshold is not None and replacement["confidence"] < threshold \
                    and not replacement["name"].startswith(QUESTION_PREFIX):
                # no guess of its own ("I like gardening on weekends": self-harm 0.69, then
                # continue_screening 0.14, which would resume the symptom check): what the
                # fallback would have made of it. A question's next guess stays: the answer
                # action checks its scope and section.
                outside = message.get(SCOPE_KEY) == OUTSIDE
                set_intent(message, OUT_OF_SCOPE if outside else NLU_FALLBACK, replacement["confidence"])
            elif replacement is not None:
                set_intent(message, replacement["name"], replacement["confidence"])
                # the scope mark's rule, which met an emergency guess before ("how do i
                # get my toddler to sleep through the night" -> the symptom check)
                if asks_outside_instead(replacement["name"], message.get(SCOPE_KEY), doc.text,
                                        names_a_symptom=names_a_symptom(doc), names_a_term=names_a_term(doc)):
                    set_intent(message, OUT_OF_SCOPE)
        elif intent.get("name") == NLU_FALLBACK and _classified_emergency_first(ranking):
            # The fallback came from the emergency guess being close to the next one
            # ("im not suicidal, just sad. what is the prognosis"); without the emergency
            # the next guess stands on its own confidence.
            replacement = _best_non_emergency([c for c in ranking if c.get("name") != NLU_FALLBACK])
            threshold = self._fallback_threshold()
            if replacement is not None and threshold is not None and replacement["confidence"] >= threshold:
                set_intent(message, replacement["name"], replacement["confidence"])
        final = (message.get(INTENT) or {}).get("name")
        if final in EMERGENCY_INTENTS:
            kind = first_message_kind(finding.reported, self_harm_intent=final == EMERGENCY_SELF_HARM)
            _add_kind_entity(message, kind)


def _add_kind_entity(message: Message, kind: str) -> None:
    """The emergency_kind entity fills the slot that picks the first message's variant."""
    entities = [e for e in message.get(ENTITIES, []) if e.get("entity") != EMERGENCY_KIND]
    entities.append({"entity": EMERGENCY_KIND, "value": kind, "start": 0, "end": 0,
                     "confidence_entity": 1.0, "extractor": "RedFlagClassifier"})
    message.set(ENTITIES, entities, add_to_output=True)


def _classified_emergency_first(ranking: list[dict[str, Any]]) -> bool:
    """The intent classifier's own first guess (under the fallback) is an emergency."""
    guesses = [c for c in ranking if c.get("name") != NLU_FALLBACK]
    return bool(guesses) and guesses[0].get("name") in EMERGENCY_INTENTS


def _best_non_emergency(ranking: list[dict[str, Any]]) -> dict[str, Any] | None:
    for candidate in ranking:
        if candidate.get("name") not in EMERGENCY_INTENTS:
            return {"name": candidate["name"], "confidence": candidate.get("confidence", 0.0)}
    return None
