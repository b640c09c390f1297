"""Slack (Events API + interactivity) as a Rasa channel, configured from the environment.

    SLACK_BOT_TOKEN       the app's Bot User OAuth Token (xoxb-...)
    SLACK_SIGNING_SECRET  the app's Signing Secret (Basic Information)
    SLACK_API_URL         optional: the Web API base URL (default https://slack.com/api/),
                          for tests (a fake Slack) and egress proxies that rewrite URLs

Listed in credentials.yml as ``bot.channels.slack.LesSlackInput`` with no values: Rasa's
``${VAR}`` substitution fails on an unset variable, which would stop ``make run`` for
everyone without a Slack app. Without both variables the channel stays off and its
URLs answer 503 saying what to set.

URL (events and interactivity): ``/webhooks/slack/webhook``.

It subclasses Rasa's SlackInput for signature checking, mention stripping and reading
interactive payloads, and Rasa's SlackBot for posting (``slack_output``). The request
handler is ours, because the stock one (Rasa 3.6.21) answers a bad signature with 400,
de-duplicates nothing (it drops every retry whose reason is ``http_timeout``, even when
the first delivery never arrived, and answers other retries again), puts DM replies in
threads once threads are on, and under ``thread`` granularity makes every top-level DM
message a new conversation. This one:

1. rejects a missing or wrong signature, or a timestamp over 5 minutes away, with 401
   before parsing anything;
2. answers ``url_verification`` with the challenge;
3. acknowledges everything else at once (200) and only then lets the bot work, in a
   background task: Slack re-sends what is not acknowledged within 3 seconds;
4. takes on each event (``event_id``, message ``ts``) or click once: retries
   (``X-Slack-Retry-Num``) of something already taken on are acknowledged and dropped,
   and so is a second click by the same person on the same message;
5. on a click, first replaces the clicked message's buttons with the choice
   (chat.update), then lets the bot answer: a screening question answered by a click
   cannot be answered again from Slack, which keeps old buttons clickable forever. A
   click on buttons meant for someone else gets a note only the clicker sees;
6. posts each reply as the turn makes it (the 911 message first), and for a red flag
   whose turn is late (a hung store) posts the 911 message at ``LES_EMERGENCY_REPLY_S``
   and gives the turn up (``bot/safety/early_reply.py``); a failed turn gets a
   "try again" note with the 911 line.

Which messages are answered, where, and in which conversation: ``slack_events``.
How answers look in Slack: ``slack_format``.
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

from bot.channels.slack_events import (
    Ignored,
    Incoming,
    NotForYou,
    RecentKeys,
    parse_action,
    parse_event,
)
from bot.channels.slack_output import LesSlackBot
from bot.channels.slack_settings import SlackSettings
from bot.knowledge.messages import message as bot_message
from bot.safety.early_reply import current_agent, guarded_turn, record_sent

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
                      "(see the README, section Slack)."},
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
