"""Turn Rasa's stored events into the messages a reviewer reads.

Each row of Rasa's ``events`` table holds one event as JSON. A user event carries
the NLU result (intent, ranking, entities with role "negated", and our
``red_flags`` dict); a bot event follows the ``action`` event of the action that
sent it (Rasa logs ActionExecuted before the action's own events), which is how a
bot message learns its action. This module is pure: rows in, messages out, so the
transcript page, the search index and the exports read conversations one way.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from bot.language.intent_names import FALLBACK_INTENTS, NLU_FALLBACK
from bot.safety.flags import EMERGENCY_INTENTS, RED_FLAGS_KEY

EMERGENCY_ACTIONS = frozenset({"utter_emergency", "utter_emergency_self_harm"})
DISCLAIMER_ACTION = "action_disclaimer"
# The screening form sets this slot when it finishes (actions/screening.py).
SCREENING_SLOT = "screening_summary"
NEGATED_ROLE = "negated"
# rasa.shared.constants.METADATA_MODEL_ID (not imported: the console does not load Rasa)
MODEL_ID_KEY = "model_id"
# Channel names Rasa writes in input_channel, mapped to what the care team calls them.
CHANNELS = {"socketio": "web", "slack": "slack", "rest": "rest", "checkedrest": "rest"}


@dataclass
class Entity:
    """An entity as the NLU found it; ``negated`` when LesEntityExtractor said so."""

    entity: str
    value: str
    text: str
    negated: bool


@dataclass
class Message:
    """One line of a transcript: what the person wrote or what the bot sent."""

    sender: str  # "user" or "bot"
    timestamp: float
    text: str
    intent: str | None = None
    confidence: float | None = None
    entities: list[Entity] = field(default_factory=list)
    red_flags: dict[str, list[str]] = field(default_factory=dict)
    action: str | None = None
    channel: str | None = None
    emergency: bool = False
    disclaimer: bool = False
    fallback: bool = False
    # Rasa's events-table id of a user message: how a correction names its turn.
    event_id: int | None = None
    # The model that parsed the message: Rasa 3.6 writes its model_id into every event's
    # metadata (DialogueStateTracker.update), so no extra bookkeeping is needed.
    model_id: str | None = None


@dataclass
class Conversation:
    """All messages of one sender id plus the slot values a filter needs."""

    sender_id: str
    messages: list[Message] = field(default_factory=list)
    slots: dict[str, Any] = field(default_factory=dict)
    answer_kinds: list[str] = field(default_factory=list)
    screening_set: bool = False
    first_ts: float | None = None
    last_ts: float | None = None
    n_events: int = 0
    max_event_id: int = 0


def channel_name(raw: str | None) -> str | None:
    """'socketio' -> 'web' etc.; our REST subclass reports Rasa's name 'rest'."""
    if not raw:
        return None
    key = raw.lower().replace("_", "").replace(".", "")
    return CHANNELS.get(key, raw.lower())


def effective_confidence(parse: dict[str, Any]) -> float | None:
    """How sure the classifier was about this message.

    FallbackClassifier replaces the intent with ``nlu_fallback`` at its own threshold,
    which hides the classifier's real score; the best non-fallback score in the
    ranking is what a reviewer wants to see ("it guessed ask_tests at 0.21").
    """
    intent = parse.get("intent") or {}
    if intent.get("name") != NLU_FALLBACK:
        value = intent.get("confidence")
        return float(value) if value is not None else None
    for candidate in parse.get("intent_ranking") or []:
        if candidate.get("name") != NLU_FALLBACK and candidate.get("confidence") is not None:
            return float(candidate["confidence"])
    value = intent.get("confidence")
    return float(value) if value is not None else None


def _entities(parse: dict[str, Any], text: str) -> list[Entity]:
    found = []
    for raw in parse.get("entities") or []:
        start, end = raw.get("start"), raw.get("end")
        span = text[start:end] if isinstance(start, int) and isinstance(end, int) else ""
        found.append(Entity(entity=str(raw.get("entity", "")), value=str(raw.get("value", "")),
                            text=span, negated=raw.get("role") == NEGATED_ROLE))
    return found


def model_of(data: dict[str, Any]) -> str | None:
    """The model_id Rasa put into an event's metadata (None for imported or older events)."""
    value = (data.get("metadata") or {}).get(MODEL_ID_KEY)
    return str(value)[:64] if value else None


def _user_message(data: dict[str, Any]) -> Message:
    parse = data.get("parse_data") or {}
    text = data.get("text") or parse.get("text") or ""
    intent = (parse.get("intent") or {}).get("name")
    flags = parse.get(RED_FLAGS_KEY) or {}
    red_flags = {k: list(flags.get(k) or []) for k in ("reported", "negated", "generic")}
    return Message(
        sender="user", timestamp=float(data.get("timestamp") or 0.0), text=text, intent=intent,
        confidence=effective_confidence(parse), entities=_entities(parse, text),
        red_flags=red_flags, channel=channel_name(data.get("input_channel")),
        emergency=intent in EMERGENCY_INTENTS or bool(red_flags["reported"]),
        fallback=intent in FALLBACK_INTENTS, model_id=model_of(data),
    )


def parse_rows(sender_id: str, rows: Iterable[tuple[int, str]]) -> Conversation:
    """Build a conversation from (event id, JSON data) rows in id order."""
    conversation = Conversation(sender_id=sender_id)
    last_action: str | None = None
    for event_id, raw in rows:
        conversation.n_events += 1
        conversation.max_event_id = max(conversation.max_event_id, int(event_id))
        try:
            data = json.loads(raw)
        except (TypeError, ValueError):
            continue
        kind = data.get("event")
        ts = data.get("timestamp")
        if isinstance(ts, (int, float)):
            conversation.first_ts = ts if conversation.first_ts is None else min(conversation.first_ts, ts)
            conversation.last_ts = ts if conversation.last_ts is None else max(conversation.last_ts, ts)
        if kind == "user":
            message = _user_message(data)
            message.event_id = int(event_id)
            conversation.messages.append(message)
            last_action = None
        elif kind == "action":
            last_action = data.get("name")
        elif kind == "bot":
            action = (data.get("metadata") or {}).get("utter_action") or last_action
            conversation.messages.append(Message(
                sender="bot", timestamp=float(ts or 0.0), text=data.get("text") or "", action=action,
                emergency=action in EMERGENCY_ACTIONS, disclaimer=action == DISCLAIMER_ACTION))
        elif kind == "slot":
            name = data.get("name")
            conversation.slots[name] = data.get("value")
            if name == SCREENING_SLOT and data.get("value") not in (None, "", [], {}):
                conversation.screening_set = True
            if name == "answer_kind" and data.get("value"):
                conversation.answer_kinds.append(str(data["value"]))
                if data["value"] == "none":
                    _mark_last_user_fallback(conversation)
    return conversation


def _mark_last_user_fallback(conversation: Conversation) -> None:
    """action_answer found nothing to say (answer_kind "none"): a fallback turn too."""
    for message in reversed(conversation.messages):
        if message.sender == "user":
            message.fallback = True
            return


def screening_completed(conversation: Conversation) -> bool:
    """The screening form set its summary slot at some point in the conversation.

    "Ever set", not "set now": a new session may reset slots, and the screening
    still happened.
    """
    return conversation.screening_set
