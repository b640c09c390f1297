"""Read screening answers from one user message.

One message can answer several questions ("weak legs and dry mouth but no double
vision"): every LES concept the domain pipeline found fills its question's slot,
"yes" or, when negated, "no". A plain yes / no / not sure / skip answers the
question that was asked. Questions ("does LES cause dry mouth?") are not answers.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from bot.language.entities import NEGATED_ROLE
from bot.language.questions import is_question
from bot.screening.questions import slot_for_concept

REPLY_INTENTS = {"affirm": "yes", "deny": "no", "unsure": "unsure", "skip_question": "skipped"}
# Negated red flags are answers too: "i can swallow fine" says no to that question.
RED_FLAG_SLOTS = {"swallowing": "sx_bulbar", "choking": "sx_bulbar", "fainting": "sx_dizzy"}


def answers_from_entities(entities: Iterable[dict[str, Any]]) -> dict[str, str]:
    """Slot values from the message's concepts; "yes" wins over "no" within one slot."""
    positive, negative = slot_for_concept(), slot_for_concept(negated=True)
    answers: dict[str, str] = {}
    for entity in entities:
        negated = entity.get("role") == NEGATED_ROLE
        value = str(entity.get("value"))
        if entity.get("entity") == "red_flag":
            slot = RED_FLAG_SLOTS.get(value) if negated else None
        else:
            slot = (negative if negated else positive).get(value)
        if slot is None:
            continue
        answer = "no" if negated else "yes"
        if answers.get(slot) != "yes":
            answers[slot] = answer
    return answers


def answers_from_message(text: str, intent: str, entities: Iterable[dict[str, Any]],
                         requested_slot: str | None) -> dict[str, str]:
    """Everything one message answers, including a bare reply to ``requested_slot``."""
    skipping = intent == "skip_question"  # "skip the smoking one" is not a yes to smoking
    answers = {} if is_question(text) or skipping else answers_from_entities(entities)
    if requested_slot and requested_slot not in answers and intent in REPLY_INTENTS:
        answers[requested_slot] = REPLY_INTENTS[intent]
    return answers
