"""Both sides of Slack for the tests, over real HTTP.

``FakeSlackApi`` is a small Web API server the bot posts to (``SLACK_API_URL``); it
records every ``chat.postMessage`` (and applies ``chat.update`` to the message, records
``chat.postEphemeral``), rejects what Slack would reject for bad Block Kit
(``invalid_blocks``: such a message never appears), and can hold a channel's posts to
make the bot slow. ``SlackSender`` plays Slack calling the bot: signed events and
button clicks.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode

import requests

SLACK_TOKEN = "xoxb-test-token"
SLACK_SECRET = "test-signing-secret"
BOT_USER = "UBOT0LES"
BOT_ID = "BBOT0LES"
HOLD_LIMIT_S = 60


@dataclass
class Post:
    """One chat.postMessage call as the fake Slack saw it."""

    token: str
    body: dict[str, Any]
    received: float
    completed: float | None = None
    updates: int = 0  # chat.update calls applied to this message

    @property
    def channel(self) -> str:
        return self.body.get("channel", "")

    @property
    def thread_ts(self) -> str | None:
        return self.body.get("thread_ts")

    @property
    def text(self) -> str:
        return self.body.get("text") or ""

    @property
    def buttons(self) -> list[dict[str, Any]]:
        return [{**e, "block_id": b.get("block_id")} for b in self.body.get("blocks") or []
                if b.get("type") == "actions" for e in b.get("elements", [])]

    @property
    def context(self) -> list[str]:
        """The text of the message's context blocks (small grey lines)."""
        return [e.get("text", "") for b in self.body.get("blocks") or [] if b.get("type") == "context"
                for e in b.get("elements", [])]


@dataclass
class Call:
    """Any other Web API call (chat.update, chat.postEphemeral, ...) and Slack's reply."""

    method: str
    body: dict[str, Any]
    reply: dict[str, Any]

    @property
    def channel(self) -> str:
        return self.body.get("channel", "")


def _plain_text(obj: dict[str, Any] | None, limit: int) -> bool:
    return bool(obj) and obj.get("type") == "plain_text" and 0 < len(obj.get("text", "")) <= limit


def _button_ok(e: dict[str, Any]) -> bool:
    return (e.get("type") == "button" and _plain_text(e.get("text"), 75)
            and 0 < len(e.get("action_id", "")) <= 255 and len(e.get("value", "")) <= 2000
            and ("value" in e or "url" in e))


def _block_errors(block: dict[str, Any]) -> list[str]:
    kind, elements = block.get("type"), block.get("elements") or []
    if kind == "section":
        text = block.get("text") or {}
        ok = text.get("type") in ("mrkdwn", "plain_text") and 0 < len(text.get("text", "")) <= 3000
        return [] if ok else ["section text missing or over 3,000 characters"]
    if kind == "actions":
        ok = 0 < len(elements) <= 25 and all(map(_button_ok, elements))
        return [] if ok else [f"bad actions block: {block}"]
    if kind == "context":
        ok = 0 < len(elements) <= 10 and all(e.get("type") in ("mrkdwn", "plain_text") for e in elements)
        return [] if ok else [f"bad context block: {block}"]
    return [f"a block type the bot does not use: {kind}"]


def block_kit_errors(body: dict[str, Any]) -> list[str]:
    """What Slack would refuse (invalid_blocks) in a message's blocks: the limits the bot relies on."""
    blocks = body.get("blocks")
    if isinstance(blocks, str):
        blocks = json.loads(blocks)
    if not blocks:
        return [] if body.get("text") else ["no text and no blocks"]
    errors = [] if len(blocks) <= 50 else ["more than 50 blocks"]
    block_ids = [b["block_id"] for b in blocks if "block_id" in b]
    if len(set(block_ids)) < len(block_ids) or any(not 0 < len(i) <= 255 for i in block_ids):
        errors.append(f"block ids not unique or of bad length: {block_ids}")
    action_ids = [e.get("action_id") for b in blocks if b.get("type") == "actions"
                  for e in b.get("elements", [])]
    if len(set(action_ids)) < len(action_ids):
        errors.append(f"duplicate action ids: {action_ids}")
    return errors + [error for block in blocks for error in _block_errors(block)]


