"""The widget's channels over the wire: what a socket.io client that is not our widget
can and cannot do, and the assets the Rasa server serves.

Uses python-socketio's own client (the version pinned for Rasa) against the real
Rasa and action servers.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import secrets
import sqlite3
import time

import pytest
import requests
import socketio

from bot.server.channels.session_ids import conversation_id
from tests.support.checks import is_disclaimer

QUIET_S = 3  # how long "no reply" is watched for


class Client:
    """One socket.io connection, recording what the server sends it."""

    def __init__(self, url: str, origin: str | None = None) -> None:
        self.url, self.origin = url, origin
        self.sio = socketio.AsyncClient(reconnection=False)
        self.events: list[tuple[str, object]] = []
        for name in ("session_confirm", "session_rejected", "bot_uttered"):
            self.sio.on(name, lambda data, name=name: self.events.append((name, data)))

    async def __aenter__(self) -> Client:
        headers = {"Origin": self.origin} if self.origin else {}
        await self.sio.connect(self.url, transports=["websocket"], headers=headers, wait_timeout=10)
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.sio.disconnect()

    async def open(self, token: object) -> str:
        """Sends session_request and returns the answer's event name."""
        await self.sio.emit("session_request", {"session_id": token})
        await self.until(lambda: any(e in ("session_confirm", "session_rejected") for e, _ in self.events))
        return self.events[-1][0]

    async def say(self, text: str, **extra: object) -> None:
        await self.sio.emit("user_uttered", {"message": text, **extra})

    def texts(self) -> list[str]:
        return [data.get("text", "") for name, data in self.events if name == "bot_uttered"]

    async def until(self, condition, timeout: float = 60) -> None:
        for _ in range(int(timeout * 10)):
            if condition():
                return
            await asyncio.sleep(0.1)
        raise AssertionError(f"timed out; events: {self.events}")


def run(coroutine):
    """asyncio.run in a thread of its own: while the browser tests' session lasts,
    Playwright's sync API keeps an event loop running in the main thread."""
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def token() -> str:
    return secrets.token_hex(16)


MADE_UP_IDS = [None, "", "default", "abc123", token().upper(), token() + "0", token()[:-1],
               "web-" + token(), 12345, {"id": token()}]


def test_session_ids_the_widget_would_not_make_are_refused(bot_url):
    async def claim(claimed: object) -> tuple[str, list[str]]:
        async with Client(bot_url) as client:
            answer = await client.open(claimed)
            await client.say("what is ivig", session_id=claimed)  # not heard: no session
            await asyncio.sleep(QUIET_S)
            return answer, client.texts()

    async def scenario():
        return await asyncio.gather(*(claim(claimed) for claimed in MADE_UP_IDS))

    for claimed, (answer, texts) in zip(MADE_UP_IDS, run(scenario()), strict=True):
        assert (answer, texts) == ("session_rejected", []), claimed


def test_a_socket_speaks_only_in_the_conversation_it_opened(bot_url, stack):
    mine, theirs = token(), token()

    async def scenario():
        async with Client(bot_url) as victim, Client(bot_url) as intruder:
            await victim.open(theirs)
            await intruder.open(mine)
            # The intruder names the victim's token in the message: it is ignored.
            await intruder.say("what is ivig", session_id=theirs)
            await intruder.until(lambda: any(is_disclaimer(t) for t in intruder.texts()))
            await asyncio.sleep(1)
            assert victim.texts() == []
    run(scenario())

    def user_turns(token: str) -> int:
        with sqlite3.connect(stack["db"]) as db:
            return db.execute("select count(*) from events where sender_id = ? and type_name = 'user'",
                              (conversation_id(token),)).fetchone()[0]

    for _ in range(50):  # Rasa saves the tracker just after the turn's last message
        if user_turns(mine):
            break
        time.sleep(0.2)
    assert (user_turns(mine), user_turns(theirs)) == (1, 0)


def test_two_tabs_with_the_same_token_share_the_replies(bot_url):
    shared = token()

    async def scenario():
        async with Client(bot_url) as tab1, Client(bot_url) as tab2:
            await tab1.open(shared)
            await tab2.open(shared)
            await tab1.say("what is ivig")
            await tab2.until(lambda: any(is_disclaimer(t) for t in tab2.texts()))
    run(scenario())


def test_a_page_from_another_origin_cannot_connect(bot_url):
    async def scenario():
        with pytest.raises(socketio.exceptions.ConnectionError):
            async with Client(bot_url, origin="https://evil.example"):
                pass
        async with Client(bot_url, origin=bot_url) as same_origin:
            assert await same_origin.open(token()) == "session_confirm"
    run(scenario())


def test_empty_and_huge_messages_are_handled_like_rest(bot_url):
    async def scenario():
        async with Client(bot_url) as client:
            await client.open(token())
            await client.say("  \x00 ")
            await client.until(lambda: any("didn't get any text" in t for t in client.texts()))
            await client.say("my legs are weak. " * 6000)  # about 100 kB
            await client.until(lambda: any("very long" in t for t in client.texts()))
            await client.say("what is ivig")
            await client.until(lambda: any("immunoglobulin" in t for t in client.texts()))
    run(scenario())


def test_rest_cannot_write_into_a_widget_conversation(bot_url):
    sender = conversation_id(token())
    response = requests.post(f"{bot_url}/webhooks/rest/webhook",
                             json={"sender": sender, "message": "hi"}, timeout=30)
    assert response.status_code == 400 and "web widget" in response.json()["error"]


@pytest.mark.parametrize("path,status,kind", [
    ("/widget/", 200, "text/html"),
    ("/widget", 200, "text/html"),
    ("/widget/les-widget.js", 200, "text/javascript"),
    ("/widget/demo.css", 200, "text/css"),
    ("/widget/missing.js", 404, "text/plain"),
    ("/widget/%2e%2e%2fcredentials.yml", 404, None),
])
def test_widget_assets(bot_url, path, status, kind):
    response = requests.get(f"{bot_url}{path}", timeout=10)
    assert response.status_code == status
    if kind:
        assert response.headers["Content-Type"].startswith(kind)
    if kind == "text/html":
        assert "default-src 'none'" in response.headers["Content-Security-Policy"]
        assert 'src="/widget/les-widget.js"' in response.text


def test_a_socket_sending_too_fast_is_told_to_wait_once_and_others_go_on(bot_url):
    async def scenario():
        async with Client(bot_url) as fast, Client(bot_url) as other:
            await fast.open(token())
            for _ in range(60):  # the limit in credentials.yml: 60 per minute
                await fast.say(" ")
            await fast.until(lambda: len(fast.texts()) == 60)
            assert all("didn't get any text" in t for t in fast.texts())
            await fast.say("what is ivig")
            await fast.until(lambda: len(fast.texts()) == 61)
            assert "faster than I can read" in fast.texts()[-1] and "911" in fast.texts()[-1]
            await fast.say("what is ivig")
            await asyncio.sleep(QUIET_S)
            assert len(fast.texts()) == 61  # still over the limit: not handled, told once already
            await fast.sio.emit("session_request", {"session_id": token()})  # same socket, new conversation
            await fast.until(lambda: [e for e, _ in fast.events].count("session_confirm") == 2)
            await fast.say("what is ivig")
            await fast.until(lambda: len(fast.texts()) == 62)
            assert "faster than I can read" in fast.texts()[-1]  # the socket is still over its limit
            await other.open(token())
            await other.say("what is ivig")
            await other.until(lambda: any("immunoglobulin" in t for t in other.texts()))
    run(scenario())
