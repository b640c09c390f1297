"""The conversations the console's page tests read, and helpers to find them in its pages.

For each store, the real bot takes conversations over REST and socket.io. Two that our
channels cannot produce here (a Slack one: the Slack channel would call slack.com; and
one from 100 days ago) are written through Rasa's own HTTP API
(PUT /conversations/<id>/tracker/events), so they too land in the store by Rasa's code.
Then a reviewer leaves the care team's marks on two of them. The fixture is ``console``
in tests/integration/conftest.py; the tests are tests/integration/test_console_*.py.
"""

from __future__ import annotations

import random
import re
import string
import time
import uuid

import requests
import socketio

from bot.server.channels.session_ids import conversation_id
from tests.support.review import csrf_token

# Letters only: sender ids are redacted in the console too, and a run of digits reads as an ID.
RUN = "".join(random.choices(string.ascii_lowercase, k=8))
# The widget's socket files a conversation under a hash of the browser's token.
WEB_TOKEN = uuid.uuid4().hex
SENDERS = {
    "emergency": f"em-{RUN}",
    "negated": f"neg-{RUN}",
    "diagnosis": f"dx-{RUN}",
    "weather": f"wx-{RUN}",
    "gibberish": f"gib-{RUN}",
    "pii": f"pii-{RUN}",
    "web": conversation_id(WEB_TOKEN),
    "slack": f"slack-{RUN}",
    "old": f"old-{RUN}",
}
PII_MESSAGE = ("my name is John Smith, email john.smith@example.com, phone 555-123-4567, "
               "I live at 42 Elm Street, MRN 12345678, born 03/14/1961. what is ivig")
PII_STRINGS = ["John Smith", "john.smith@example.com", "555-123-4567", "42 Elm Street", "12345678",
               "03/14/1961"]
OLD_TS = time.time() - 100 * 86400
LIMITED_USER = ("limited", "paper-river-cloud-77")  # for the login rate limit only


def say(bot_url: str, sender: str, text: str) -> list[dict]:
    response = requests.post(f"{bot_url}/webhooks/rest/webhook", json={"sender": sender, "message": text},
                             timeout=60)
    response.raise_for_status()
    return response.json()


def say_socketio(bot_url: str, token: str, texts: list[str]) -> list[str]:
    """The web widget's path: socket.io with the browser's session token."""
    client = socketio.Client()
    replies: list[str] = []
    client.on("bot_uttered", lambda data: replies.append(data.get("text", "")))
    client.connect(bot_url, transports=["polling"], socketio_path="/socket.io")
    try:
        client.emit("session_request", {"session_id": token})
        time.sleep(0.5)
        for text in texts:
            before = len(replies)
            client.emit("user_uttered", {"message": text, "session_id": token})
            deadline = time.monotonic() + 60
            while len(replies) == before and time.monotonic() < deadline:
                time.sleep(0.2)
            time.sleep(1.0)
    finally:
        client.disconnect()
    return replies


def imported(bot_url: str, sender: str, events: list[dict]) -> None:
    """Events written into the store by Rasa's HTTP API (the bot runs with --enable-api)."""
    response = requests.put(f"{bot_url}/conversations/{sender}/tracker/events", json=events, timeout=60)
    assert response.status_code == 200, response.text


def user_event(text: str, ts: float, channel: str, intent: str, confidence: float) -> dict:
    return {"event": "user", "timestamp": ts, "text": text, "input_channel": channel,
            "parse_data": {"text": text, "intent": {"name": intent, "confidence": confidence},
                           "intent_ranking": [{"name": intent, "confidence": confidence}], "entities": [],
                           "red_flags": {"reported": [], "negated": [], "generic": []}}}


