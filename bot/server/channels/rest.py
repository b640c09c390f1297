"""The REST channel with the input checks a public endpoint needs.

Keeps Rasa's URL (``/webhooks/rest/webhook``) and reply format; answers malformed, huge
or too frequent requests with a JSON 400 / 413 / 429, a failed turn with 503 (never an
empty 200), and never holds the 911 message back (``bot/safety/early_reply.py``). The
checks and status codes: docs/operator.md, "Talking to it over REST". Configured in
credentials.yml as ``bot.server.channels.rest.CheckedRestInput``.
"""

from __future__ import annotations

import inspect
import json
import logging
import math
from asyncio import CancelledError
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.common.rate_limit import RateLimit
from bot.knowledge.messages import message as bot_message
from bot.safety.early_reply import guarded_turn
from bot.server.channels.input_checks import (
    CONTROL_CHARS,
    DEFAULT_MAX_MESSAGE_CHARS,
    DEFAULT_MAX_MESSAGES_PER_MINUTE,
    UNAVAILABLE,
    clean_text,
    long_message_note,
)
from bot.server.channels.session_ids import CONVERSATION_PREFIX, is_widget_conversation

logger = logging.getLogger(__name__)

DEFAULT_MAX_BODY_BYTES = 1_000_000
MAX_SENDER_CHARS = 256
RETRY_AFTER_S = 5


def _error(message: str, status: int = 400, headers: dict[str, str] | None = None) -> HTTPResponse:
    return response.json({"error": message}, status=status, headers=headers)


def unavailable(sender: str, first: list[dict[str, Any]] | None = None) -> HTTPResponse:
    """503 + Retry-After: the turn was not stored. ``first``: the 911 message, sent anyway."""
    messages = [*({"recipient_id": sender, **m} for m in first or []),
                {"recipient_id": sender, "text": UNAVAILABLE}]
    return response.json({"error": UNAVAILABLE, "retry_after": RETRY_AFTER_S, "messages": messages},
                         status=503, headers={"Retry-After": str(RETRY_AFTER_S)})


def parse_body(raw: bytes) -> Any:
    """The JSON body, or raise ValueError (not JSON, not UTF-8, nested too deeply)."""
    try:
        return json.loads(raw or b"")
    except RecursionError as error:
        raise ValueError("nested too deeply") from error


def check_body(body: Any) -> str | None:
    """Why a request body is unacceptable, or None when it is fine."""
    if not isinstance(body, dict):
        return "the body must be a JSON object with 'sender' and 'message'"
    sender = body.get("sender")
    if not isinstance(sender, str) or not sender.strip():
        return "'sender' is required: a non-empty string that identifies the conversation"
    if len(sender) > MAX_SENDER_CHARS or CONTROL_CHARS.search(sender):
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
    """REST channel that rejects malformed requests clearly, caps size and rate, fails with 503."""

    @classmethod
    def name(cls) -> str:
        return "rest"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        credentials = credentials or {}

        def setting(key: str, default: int) -> int:
            value = credentials.get(key)
            return default if value is None else int(value)

        return cls(setting("max_message_chars", DEFAULT_MAX_MESSAGE_CHARS),
                   setting("max_messages_per_minute", DEFAULT_MAX_MESSAGES_PER_MINUTE),
                   setting("max_body_bytes", DEFAULT_MAX_BODY_BYTES))

    def __init__(self, max_message_chars: int = DEFAULT_MAX_MESSAGE_CHARS,
                 max_messages_per_minute: int = DEFAULT_MAX_MESSAGES_PER_MINUTE,
                 max_body_bytes: int = DEFAULT_MAX_BODY_BYTES) -> None:
        self.max_message_chars = max_message_chars or DEFAULT_MAX_MESSAGE_CHARS
        self.max_body_bytes = max_body_bytes or DEFAULT_MAX_BODY_BYTES
        self.rate_limiter = RateLimit(max_messages_per_minute, 60, "rest")

    def truncation_note(self, original_chars: int) -> str:
        return long_message_note(original_chars, self.max_message_chars)

    def blueprint(
        self, on_new_message: Callable[[UserMessage], Awaitable[Any]]
    ) -> Blueprint:
        module_type = inspect.getmodule(self)
        module_name = module_type.__name__ if module_type else None
        bp = Blueprint("custom_webhook_CheckedRestInput", module_name)

        @bp.route("/", methods=["GET"])
        async def health(request: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @bp.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            if len(request.body or b"") > self.max_body_bytes:
                return _error(f"the body is larger than {self.max_body_bytes:,} bytes", 413)
            try:
                body = parse_body(request.body)
            except ValueError:
                return _error("the body is not valid JSON")
            problem = check_body(body)
            if problem:
                return _error(problem)
            sender: str = body["sender"]
            wait_s = await self.rate_limiter.hit_async(sender)
            if wait_s:
                seconds = max(1, math.ceil(wait_s))
                return response.json(
                    {"error": "too many messages in this conversation; please wait a little",
                     "retry_after": seconds},
                    status=429, headers={"Retry-After": str(seconds)})
            text = clean_text(body.get("message") or "")
            if not text.strip():
                return response.json([{"recipient_id": sender, "text": bot_message("empty_message")}])
            original_chars = len(text)
            text = text[: self.max_message_chars]
            collector = CollectingOutputChannel()
            user_message = UserMessage(text, collector, sender,
                                       input_channel=body.get("input_channel") or self.name(),
                                       metadata=self.get_metadata(request))
            try:
                # nothing reaches a REST client before the turn ends: the 911 message
                # counts as sent only in the answer itself
                early = await guarded_turn(lambda: on_new_message(user_message),
                                           getattr(request.app.ctx, "agent", None), text)
                if early:
                    return unavailable(sender, early)
            except (Exception, CancelledError) as error:
                logger.exception("the message of conversation %r could not be handled", sender)
                return unavailable(sender, getattr(error, "emergency", None))
            messages = collector.messages
            if original_chars > self.max_message_chars:
                messages = [*messages, {"recipient_id": sender,
                                        "text": self.truncation_note(original_chars)}]
            return response.json(messages)

        return bp
