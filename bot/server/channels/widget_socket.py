"""The socket.io channel the web widget talks to (``WidgetSocketInput``, name ``socketio``).

Rasa's events and output, plus: allowed origins (``WIDGET_ALLOWED_ORIGINS``), session
tokens checked and hashed (``session_ids``), each socket bound to the conversation it
opened, REST's input checks and rate limit (counted across servers when
``LES_RATE_LIMIT_REDIS_URL`` is set), and failed or late turns said (911 line
first). What Rasa's own channel lacks: docs/development.md, "Channels".
"""

from __future__ import annotations

import logging
import math
import re
import time
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from rasa.core.channels.socketio import SocketBlueprint, SocketIOOutput
from sanic import Blueprint, Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse
from socketio import AsyncServer

from bot.common import settings
from bot.common.rate_limit import RateLimit
from bot.knowledge.messages import message as bot_message
from bot.safety.early_reply import current_agent, guarded_turn, record_sent
from bot.server.channels import session_ids
from bot.server.channels.input_checks import (
    DEFAULT_MAX_MESSAGE_CHARS,
    DEFAULT_MAX_MESSAGES_PER_MINUTE,
    UNAVAILABLE,
    clean_text,
    long_message_note,
)

logger = logging.getLogger(__name__)

ORIGINS_ENV = "WIDGET_ALLOWED_ORIGINS"
_ORIGIN = re.compile(r"https?://[^/\s:]+(?::\d+)?")


def allowed_origins(value: str | None) -> list[str] | str | None:
    """python-engineio's ``cors_allowed_origins`` for the env var's value.

    None (unset or empty) means the server's own origin only, ``"*"`` any origin,
    otherwise the listed origins. A malformed entry is an error at start-up rather
    than a widget that silently cannot connect.
    """
    if value is None or not value.strip():
        return None
    if value.strip() == "*":
        logger.warning(f"{ORIGINS_ENV}=* lets any web site talk to the bot; use it for development only.")
        return "*"
    origins = [item.strip().rstrip("/").lower() for item in value.split(",") if item.strip()]
    bad = [origin for origin in origins if not _ORIGIN.fullmatch(origin)]
    if bad:
        raise ValueError(f"{ORIGINS_ENV}: not an origin (scheme://host[:port]): {', '.join(bad)}")
    return origins


class _OriginCheckedBlueprint(SocketBlueprint):
    """Attaches socket.io to the app and leaves its CORS headers to python-engineio.

    ``rasa run --cors`` adds Sanic-CORS headers to every route; on the socket.io
    route they would duplicate engineio's ``Access-Control-Allow-Origin`` (browsers
    reject two) and answer for origins the widget does not allow.
    """

    def register(self, app: Sanic, options: dict[str, Any]) -> None:
        # Imported here: sanic_cors warns about distutils on import, and only a server needs it.
        from sanic_cors.core import SANIC_CORS_EVALUATED

        path = self.ctx.socketio_path

        async def engineio_decides_cors(request: Request) -> None:
            if request.path.rstrip("/") == path.rstrip("/"):
                setattr(request.ctx, SANIC_CORS_EVALUATED, "1")

        app.register_middleware(engineio_decides_cors, "request")
        super().register(app, options)


