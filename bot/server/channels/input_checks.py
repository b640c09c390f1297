"""The input checks every channel applies to a message (REST, the widget's socket, Slack).

Kept apart from the channels so each imports them without importing another channel.
"""

from __future__ import annotations

import re

DEFAULT_MAX_MESSAGE_CHARS = 4000
DEFAULT_MAX_MESSAGES_PER_MINUTE = 60
CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
UNAVAILABLE = ("The bot cannot answer right now; please try again in a minute. "
               "If this is an emergency, call 911 (or your local emergency number) now.")


def clean_text(text: str) -> str:
    """Drop control characters (NUL and friends) but keep line breaks and tabs."""
    return CONTROL_CHARS.sub("", text)


def long_message_note(original_length: int, limit: int) -> str:
    """What the bot adds after reading only the first ``limit`` characters of a message."""
    return (f"Your message was very long ({original_length:,} characters), so I read only "
            f"the first {limit:,}. Please send shorter messages.")
