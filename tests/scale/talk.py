"""Conversations driven over HTTP for the scale tests, and checks of what the store holds."""

from __future__ import annotations

import threading
import time
import uuid
from dataclasses import dataclass, field

import requests
import socketio

from tests.integration.test_screening import ORDER, asked

REST = "/webhooks/rest/webhook"


@dataclass
class Turn:
    text: str
    url: str
    status: int
    replies: list[str]  # a 503's "messages" (the 911 message first, when it has one), else its body
    served_by: str | None = None
    seconds: float = 0.0  # from sending to the whole answer
    retry_after: str | None = None


@dataclass
class Conversation:
    sender: str = field(default_factory=lambda: f"scale-{uuid.uuid4().hex[:12]}")
    turns: list[Turn] = field(default_factory=list)
    http: requests.Session = field(default_factory=requests.Session)

    def say(self, url: str, text: str, timeout: float = 90) -> Turn:
        started = time.monotonic()
        retry_after = None
        try:
            response = self.http.post(url + REST, json={"sender": self.sender, "message": text},
                                      timeout=timeout)
            status = response.status_code
            body = response.json() if response.headers.get("content-type", "").startswith(
                "application/json") else response.text
            if status == 200:
                replies = [m.get("text") or "" for m in body]
            elif isinstance(body, dict) and isinstance(body.get("messages"), list):
                replies = [m.get("text") or "" for m in body["messages"]]
            else:
                replies = [str(body)[:300]]
            served_by = response.headers.get("X-Served-By")
            retry_after = response.headers.get("Retry-After")
        except requests.RequestException as error:
            status, replies, served_by = 0, [repr(error)], None
        turn = Turn(text, url, status, replies, served_by, time.monotonic() - started, retry_after)
        self.turns.append(turn)
        return turn

    @property
    def answered(self) -> list[Turn]:
        return [t for t in self.turns if t.status == 200]


def screening(conversation: Conversation, urls: list[str], question_at: int = 4) -> list[str]:
    """A full screening, turn i sent to urls[i % len(urls)]; returns the questions asked, in order."""
    def next_url() -> str:
        return urls[len(conversation.turns) % len(urls)]

    turn = conversation.say(next_url(), "/start_screening")
    seen: list[str] = []
    for _ in range(len(ORDER) + 3):
        slot = asked(turn.replies) if turn.status == 200 else None
        if slot is None:
            break
        if not seen or seen[-1] != slot:
            seen.append(slot)
        if len(seen) == question_at and not any("IVIg" in t.text for t in conversation.turns):
            turn = conversation.say(next_url(), "what is IVIg")
            assert asked(turn.replies) == slot, turn.replies  # answered, then asked again
            continue
        turn = conversation.say(next_url(), "/affirm" if slot in ("sx_legs", "sx_dry_mouth") else "/deny")
    return seen


def stored_texts(events: list[dict]) -> tuple[list[str], list[str]]:
    """(user texts, bot texts) of a stored conversation, in order."""
    users = [e.get("text") or "" for e in events if e.get("event") == "user"]
    bots = [e.get("text") or "" for e in events if e.get("event") == "bot"]
    return users, bots


def turns_are_whole(events: list[dict]) -> bool:
    """Every user message after the first follows an action_listen: no turn ran into another."""
    last_action = "action_listen"
    for event in events:
        if event.get("event") == "user" and last_action != "action_listen":
            return False
        if event.get("event") == "action":
            last_action = event.get("name")
    return last_action == "action_listen"


def last_slot(events: list[dict], name: str):
    value = None
    for event in events:
        if event.get("event") == "slot" and event.get("name") == name:
            value = event.get("value")
    return value


class SocketClient:
    def __init__(self, url: str) -> None:
        self.client = socketio.Client(reconnection=False)
        self.received: list[str] = []
        self.event = threading.Event()
        self.confirmed: set[str] = set()
        self.confirm_event = threading.Event()
        self.client.on("bot_uttered", self._on_bot)
        self.client.on("session_confirm", self._on_confirm)
        self.client.connect(url, transports=["polling"], wait_timeout=30)

    def _on_confirm(self, session=None) -> None:
        self.confirmed.add(str(session))
        self.confirm_event.set()

    def _on_bot(self, data) -> None:
        self.received.append((data or {}).get("text") or "")
        self.event.set()

    def ask(self, session: str, message: str, timeout: float = 60, until=None) -> list[str]:
        """Send ``message`` in ``session``; the replies once ``until(replies)`` holds (default:
        the first reply)."""
        self.client.emit("session_request", {"session_id": session})  # replies go to this room
        deadline = time.monotonic() + 30
        while session not in self.confirmed:  # this session's confirmation, not a late other one
            assert time.monotonic() < deadline, "no session_confirm"
            self.confirm_event.wait(0.2)
            self.confirm_event.clear()
        self.received.clear()
        self.event.clear()
        self.client.emit("user_uttered", {"message": message, "session_id": session})
        deadline = time.monotonic() + timeout
        while True:
            assert self.event.wait(max(0.0, deadline - time.monotonic())), f"no reply to {message!r}"
            self.event.clear()
            if until is None or until(list(self.received)):
                return list(self.received)
