"""Slack (Events API + interactivity) as a Rasa channel: ``/webhooks/slack/webhook``.

Configured from ``SLACK_BOT_TOKEN``, ``SLACK_SIGNING_SECRET`` (and optional
``SLACK_API_URL``); without both secrets the channel stays off and answers 503. It
checks signatures (401), acknowledges at once and answers in the background, takes
each event or click once, and posts the 911 message first. Why the request handler
is ours and not Rasa's: docs/development.md, "Channels".
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable
from http import HTTPStatus
from typing import Any
from urllib.parse import parse_qs

from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from rasa.core.channels.slack import SlackInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler
from slack_sdk.web.async_client import AsyncWebClient

from bot.common.slack_settings import SlackSettings
from bot.knowledge.messages import message as bot_message
from bot.safety.early_reply import current_agent, guarded_turn, record_sent
from bot.server.channels.slack_events import (
    Ignored,
    Incoming,
    NotForYou,
    RecentKeys,
    parse_action,
    parse_event,
)
from bot.server.channels.slack_output import LesSlackBot

logger = logging.getLogger(__name__)

FAILED_MESSAGE = ("Sorry, something went wrong and I could not answer. Please try again. "
                  "If this is an emergency, call 911 now.")
NOT_FOR_YOU_MESSAGE = ("Those buttons answer <@{addressee}>'s questions, so I did not take your click. "
                       "To ask me yourself, mention me in this thread. "
                       "If this is an emergency, call 911 now.")


def _ack(text: str = "") -> HTTPResponse:
    return response.text(text, status=HTTPStatus.OK)


def _read(request: Request) -> tuple[str, dict[str, Any]] | None:
    """("event", body) for Events API JSON, ("action", payload) for an interaction."""
    try:
        if "application/x-www-form-urlencoded" in (request.content_type or ""):
            form = parse_qs(request.body.decode("utf-8"))
            body = json.loads(form["payload"][0])
            kind = "action"
        else:
            body = json.loads(request.body or b"")
            kind = "event"
    except (ValueError, KeyError, UnicodeDecodeError):
        return None
    return (kind, body) if isinstance(body, dict) else None


class LesSlackInput(SlackInput):
    """Slack for staff: DMs answered in place, mentions answered in their thread."""

    @classmethod
    def name(cls) -> str:
        return "slack"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        settings = SlackSettings.from_env()
        if not settings.enabled:
            logger.info("Slack channel off: %s not set.", " and ".join(settings.missing))
        return cls(settings)

    def __init__(self, settings: SlackSettings) -> None:
        self.settings = settings
        super().__init__(slack_token=settings.token, slack_signing_secret=settings.signing_secret,
                         use_threads=True, conversation_granularity="thread")
        self.client = AsyncWebClient(
            token=settings.token or None, base_url=settings.api_url,
            retry_handlers=[AsyncRateLimitErrorRetryHandler(max_retry_count=2)],
        )
        self.recent = RecentKeys()

    def _validate_credentials(self) -> None:
        # Unconfigured is a supported state (the channel is off); half-configured
        # is reported by the 503 answer and the startup log instead of a crash.
        if self.settings.enabled:
            super()._validate_credentials()

    def get_output_channel(self, channel: str | None = None, thread_id: str | None = None,
                           user: str | None = None) -> OutputChannel:
        return LesSlackBot(self.client, channel or self.slack_channel, thread_id, user)

    def _unavailable(self) -> HTTPResponse:
        return response.json(
            {"error": f"Slack is not configured on this server: set {' and '.join(self.settings.missing)} "
                      "(see docs/operator.md, section Slack)."},
            status=HTTPStatus.SERVICE_UNAVAILABLE, headers={"X-Slack-No-Retry": "1"},
        )

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        slack_webhook = Blueprint("slack_webhook", __name__)

        @slack_webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return self._unavailable() if not self.settings.enabled else response.json({"status": "ok"})

        @slack_webhook.route("/webhook", methods=["POST"])
        async def webhook(request: Request) -> HTTPResponse:
            if not self.settings.enabled:
                return self._unavailable()
            if not self.is_request_from_slack_authentic(request):
                logger.warning("Rejected a Slack request: missing, wrong or stale signature.")
                return response.text("invalid or stale Slack signature", status=HTTPStatus.UNAUTHORIZED)
            read = _read(request)
            if read is None:
                return response.text("not a Slack event or interaction", status=HTTPStatus.BAD_REQUEST)
            kind, body = read
            if kind == "event" and body.get("type") == "url_verification":
                return response.json({"challenge": body.get("challenge", "")})
            incoming = parse_event(body) if kind == "event" else parse_action(body)
            if isinstance(incoming, Ignored):
                logger.debug("Slack request ignored: %s.", incoming.reason)
                return _ack()
            if isinstance(incoming, NotForYou):
                self._in_background(self._not_for_you(incoming))
                return _ack()
            if not self.recent.first_time(incoming.keys):
                logger.info("Slack delivery %s (retry %s, %s) already taken on; not answered again.",
                            incoming.keys[0], request.headers.get("X-Slack-Retry-Num", "-"),
                            request.headers.get("X-Slack-Retry-Reason", "-"))
                return _ack()
            self._in_background(self._answer(incoming, on_new_message))
            return _ack()

        return slack_webhook

    def _in_background(self, work: Awaitable[None]) -> None:
        task = asyncio.ensure_future(work)
        self._background_tasks.add(task)  # keep a reference until it is done
        task.add_done_callback(self._background_tasks.discard)

    async def _answer(self, incoming: Incoming,
                      on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> None:
        output = self.get_output_channel(incoming.channel, incoming.thread_ts, incoming.user)
        try:
            if incoming.update:
                await output.update_message(**incoming.update)
            if not incoming.text:
                await output.send_text_message(incoming.channel, bot_message("empty_message"))
                return
            sent = record_sent(output)
            user_message = UserMessage(incoming.text, output, incoming.conversation_id,
                                       input_channel=self.name(), metadata=incoming.metadata)
            early = await guarded_turn(lambda: on_new_message(user_message), current_agent(),
                                       incoming.text, lambda: sent)
            for reply in early:  # the turn was late and given up: the 911 message now
                await output.send_text_message(incoming.channel, reply["text"])
            if early:
                await output.send_text_message(incoming.channel, FAILED_MESSAGE)
        except Exception as error:
            logger.exception("Answering Slack conversation %s failed.", incoming.conversation_id)
            for reply in getattr(error, "emergency", []):  # a red flag: the 911 message anyway
                await output.send_text_message(incoming.channel, reply["text"])
            await output.send_text_message(incoming.channel, FAILED_MESSAGE)

    async def _not_for_you(self, click: NotForYou) -> None:
        output = self.get_output_channel(click.channel, click.thread_ts, click.user)
        logger.info("Slack click by %s on buttons for %s not taken.", click.user, click.addressee)
        await output.send_ephemeral(click.user, NOT_FOR_YOU_MESSAGE.format(addressee=click.addressee))
