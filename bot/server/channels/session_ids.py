"""The web widget's session ids: what the browser may present and what the server files.

Rasa's socket.io channel takes any ``session_id`` a client names and files the
conversation under it, so a client that names someone else's id receives that
person's bot replies. Here the browser holds a *session token*: 128 random bits
from ``crypto.getRandomValues``, written as 32 lower-case hex digits, kept in its
localStorage and never shown. The server accepts only tokens of exactly that form
and files the conversation under a one-way hash of it (``web-`` + 32 hex digits).
The conversation ids that appear in the tracker store, the logs and the review
console therefore cannot be used to join a conversation: that needs the token,
which only the browser that made it has.
"""

from __future__ import annotations

import hashlib
import re
from typing import TypeGuard

TOKEN_BITS = 128
CONVERSATION_PREFIX = "web-"
_TOKEN = re.compile(f"[0-9a-f]{{{TOKEN_BITS // 4}}}")


def is_valid_token(token: object) -> TypeGuard[str]:
    """True for exactly 32 lower-case hex digits, the form the widget generates."""
    return isinstance(token, str) and _TOKEN.fullmatch(token) is not None


def conversation_id(token: str) -> str:
    """The id the conversation is filed under: a hash, so it cannot be turned back into the token."""
    if not is_valid_token(token):
        raise ValueError("not a widget session token")
    return CONVERSATION_PREFIX + hashlib.sha256(token.encode("ascii")).hexdigest()[: TOKEN_BITS // 4]


def is_widget_conversation(sender_id: str) -> bool:
    """True for ids this module hands out; other channels must not write into them."""
    return sender_id.startswith(CONVERSATION_PREFIX)
