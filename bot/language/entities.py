"""Rasa-style entity dicts from the domain pipeline's spaCy doc.

The value is the concept id ("dry_mouth" for "cottonmouth"), and a negated entity
carries the role "negated", so slot filling and the review console can tell "no
double vision" from "double vision".
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the action server imports NEGATED_ROLE and must not load spaCy (and TensorFlow)
    from spacy.tokens import Doc

NEGATED_ROLE = "negated"
# The key the NLU adds to a parsed message that is not English (or is machine text), and
# its value: the answer action then says what the bot can help with and never searches
# the article.
LANGUAGE_KEY = "language"
NOT_ENGLISH = "not-english"
# The key the NLU adds when the learned model finds a question outside LES or outside the
# article (bot/language/scope_mark.py), and its values; the answer action reads it.
SCOPE_KEY = "les_scope"
# Added (True) when the model leans outside LES without marking it: the relevance gate then
# no longer trusts a sure intent over a message whose words are mostly unknown to LES.
LEANS_OUTSIDE_KEY = "les_leans_outside"
# The verdict guard (a cue or the learned model, not only the classifier) found a request
# for a verdict: "could his weakness be a side effect of chemo rather than LES?" keeps the
# refusal with the exams though it names a topic the article does not cover.
VERDICT_KEY = "les_verdict_asked"
LES_CONCEPT = "les"  # the lexicon's concept id for the disease's names
OUTSIDE, UNCOVERED = "outside", "uncovered"
LOOK_ALIKE_LABEL = "look_alike"  # bot.language.lexicon's; not imported (no spaCy here)


def names_a_term(doc: Doc) -> bool:
    """Does the message name anything from the lexicon (a symptom, LES, a medicine, ...)?"""
    return any(ent.label_ != LOOK_ALIKE_LABEL for ent in doc.ents)


# The labels of what the symptom check asks about: LES's symptoms and the red flags.
SYMPTOM_LABEL = "symptom"  # the lexicon's label of LES's symptoms (data/lexicon/concepts.yml)
SYMPTOM_LABELS = frozenset({SYMPTOM_LABEL, "red_flag"})


def names_a_symptom(doc: Doc) -> bool:
    """Does the message name a symptom or a red flag (not only a condition, medicine or test:
    "best way to quit smoking" names smoking, which the symptom check does not ask about)?"""
    return any(ent.label_ in SYMPTOM_LABELS for ent in doc.ents)


def entities_from_doc(doc: Doc) -> list[dict[str, Any]]:
    found = []
    for ent in doc.ents:
        if ent.label_ == LOOK_ALIKE_LABEL:
            continue
        entity = {
            "entity": ent.label_,
            "value": ent.ent_id_ or ent.text,
            "start": ent.start_char,
            "end": ent.end_char,
            "confidence_entity": 1.0,
        }
        if ent._.negex:
            entity["role"] = NEGATED_ROLE
        found.append(entity)
    return found