class WidgetSocketInput(InputChannel):
    """Socket.io channel for the web widget: checked origins, tokens and messages."""

    @classmethod
    def name(cls) -> str:
        return "socketio"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        credentials = credentials or {}
        return cls(
            user_message_evt=credentials.get("user_message_evt", "user_uttered"),
            bot_message_evt=credentials.get("bot_message_evt", "bot_uttered"),
            socketio_path=credentials.get("socketio_path", "/socket.io"),
            max_message_chars=int(credentials.get("max_message_chars") or DEFAULT_MAX_MESSAGE_CHARS),
            origins=allowed_origins(settings.value(ORIGINS_ENV)),
            max_messages_per_minute=int(credentials.get("max_messages_per_minute",
                                                        DEFAULT_MAX_MESSAGES_PER_MINUTE)),
        )

    def __init__(
        self,
        user_message_evt: str = "user_uttered",
        bot_message_evt: str = "bot_uttered",
        socketio_path: str = "/socket.io",
        max_message_chars: int = DEFAULT_MAX_MESSAGE_CHARS,
        origins: list[str] | str | None = None,
        max_messages_per_minute: int = DEFAULT_MAX_MESSAGES_PER_MINUTE,
    ) -> None:
        self.user_message_evt = user_message_evt
        self.bot_message_evt = bot_message_evt
        self.socketio_path = socketio_path
        self.max_message_chars = max_message_chars
        self.origins = origins
        self.sio: AsyncServer | None = None
        self.conversations: dict[str, str] = {}  # socket id -> conversation id
        self.rate_limiter = RateLimit(max_messages_per_minute, 60, "widget")
        self._told_to_wait: dict[str, float] = {}  # conversation -> until when it was told

    async def _wait_s(self, sid: str, conversation: str) -> float:
        """0 if the socket may send now (counted), else how long its sender should wait."""
        return await self.rate_limiter.hit_async(f"conversation:{conversation}") \
            or await self.rate_limiter.hit_async(f"socket:{sid}")

    def _should_tell(self, conversation: str, wait_s: float) -> bool:
        """Tell a flooding conversation once per burst, not once per message."""
        now = time.monotonic()
        if self._told_to_wait.get(conversation, 0.0) > now:
            return False
        self._told_to_wait = {c: t for c, t in self._told_to_wait.items() if t > now}
        self._told_to_wait[conversation] = now + wait_s
        return True

    def get_output_channel(self) -> OutputChannel | None:
        """Output for messages Rasa sends outside a turn (e.g. reminders)."""
        return SocketIOOutput(self.sio, self.bot_message_evt) if self.sio else None

    def _text(self, data: Any) -> tuple[str, int | None] | None:
        """The message text to hand to Rasa and its original length if it was cut."""
        if not isinstance(data, dict) or not isinstance(data.get("message", ""), str):
            return None
        text = clean_text(data.get("message") or "")
        if len(text) > self.max_message_chars:
            return text[: self.max_message_chars], len(text)
        return text, None

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        # cors_credentials=False: the widget sends no cookies, so no page needs them.
        sio = AsyncServer(async_mode="sanic", cors_allowed_origins=self.origins, cors_credentials=False)
        self.sio = sio
        bp = _OriginCheckedBlueprint(sio, self.socketio_path, "widget_socket", __name__)

        @bp.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @sio.on("disconnect")
        async def disconnect(sid: str) -> None:
            self.conversations.pop(sid, None)

        @sio.on("session_request")
        async def session_request(sid: str, data: Any) -> None:
            token = data.get("session_id") if isinstance(data, dict) else None
            if not session_ids.is_valid_token(token):
                await sio.emit("session_rejected", {"reason": "invalid session id"}, room=sid)
                return
            conversation = session_ids.conversation_id(token)
            previous = self.conversations.get(sid)
            if previous and previous != conversation:
                sio.leave_room(sid, previous)
            self.conversations[sid] = conversation
            sio.enter_room(sid, conversation)
            await sio.emit("session_confirm", token, room=sid)

        @sio.on(self.user_message_evt)
        async def handle_message(sid: str, data: Any) -> None:
            conversation = self.conversations.get(sid)
            checked = self._text(data)
            if conversation is None or checked is None:
                logger.debug(f"ignored a message from socket {sid}: no session or not text")
                return
            text, original_length = checked
            output = SocketIOOutput(sio, self.bot_message_evt)
            wait_s = await self._wait_s(sid, conversation)
            if wait_s:
                logger.warning("socket %s (conversation %s) is over its message limit", sid, conversation)
                if self._should_tell(conversation, wait_s):
                    seconds = str(max(1, math.ceil(wait_s)))
                    notice = bot_message("too_many_messages", seconds=seconds)
                    await output.send_text_message(conversation, notice)
                return
            if not text.strip():
                await output.send_text_message(conversation, bot_message("empty_message"))
                return
            sent = record_sent(output)
            user_message = UserMessage(text, output, conversation, input_channel=self.name())
            try:
                early = await guarded_turn(lambda: on_new_message(user_message), current_agent(), text,
                                           lambda: sent)
            except Exception as error:
                logger.exception("the message of conversation %s could not be handled", conversation)
                for reply in getattr(error, "emergency", []):  # a red flag: the 911 message anyway
                    await output.send_text_message(conversation, reply["text"])
                await output.send_text_message(conversation, UNAVAILABLE)
                return
            if early:  # the turn was late and given up: the 911 message now, then "send it again"
                for reply in early:
                    await output.send_text_message(conversation, reply["text"])
                await output.send_text_message(conversation, UNAVAILABLE)
                return
            if original_length is not None:
                await output.send_text_message(
                    conversation, long_message_note(original_length, self.max_message_chars))

        return bp
