"""Red-flag names shared by the NLU component, the actions and the review console.

Kept free of Rasa imports (the NLU component module pulls in TensorFlow, about
12 s), so the console can mark emergencies from the same lexicon and the same
intent names without loading the NLU stack.
"""

from __future__ import annotations

from functools import lru_cache

from bot.language.lexicon import load_red_flags

EMERGENCY = "emergency"
EMERGENCY_SELF_HARM = "emergency_self_harm"
EMERGENCY_INTENTS = (EMERGENCY, EMERGENCY_SELF_HARM)
# Key of the dict {reported, negated, generic} the NLU adds to each parsed message.
RED_FLAGS_KEY = "red_flags"


@lru_cache(maxsize=1)
def red_flag_labels() -> dict[str, str]:
    """Category id -> lay label from bot/safety/red_flags.yml ("breathing" -> "trouble breathing")."""
    return {category.id: category.label for category in load_red_flags()}