@dataclass
class FakeSlackApi:
    token: str
    posts: list[Post] = field(default_factory=list)
    calls: list[Call] = field(default_factory=list)
    rejected: list[tuple[dict[str, Any], list[str]]] = field(default_factory=list)
    held: dict[str, threading.Event] = field(default_factory=dict)
    changed: threading.Condition = field(default_factory=threading.Condition)
    _ts: itertools.count = field(default_factory=lambda: itertools.count(1))

    def start(self) -> FakeSlackApi:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                fake._handle(self, self.path.rsplit("/", 1)[-1], raw)

            def log_message(self, *_: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/api/"

    def stop(self) -> None:
        for event in self.held.values():
            event.set()
        self.server.shutdown()

    def _handle(self, handler: BaseHTTPRequestHandler, method: str, raw: bytes) -> None:
        token = (handler.headers.get("Authorization") or "").removeprefix("Bearer ").strip()
        if "json" in (handler.headers.get("Content-Type") or ""):
            body = json.loads(raw or b"{}")
        else:
            body = {k: v[0] for k, v in parse_qs(raw.decode()).items()}
        reply: dict[str, Any] = {"ok": True}
        if token != self.token:
            reply = {"ok": False, "error": "invalid_auth"}
        elif method in ("chat.postMessage", "chat.update") and block_kit_errors(body):
            with self.changed:
                self.rejected.append((body, block_kit_errors(body)))
            reply = {"ok": False, "error": "invalid_blocks"}
        elif method == "chat.postMessage":
            reply = self._post(token, body)
        elif method == "chat.update":
            reply = self._update(body)
        if method != "chat.postMessage":
            with self.changed:
                self.calls.append(Call(method, body, reply))
                self.changed.notify_all()
        data = json.dumps(reply).encode()
        handler.send_response(200)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(data)))
        handler.end_headers()
        handler.wfile.write(data)

    def _post(self, token: str, body: dict[str, Any]) -> dict[str, Any]:
        post = Post(token, body, time.monotonic())
        with self.changed:
            self.posts.append(post)
            self.changed.notify_all()
        gate = self.held.get(post.channel)
        if gate is not None:
            gate.wait(HOLD_LIMIT_S)
        ts = f"{int(time.time())}.{next(self._ts):06d}"
        with self.changed:
            post.completed = time.monotonic()
            body["ts"] = ts
            self.changed.notify_all()
        return {"ok": True, "channel": post.channel, "ts": ts, "message": {**body, "bot_id": BOT_ID}}

    def _update(self, body: dict[str, Any]) -> dict[str, Any]:
        with self.changed:
            post = next((p for p in self.posts if p.channel == body.get("channel")
                         and p.body.get("ts") == body.get("ts")), None)
            if post is None:
                return {"ok": False, "error": "message_not_found"}
            blocks = body.get("blocks")
            post.body["blocks"] = json.loads(blocks) if isinstance(blocks, str) else blocks
            if body.get("text"):
                post.body["text"] = body["text"]
            post.updates += 1
        return {"ok": True, "channel": post.channel, "ts": body["ts"], "text": post.text}

    # --- what the tests use ------------------------------------------------------
    def calls_in(self, channel: str, method: str) -> list[Call]:
        with self.changed:
            return [c for c in self.calls if c.channel == channel and c.method == method]

    def wait_for_call(self, channel: str, method: str, timeout: float = 30) -> list[Call]:
        """The channel's calls of ``method`` once there is one; fails after ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        with self.changed:
            while not self.calls_in(channel, method):
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"no {method} in {channel}")
                self.changed.wait(left)
            return self.calls_in(channel, method)

    def hold(self, channel: str) -> None:
        """Posts to this channel wait (the bot is slow) until ``release``."""
        self.held[channel] = threading.Event()

    def release(self, channel: str) -> None:
        self.held.pop(channel).set()

    def in_channel(self, channel: str, completed_only: bool = True) -> list[Post]:
        with self.changed:
            return [p for p in self.posts if p.channel == channel
                    and (p.completed is not None or not completed_only)]

    def wait_for(self, channel: str, done: Callable[[list[Post]], bool], timeout: float = 90,
                 completed_only: bool = True) -> list[Post]:
        """The channel's posts once ``done(posts)`` holds; fails after ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        with self.changed:
            while True:
                posts = self.in_channel(channel, completed_only)
                if done(posts):
                    return posts
                left = deadline - time.monotonic()
                if left <= 0:
                    rejected = [(b.get("text"), why) for b, why in self.rejected
                                if b.get("channel") == channel]
                    raise AssertionError(f"timed out waiting in {channel}; posts: {[p.text for p in posts]}"
                                         + (f"; rejected by Slack: {rejected}" if rejected else ""))
                self.changed.wait(left)