def answered_long_ago(ts: float, text: str = "what is lems") -> list[dict]:
    """A one-question REST conversation at ``ts``."""
    return [
        {"event": "action", "name": "action_session_start", "timestamp": ts},
        {"event": "session_started", "timestamp": ts},
        user_event(text, ts + 1, "rest", "ask_what_is", 0.88),
        {"event": "action", "name": "action_answer", "timestamp": ts + 2},
        {"event": "bot", "text": "From the article's section *Introduction*: ...", "timestamp": ts + 2},
    ]


def talk(bot_url: str) -> None:
    """Every conversation in SENDERS, through the bot."""
    say(bot_url, SENDERS["emergency"], "i cant breathe")
    say(bot_url, SENDERS["negated"], "no trouble breathing, what are the symptoms of lems")
    say(bot_url, SENDERS["diagnosis"], "do i have LES?")
    say(bot_url, SENDERS["weather"], "what's the weather in denver")
    say(bot_url, SENDERS["gibberish"], "asdfgh jkl")
    say(bot_url, SENDERS["pii"], PII_MESSAGE)
    assert say_socketio(bot_url, WEB_TOKEN, ["hello", "what are the symptoms of lems"])
    now = time.time()
    imported(bot_url, SENDERS["slack"], [
        {"event": "action", "name": "action_session_start", "timestamp": now - 5},
        {"event": "session_started", "timestamp": now - 5},
        user_event("my legs are weak going up stairs", now - 4, "slack", "ask_symptoms", 0.91),
        {"event": "action", "name": "action_answer", "timestamp": now - 3},
        {"event": "bot", "text": "From the article's section *Symptoms*: ...", "timestamp": now - 3},
        {"event": "slot", "name": "sx_legs", "value": "yes", "timestamp": now - 2},
        {"event": "slot", "name": "sx_eyes", "value": "no", "timestamp": now - 2},
        {"event": "slot", "name": "screening_summary", "timestamp": now - 2, "value": {
            "reported": ["sx_legs"], "denied": ["sx_eyes"], "unsure": [], "skipped": [], "context": [],
            "urgency": "prompt"}},
    ])
    imported(bot_url, SENDERS["old"], answered_long_ago(OLD_TS))


def ids(console: dict) -> dict[str, int]:
    """Index row id per test sender, read from the console's list (all on one page)."""
    page = console["admin"].get(f"{console['url']}/?per_page=100", timeout=30).text
    found = dict(re.findall(r'data-sender="([^"]+)">\s*<td><a href="/conversations/(\d+)', page))
    return {name: int(found[sender]) for name, sender in SENDERS.items() if sender in found}


def listed(session: requests.Session, console: dict, query: str) -> set[str]:
    """Names of the test conversations a filtered list shows (following every page)."""
    names = {v: k for k, v in SENDERS.items()}
    shown: set[str] = set()
    page = 1
    while True:
        response = session.get(f"{console['url']}/?{query}&per_page=5&page={page}", timeout=30)
        assert response.status_code == 200
        shown |= {names[s] for s in re.findall(r'data-sender="([^"]+)"', response.text) if s in names}
        if 'rel="next"' not in response.text:
            return shown
        page += 1


def post_review(session: requests.Session, console: dict, conversation: int, path: str,
                **data: str) -> requests.Response:
    """A reviewer's form on a transcript: tags, status or notes."""
    url = console["url"]
    token = csrf_token(session.get(f"{url}/conversations/{conversation}", timeout=10).text)
    return session.post(f"{url}/conversations/{conversation}/{path}", data={"csrf_token": token, **data},
                        timeout=10)


def care_team_marks(console: dict) -> None:
    """What the list, export and retention tests expect a reviewer to have left: the
    emergency tagged "Call back", reviewed, needing follow-up, with a note."""
    reviewer, emergency = console["reviewer"], ids(console)["emergency"]
    marks = (("tags", {"tag": "Call back"}), ("status", {"reviewed": "yes"}),
             ("status", {"follow_up": "yes"}), ("notes", {"text": "Called the patient, she is fine."}))
    for path, data in marks:
        assert post_review(reviewer, console, emergency, path, **data).status_code == 200
