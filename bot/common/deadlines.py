"""How long a turn may wait for a part, so that a hung part never delays the 911 message.

The REST channel answers only when the turn ends, so every action call after the
911 message holds it back; a hung action server used to hold it for 42 s. Three
limits keep it short (all in seconds, from the environment of the Rasa server):

- ``LES_ACTION_TIMEOUT_S`` (3): one call to the action server. After a failed or
  timed-out call the person gets the apology, and the turn's other action calls are
  not made at all (they would only wait again).
- ``LES_EMERGENCY_REPLY_S`` (1.5): an emergency turn's reply is due this long after
  the message arrived. Action calls after the 911 message get only the time left
  until ``LES_EMERGENCY_REPLY_S - EMERGENCY_MARGIN_S``; a channel whose turn is not
  done at ``LES_EMERGENCY_REPLY_S`` (the store or the lock store hangs) checks the
  message for a red flag and sends the 911 message itself (bot/safety/early_reply.py).
- ``LES_STORE_TIMEOUT_S`` (3): one call to the conversation store or the lock store
  (bot/server/store_guard.py); then the turn fails and REST answers 503.

Channels call :func:`mark_received` when a message arrives; the time, and the turn's
:class:`TurnProgress`, travel with the turn's task in context variables (the user
event's own time is the fallback).
"""

from __future__ import annotations

import contextvars
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from bot.common import settings

ACTION_TIMEOUT_ENV = "LES_ACTION_TIMEOUT_S"
EMERGENCY_REPLY_ENV = "LES_EMERGENCY_REPLY_S"
STORE_TIMEOUT_ENV = "LES_STORE_TIMEOUT_S"
DEFAULT_ACTION_TIMEOUT_S = float(settings.SETTINGS["LES_ACTION_TIMEOUT_S"].default)
DEFAULT_EMERGENCY_REPLY_S = float(settings.SETTINGS["LES_EMERGENCY_REPLY_S"].default)
DEFAULT_STORE_TIMEOUT_S = float(settings.SETTINGS["LES_STORE_TIMEOUT_S"].default)
# What an emergency turn keeps after its last action call: saving it and sending the reply.
EMERGENCY_MARGIN_S = 0.5
# A store call running longer than this when the 911 message is due counts as hung.
STALLED_STORE_CALL_S = 0.3
# The responses that are the 911 message (bot/safety/emergency_policy.py sends them first).
EMERGENCY_RESPONSES = ("utter_emergency", "utter_emergency_self_harm")

_received_at: contextvars.ContextVar[float | None] = contextvars.ContextVar("les_received_at", default=None)


@dataclass
class TurnProgress:
    """Where a turn is, as far as the stores are concerned (kept up by the store wrapper).

    A turn that is late because the server is busy is still working towards its 911
    message and is waited for; one that is late because it cannot get its conversation
    (the lock or the store hangs) or cannot save it is held up, and a channel sends the
    911 message without it.
    """

    read: bool = False  # the conversation was read: the turn got past its lock and the store
    store_call_since: float | None = None  # monotonic start of the store call in flight

    def held_up(self, now: float | None = None) -> bool:
        if not self.read:
            return True
        now = time.monotonic() if now is None else now
        return self.store_call_since is not None and now - self.store_call_since > STALLED_STORE_CALL_S


_progress: contextvars.ContextVar[TurnProgress | None] = contextvars.ContextVar("les_turn_progress",
                                                                                default=None)


def seconds(name: str, default: float, environ: Mapping[str, str] | None = None) -> float:
    """A positive number of seconds from the environment; nonsense is refused, not guessed."""
    raw = settings.value(name, environ)
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ValueError(f"{name} must be a number of seconds, not {raw!r}") from None
    if not value > 0:
        raise ValueError(f"{name} must be more than 0 seconds, not {raw!r}")
    return value


def action_timeout_s() -> float:
    return seconds(ACTION_TIMEOUT_ENV, DEFAULT_ACTION_TIMEOUT_S)


def emergency_reply_s() -> float:
    return seconds(EMERGENCY_REPLY_ENV, DEFAULT_EMERGENCY_REPLY_S)


def store_timeout_s() -> float:
    return seconds(STORE_TIMEOUT_ENV, DEFAULT_STORE_TIMEOUT_S)


def mark_received(at: float | None = None) -> contextvars.Token:
    """Remember when the message being handled arrived (wall clock); reset with the token."""
    return _received_at.set(time.time() if at is None else at)


def reset_received(token: contextvars.Token) -> None:
    _received_at.reset(token)


def track_progress() -> tuple[TurnProgress, contextvars.Token]:
    """A new TurnProgress for the turn about to start (its task inherits it); reset with the token."""
    progress = TurnProgress()
    return progress, _progress.set(progress)


def reset_progress(token: contextvars.Token) -> None:
    _progress.reset(token)


def progress() -> TurnProgress | None:
    """The progress of the turn running in this task, if its channel tracks it."""
    return _progress.get()


def _this_turn(events: Iterable[Any]) -> tuple[list[Any], Any]:
    """The events after the latest user message (newest first), and that message (or None)."""
    from rasa.shared.core.events import UserUttered

    turn: list[Any] = []
    for event in reversed(list(events)):
        if isinstance(event, UserUttered):
            return turn, event
        turn.append(event)
    return turn, None


def emergency_sent_this_turn(events: Iterable[Any]) -> bool:
    """Has the 911 message gone out since the person's latest message?"""
    from rasa.shared.core.events import BotUttered

    turn, _ = _this_turn(events)
    return any(isinstance(e, BotUttered) and (e.metadata or {}).get("utter_action") in EMERGENCY_RESPONSES
               for e in turn)


def action_budget_s(events: Iterable[Any], now: float | None = None) -> float:
    """Seconds the next action call may take: the action timeout, less in an emergency turn."""
    events = list(events)
    timeout = action_timeout_s()
    if not emergency_sent_this_turn(events):
        return timeout
    received = _received_at.get()
    if received is None:
        _, user = _this_turn(events)
        received = user.timestamp if user is not None else time.time()
    now = time.time() if now is None else now
    left = received + emergency_reply_s() - EMERGENCY_MARGIN_S - now
    return max(0.0, min(timeout, left))