def sign(secret: str, timestamp: str, body: bytes) -> str:
    digest = hmac.new(secret.encode(), f"v0:{timestamp}:".encode() + body, hashlib.sha256).hexdigest()
    return f"v0={digest}"


def unique(prefix: str) -> str:
    return f"{prefix}{uuid.uuid4().hex[:10].upper()}"


def new_ts() -> str:
    return f"{time.time():.6f}"


@dataclass
class SlackSender:
    """Sends what Slack would send to the bot's request URL, signed with the app's secret."""

    webhook_url: str
    secret: str

    def send(self, body: bytes, content_type: str, *, timestamp: str | None = None,
             signature: str | None = None, sign_it: bool = True,
             headers: dict[str, str] | None = None) -> requests.Response:
        timestamp = timestamp or str(int(time.time()))
        sent = {"Content-Type": content_type, **(headers or {})}
        if sign_it:
            sent["X-Slack-Request-Timestamp"] = timestamp
            sent["X-Slack-Signature"] = signature or sign(self.secret, timestamp, body)
        return requests.post(self.webhook_url, data=body, headers=sent, timeout=20)

    @staticmethod
    def event_body(event: dict[str, Any], event_id: str | None = None) -> bytes:
        return json.dumps({
            "token": "unused-verification-token", "team_id": "T0LES", "api_app_id": "A0LES",
            "event": event, "type": "event_callback", "event_id": event_id or unique("Ev"),
            "event_time": int(time.time()),
            "authorizations": [{"team_id": "T0LES", "user_id": BOT_USER, "is_bot": True}],
        }).encode()

    def event(self, event: dict[str, Any], event_id: str | None = None, **kwargs: Any) -> requests.Response:
        return self.send(self.event_body(event, event_id), "application/json", **kwargs)

    def dm(self, user: str, channel: str, text: str, **extra: Any) -> requests.Response:
        return self.event({"type": "message", "channel_type": "im", "user": user, "channel": channel,
                           "text": text, "ts": new_ts(), **extra})

    def mention(self, user: str, channel: str, text: str, ts: str | None = None,
                thread_ts: str | None = None, **kwargs: Any) -> requests.Response:
        event = {"type": "app_mention", "user": user, "channel": channel, "ts": ts or new_ts(),
                 "text": f"<@{BOT_USER}> {text}"}
        if thread_ts:
            event["thread_ts"] = thread_ts
        return self.event(event, **kwargs)

    def click(self, user: str, post: Post, value: str) -> requests.Response:
        """A click on the button with ``value`` in a message the bot posted, as Slack sends it:
        the action (with its block's id) and the message as the person saw it."""
        button = next(b for b in post.buttons if b.get("value") == value)
        container = {"type": "message", "message_ts": post.body["ts"], "channel_id": post.channel,
                     "is_ephemeral": False}
        message = {"type": "message", "ts": post.body["ts"], "bot_id": BOT_ID, "text": post.text,
                   "blocks": post.body.get("blocks")}
        if post.thread_ts:
            container["thread_ts"] = message["thread_ts"] = post.thread_ts
        payload = {
            "type": "block_actions", "trigger_id": unique("trigger."),
            "user": {"id": user, "username": "staff", "team_id": "T0LES"},
            "team": {"id": "T0LES"}, "api_app_id": "A0LES", "container": container,
            "channel": {"id": post.channel, "name": "directmessage"}, "message": message,
            "response_url": "http://127.0.0.1:9/unused",
            "actions": [{**button, "block_id": button.get("block_id") or "b1", "action_ts": new_ts()}],
        }
        body = urlencode({"payload": json.dumps(payload)}).encode()
        return self.send(body, "application/x-www-form-urlencoded")


def slack_env(fake: FakeSlackApi) -> dict[str, str]:
    """A Rasa server's environment for the Slack channel, posting to ``fake``.

    slack_sdk sends through HTTP(S)_PROXY and ignores NO_PROXY: an empty value turns that
    off, so a CI proxy never sits between the bot and the local fake Slack.
    """
    return {"SLACK_BOT_TOKEN": SLACK_TOKEN, "SLACK_SIGNING_SECRET": SLACK_SECRET,
            "SLACK_API_URL": fake.api_url,
            **dict.fromkeys(("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy"), "")}
