"""Red-flag names shared by the NLU component, the actions and the review console.

Kept free of Rasa imports (the NLU component module pulls in TensorFlow, about
12 s), so the console can mark emergencies from the same lexicon and the same
intent names without loading the NLU stack.
"""

from __future__ import annotations

from functools import lru_cache

from bot.language.lexicon import load_lexicon

EMERGENCY = "emergency"
EMERGENCY_SELF_HARM = "emergency_self_harm"
EMERGENCY_INTENTS = (EMERGENCY, EMERGENCY_SELF_HARM)
# Key of the dict {reported, negated, generic} the NLU adds to each parsed message.
RED_FLAGS_KEY = "red_flags"


# The entity (and slot) that picks the variant of the emergency response sent first.
EMERGENCY_KIND = "emergency_kind"
GENERAL, SELF_HARM, POISONING = "general", "self_harm", "poisoning"
POISONING_SELF_HARM = "poisoning_self_harm"
# When a message reports several kinds, the first message that covers the most:
# self-harm by poisoning needs 911, Poison Help and 988 together.
KIND_PRIORITY = (POISONING_SELF_HARM, SELF_HARM, POISONING, "stroke", GENERAL)


@lru_cache(maxsize=1)
def _first_messages() -> dict[str, str]:
    """Category id -> kind of first message, read once (every emergency turn asks)."""
    return {c.id: c.first_message for c in load_lexicon().red_flags}


def first_message_kind(reported: list[str], self_harm_intent: bool = False) -> str:
    """Which variant of the emergency message the reported categories need first."""
    by_id = _first_messages()
    kinds = {by_id.get(c, GENERAL) for c in reported}
    if self_harm_intent:
        kinds.add(SELF_HARM)
    if SELF_HARM in kinds and POISONING in kinds:
        return POISONING_SELF_HARM
    return next((k for k in KIND_PRIORITY if k in kinds), GENERAL)


@lru_cache(maxsize=1)
def red_flag_labels() -> dict[str, str]:
    """Category id -> lay label from bot/safety/red_flags.yml ("breathing" -> "trouble breathing")."""
    return {category.id: category.label for category in load_lexicon().red_flags}
