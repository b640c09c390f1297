"""The REST channel with the input checks a public endpoint needs.

Rasa's RestInput answers malformed JSON with an HTML error page, files a missing
sender under the shared id "default" (mixing strangers' conversations) and runs
the NLU over a 100 kB message for most of a minute. This subclass keeps Rasa's
handler and adds, as blueprint middleware:

- 400 with a JSON ``{"error": ...}`` for a body that is not a JSON object, a
  missing/empty/non-text ``sender``, a non-text ``message`` or non-object ``metadata``,
  and for a ``sender`` of the web widget's form (``web-...``: those conversations
  belong to a browser's session token, see ``session_ids``);
- control characters removed from the message; an empty message answered with a
  hint (there is nothing for the NLU to read);
- messages longer than ``max_message_chars`` cut to that length, with a note
  appended to the bot's reply so the person knows.

Configured in credentials.yml as ``bot.channels.rest.CheckedRestInput``; its
URL stays ``/webhooks/rest/webhook``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import InputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels.session_ids import CONVERSATION_PREFIX, is_widget_conversation
from bot.knowledge.messages import message as bot_message

DEFAULT_MAX_MESSAGE_CHARS = 4000
MAX_SENDER_CHARS = 256
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _error(message: str) -> HTTPResponse:
    return response.json({"error": message}, status=400)


def clean_text(text: str) -> str:
    """Drop control characters (NUL and friends) but keep line breaks and tabs."""
    return _CONTROL.sub("", text)


def long_message_note(original_length: int, limit: int) -> str:
    """What the bot adds after reading only the first ``limit`` characters of a message."""
    return (f"Your message was very long ({original_length:,} characters), so I read only "
            f"the first {limit:,}. Please send shorter messages.")


def check_body(body: Any) -> str | None:
    """Why a request body is unacceptable, or None when it is fine."""
    if not isinstance(body, dict):
        return "the body must be a JSON object with 'sender' and 'message'"
    sender = body.get("sender")
    if not isinstance(sender, str) or not sender.strip():
        return "'sender' is required: a non-empty string that identifies the conversation"
    if len(sender) > MAX_SENDER_CHARS or _CONTROL.search(sender):
        return f"'sender' must be at most {MAX_SENDER_CHARS} printable characters"
    if is_widget_conversation(sender):
        return f"'sender' ids starting with '{CONVERSATION_PREFIX}' belong to the web widget"
    if "message" in body and body["message"] is not None and not isinstance(body["message"], str):
        return "'message' must be a string"
    if "metadata" in body and body["metadata"] is not None and not isinstance(body["metadata"], dict):
        return "'metadata' must be a JSON object"
    if "input_channel" in body and not isinstance(body["input_channel"], (str, type(None))):
        return "'input_channel' must be a string"
    return None


class CheckedRestInput(RestInput):
    """REST channel that rejects malformed requests clearly and caps message size."""

    @classmethod
    def name(cls) -> str:
        return "rest"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        credentials = credentials or {}
        return cls(int(credentials.get("max_message_chars") or DEFAULT_MAX_MESSAGE_CHARS))

    def __init__(self, max_message_chars: int = DEFAULT_MAX_MESSAGE_CHARS) -> None:
        self.max_message_chars = max_message_chars

    def _extract_message(self, req: Request) -> str | None:
        text = clean_text(req.json.get("message") or "")
        if len(text) > self.max_message_chars:
            req.ctx.truncated_from = len(text)
            text = text[: self.max_message_chars]
        return text

    def blueprint(
        self, on_new_message: Callable[[UserMessage], Awaitable[Any]]
    ) -> Blueprint:
        bp = super().blueprint(on_new_message)

        @bp.middleware("request")
        async def check_request(request: Request) -> HTTPResponse | None:
            if request.method != "POST":
                return None
            try:
                body = json.loads(request.body or b"")
            except (ValueError, UnicodeDecodeError):
                return _error("the body is not valid JSON")
            problem = check_body(body)
            if problem:
                return _error(problem)
            if not clean_text(body.get("message") or "").strip():
                return response.json([{"recipient_id": body["sender"], "text": bot_message("empty_message")}])
            return None

        @bp.middleware("response")
        async def note_truncation(request: Request, resp: HTTPResponse) -> HTTPResponse | None:
            original = getattr(request.ctx, "truncated_from", None)
            if original is None or resp.status != 200:
                return None
            messages = json.loads(resp.body)
            sender = request.json.get("sender")
            messages.append({"recipient_id": sender,
                             "text": long_message_note(original, self.max_message_chars)})
            return response.json(messages)

        return bp
