"""The 911 message for a message whose turn cannot deliver it in time.

A turn needs the lock store and the conversation store before it even reads the message.
While one of them hangs, the turn cannot send the 911 message (its own first step), and
nobody would hear anything until the store gives up. Every channel runs its turns
through :func:`guarded_turn`: a turn not done ``LES_EMERGENCY_REPLY_S`` after the
message arrived that is held up by a store (it has not read its conversation yet, or a
store call has been running for a while: ``deadlines.TurnProgress``), whose channel has
not sent the 911 message yet, is checked with :func:`emergency_reply`, which reads the
message with the same NLU as the turn (no conversation needed). For a red flag the turn
is given up (nothing of it is stored; the person is asked to send it again) and the
channel gets the emergency response the EmergencyPolicy would have sent first, to send
now.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

from bot.common import deadlines
from bot.common.deadlines import EMERGENCY_RESPONSES
from bot.safety.emergency_policy import emergency_sequence
from bot.safety.flags import EMERGENCY_INTENTS, EMERGENCY_KIND

logger = logging.getLogger(__name__)


def emergency_texts(agent: Any) -> set[str]:
    """Every text of the 911 responses in the agent's domain."""
    responses = agent.domain.responses if agent is not None and agent.domain else {}
    return {variation.get("text") for name in EMERGENCY_RESPONSES
            for variation in responses.get(name, []) if variation.get("text")}


async def emergency_reply(agent: Any, text: str) -> list[dict[str, Any]]:
    """The 911 message(s) to send now if ``text`` reports a red flag, else []."""
    if agent is None or not agent.is_ready():
        return []
    try:
        parsed = await agent.parse_message(text)
    except Exception:  # the NLU itself failing must not take the channel's answer with it
        logger.exception("could not read a message for red flags")
        return []
    intent = (parsed.get("intent") or {}).get("name")
    if intent not in EMERGENCY_INTENTS:
        return []
    variations = agent.domain.responses.get(emergency_sequence(intent, False)[0], [])
    kind = next((e.get("value") for e in parsed.get("entities") or []
                 if e.get("entity") == EMERGENCY_KIND), None)
    logger.warning("the turn is late; the emergency message (%s, %s) is sent without it", intent, kind)
    return [{"text": v["text"]} for v in pick_variation(variations, kind) if v.get("text")]


def pick_variation(variations: list[dict[str, Any]], kind: str | None) -> list[dict[str, Any]]:
    """The variation the domain would choose for this emergency kind (stroke, poisoning, ...):
    the one conditioned on it, else the unconditioned one."""
    matching = [v for v in variations
                if any(c.get("name") == EMERGENCY_KIND and c.get("value") == kind
                       for c in v.get("condition") or [])]
    plain = [v for v in variations if not v.get("condition")]
    return (matching or plain or variations)[:1]


def current_agent() -> Any:
    """The Rasa server's agent (for channels that get no request object), or None."""
    try:
        from sanic import Sanic

        return getattr(Sanic.get_app().ctx, "agent", None)
    except Exception:  # no app, or several: no early reply, the turn still runs
        return None


def record_sent(output: Any) -> list[str]:
    """The texts ``output`` sends from now on (its ``send_response`` is wrapped on the instance)."""
    sent: list[str] = []
    original = output.send_response

    async def send_response(recipient_id: str, message: dict[str, Any]) -> None:
        sent.append(message.get("text") or "")
        await original(recipient_id, message)

    output.send_response = send_response
    return sent


class TurnFailed(RuntimeError):
    """The turn failed (a store is down); ``emergency`` is the 911 message to send anyway, if any."""

    def __init__(self, emergency: list[dict[str, Any]]) -> None:
        super().__init__("the turn failed" + (" (a red flag: the 911 message is sent)" if emergency else ""))
        self.emergency = emergency


async def guarded_turn(handle: Callable[[], Awaitable[Any]], agent: Any, text: str,
                       sent: Callable[[], Iterable[str]] = list) -> list[dict[str, Any]]:
    """Run the turn ``handle()``; [] once it is done, or the 911 message(s) to send now, with
    the turn given up, if it is late, held up by a store, and ``text`` is a red flag.

    A failed turn raises TurnFailed, carrying the 911 message for a red flag: a store that
    is down fails the turn at once, before it could send it. ``sent()`` is what the channel
    has already delivered of this turn: a 911 message among it means the person has it.
    """
    received = deadlines.mark_received()  # the turn's task inherits both
    progress, tracking = deadlines.track_progress()
    try:
        turn = asyncio.ensure_future(handle())
    finally:
        deadlines.reset_progress(tracking)
        deadlines.reset_received(received)
    try:
        done, _ = await asyncio.wait({turn}, timeout=deadlines.emergency_reply_s())
        # late because it cannot read or save its conversation (not merely busy), and the
        # person does not have the 911 message yet
        if not done and progress.held_up() and not emergency_texts(agent).intersection(sent()):
            early = await emergency_reply(agent, text)
            if early and not turn.done() and progress.held_up():
                turn.cancel()
                return early
        try:
            await turn
        except Exception as error:
            sent_911 = emergency_texts(agent).intersection(sent())
            raise TurnFailed([] if sent_911 else await emergency_reply(agent, text)) from error
        return []
    except asyncio.CancelledError:
        turn.cancel()  # the channel's own task was cancelled: do not leave the turn running
        raise
