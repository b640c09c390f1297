"""What a signed Slack request asks the bot to do: which text, from whom, answered where.

Pure functions over Slack's JSON (no HTTP, no Rasa), so each rule that decides whether
the bot speaks can be unit-tested: only people are answered, DMs in place and mentions
in their thread, one conversation per person per DM or thread, de-duplication keys, one
answer per button click. The rules and why: docs/development.md, "Channels".
"""

from __future__ import annotations

import html
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from cachetools import TTLCache
from rasa.core.channels.slack import SlackInput

from bot.server.channels.input_checks import DEFAULT_MAX_MESSAGE_CHARS, clean_text
from bot.server.channels.slack_format import addressee, answered_blocks

# Message subtypes that are still a person writing to the bot.
_PERSON_SUBTYPES = {None, "file_share", "thread_broadcast"}


@dataclass(frozen=True)
class Incoming:
    """One message (or button click) from a person, and where to answer it."""

    text: str
    user: str
    channel: str
    thread_ts: str | None  # the thread to answer in; None answers at the top level (DMs)
    keys: tuple[str, ...]  # de-duplication keys
    metadata: dict[str, Any] = field(default_factory=dict, compare=False)
    # For a click: the chat.update arguments that replace the clicked message's buttons.
    update: dict[str, Any] | None = field(default=None, compare=False)

    @property
    def conversation_id(self) -> str:
        parts = [self.user, self.channel] + ([self.thread_ts] if self.thread_ts else [])
        return "_".join(parts)


@dataclass(frozen=True)
class Ignored:
    """A request the bot acknowledges but does not answer, and why (for the log)."""

    reason: str


@dataclass(frozen=True)
class NotForYou:
    """A click on buttons the bot posted for someone else (in a shared thread)."""

    user: str
    channel: str
    thread_ts: str | None
    addressee: str


def _bot_user_ids(body: dict[str, Any]) -> set[str]:
    ids = {a.get("user_id") for a in body.get("authorizations") or [] if a.get("is_bot")}
    ids.update(body.get("authed_users") or [])
    return {i for i in ids if i}


def user_text(raw: str, bot_ids: Iterable[str]) -> str:
    """The text the NLU should read: bot mentions removed, Slack's escaping undone."""
    text = SlackInput._sanitize_user_message(raw or "", list(bot_ids))
    text = clean_text(html.unescape(text)).strip()
    return text[:DEFAULT_MAX_MESSAGE_CHARS]


def parse_event(body: dict[str, Any]) -> Incoming | Ignored:
    """The person's message in an Events API ``event_callback``, or why it is ignored."""
    event = body.get("event") or {}
    kind = event.get("type")
    if kind == "message":
        if event.get("channel_type") != "im":
            return Ignored("a channel message that does not mention the bot")
    elif kind != "app_mention":
        return Ignored(f"event type {kind!r}")
    if event.get("subtype") not in _PERSON_SUBTYPES or event.get("hidden"):
        return Ignored(f"message subtype {event.get('subtype')!r}")
    bot_ids = _bot_user_ids(body)
    user = event.get("user")
    if event.get("bot_id") or event.get("bot_profile") or not user or user in bot_ids:
        return Ignored("a message from a bot")
    channel, ts = event.get("channel"), event.get("ts")
    if not channel or not ts:
        return Ignored("no channel or timestamp")
    thread = event.get("thread_ts") or (ts if kind == "app_mention" else None)
    keys: tuple[str, ...] = (f"message:{channel}:{ts}",)
    if body.get("event_id"):
        keys = (f"event:{body['event_id']}", *keys)
    metadata = {"slack": {"user": user, "channel": channel, "thread_ts": thread,
                          "event_id": body.get("event_id"), "ts": ts}}
    return Incoming(user_text(event.get("text") or "", bot_ids), user, channel, thread, keys, metadata)


def parse_action(payload: dict[str, Any]) -> Incoming | NotForYou | Ignored:
    """A button click (``block_actions``) as the next message of its conversation."""
    if payload.get("type") != "block_actions" or not SlackInput._is_interactive_message(payload):
        return Ignored(f"interaction type {payload.get('type')!r}")
    action = payload["actions"][0]
    value = SlackInput._get_interactive_response(action)
    if value is None:
        return Ignored("a link button or an empty choice")
    user = (payload.get("user") or {}).get("id")
    container = payload.get("container") or {}
    channel = container.get("channel_id") or (payload.get("channel") or {}).get("id")
    if not user or not channel:
        return Ignored("no user or channel")
    message = payload.get("message") or {}
    # The bot only posts buttons at the top of a DM or inside a thread, so the
    # thread of the message holding the button is the conversation's thread.
    thread = container.get("thread_ts") or message.get("thread_ts")
    for_user = addressee(action.get("block_id"))
    if for_user and for_user != user:
        return NotForYou(user, channel, thread, for_user)
    message_ts = container.get("message_ts") or message.get("ts")
    key = payload.get("trigger_id") or f"{channel}:{message_ts}:{action.get('action_ts')}"
    keys = (f"action:{user}:{key}",) + ((f"click:{user}:{channel}:{message_ts}",) if message_ts else ())
    update = None
    if message_ts and message.get("blocks") and not container.get("is_ephemeral"):
        choice = str((action.get("text") or {}).get("text") or value)
        update = {"channel": channel, "ts": message_ts, "text": message.get("text") or choice,
                  "blocks": answered_blocks(message["blocks"], choice)}
    metadata = {"slack": {"user": user, "channel": channel, "thread_ts": thread,
                          "action_id": action.get("action_id")}}
    return Incoming(clean_text(str(value))[:DEFAULT_MAX_MESSAGE_CHARS], user, channel, thread,
                    keys, metadata, update)


class RecentKeys:
    """Keys of requests already taken on, remembered for an hour (a cachetools ``TTLCache``).

    Slack re-sends an event when the first delivery was not acknowledged in time
    or failed, up to three times within about five minutes, with the same
    ``event_id``. Per process and in memory: a restart forgets, which at worst
    answers a message that was in flight during the restart a second time. Past
    ``max_keys`` the least recently seen keys go first.
    """

    def __init__(self, ttl_s: float = 3600, max_keys: int = 50_000,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._seen: TTLCache[str, bool] = TTLCache(maxsize=max_keys, ttl=ttl_s, timer=clock)

    def first_time(self, keys: Iterable[str]) -> bool:
        """Record the keys; True unless any of them was seen before."""
        keys = list(keys)
        new = not any(key in self._seen for key in keys)
        for key in keys:
            self._seen[key] = True  # seen again: remembered for another ttl
        return new
