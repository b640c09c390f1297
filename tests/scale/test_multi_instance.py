"""Two Rasa servers sharing PostgreSQL (conversations) and Redis (locks), HAProxy in front.

Turns of the same conversation go to different servers; every conversation must stay
coherent (the screening asks its questions in order, a question in the middle is
answered and the question asked again) and complete in the store (every message and
every reply, in order, no turn running into another)."""

from __future__ import annotations

import threading
import uuid
from concurrent.futures import ThreadPoolExecutor

import requests

from tests.integration.test_screening import ORDER
from tests.scale.talk import (
    Conversation,
    SocketClient,
    last_slot,
    screening,
    stored_texts,
    turns_are_whole,
)
from tests.support.checks import is_disclaimer, is_emergency, names_section

CONVERSATIONS = 24


def check_stored(conversation: Conversation, events: list[dict]) -> None:
    users, bots = stored_texts(events)
    assert users == [t.text for t in conversation.turns], conversation.sender
    # (the REST channel sends a stored text with blank lines as several messages)
    assert "\n\n".join(bots) == "\n\n".join(r for t in conversation.turns for r in t.replies)
    assert turns_are_whole(events), conversation.sender


def run_alternating(conversation: Conversation, urls: list[str]) -> list[str]:
    first = conversation.say(urls[0], "hello")
    assert first.status == 200 and first.replies
    answer = conversation.say(urls[1], "what is lambert eaton syndrome")
    assert names_section(answer.replies, "Introduction") and is_disclaimer(answer.replies[-1])
    seen = screening(conversation, urls)
    conversation.say(urls[len(conversation.turns) % 2], "thanks")
    return seen


def test_turns_alternate_between_servers_and_every_conversation_stays_whole(cluster, store):
    urls = [server.url for server in cluster.rasa]
    conversations = [Conversation() for _ in range(CONVERSATIONS)]
    # conversation i starts on server i % 2; each next turn goes to the other server
    with ThreadPoolExecutor(CONVERSATIONS) as pool:
        orders = list(pool.map(lambda ic: run_alternating(ic[1], urls[ic[0] % 2:] + urls[:ic[0] % 2]),
                               enumerate(conversations)))
    for conversation, seen in zip(conversations, orders, strict=True):
        statuses = [(t.text, t.status) for t in conversation.turns]
        assert all(status == 200 for _, status in statuses), statuses
        assert seen == ORDER, conversation.sender
        assert "summary" in " ".join(conversation.turns[-2].replies)
        assert {t.url for t in conversation.turns} == set(urls)
        events = store(conversation.sender)
        check_stored(conversation, events)
        assert last_slot(events, "screening_summary")["reported"] == ["sx_legs", "sx_dry_mouth"]


def test_round_robin_through_haproxy_uses_both_servers(cluster, store):
    conversations = [Conversation() for _ in range(6)]

    def talk(conversation: Conversation) -> None:
        for text in ["hi", "what are the symptoms", "how is it treated", "what is ivig", "thank you"]:
            assert conversation.say(cluster.lb_url, text).status == 200

    with ThreadPoolExecutor(len(conversations)) as pool:
        list(pool.map(talk, conversations))
    served = {t.served_by for c in conversations for t in c.turns}
    assert served == {"rasa1", "rasa2"}
    for conversation in conversations:
        check_stored(conversation, store(conversation.sender))


def test_one_conversation_sent_to_both_servers_at_once_is_handled_one_turn_at_a_time(cluster, store):
    conversation = Conversation()
    lock = threading.Lock()
    urls = [server.url for server in cluster.rasa]
    texts = ["what is ivig", "how is it diagnosed", "what causes it", "is it linked to cancer",
             "what are the symptoms", "will i get better"]

    def send(url_text: tuple[str, str]) -> None:
        url, text = url_text
        reply = requests.post(url + "/webhooks/rest/webhook",
                              json={"sender": conversation.sender, "message": text}, timeout=90)
        assert reply.status_code == 200
        with lock:
            conversation.turns.append(reply)

    with ThreadPoolExecutor(2) as pool:
        for i in range(0, len(texts), 2):
            list(pool.map(send, [(urls[0], texts[i]), (urls[1], texts[i + 1])]))
    events = store(conversation.sender)
    users, _ = stored_texts(events)
    assert sorted(users) == sorted(texts)
    assert turns_are_whole(events)
    # each turn's answer directly follows its own question
    for index, event in enumerate(events):
        if event.get("event") == "user":
            following = [e for e in events[index + 1:] if e.get("event") in ("bot", "user")]
            assert following and following[0].get("event") == "bot"
            assert is_disclaimer(next(e for e in following if e.get("event") == "bot"
                                      and "This is general information" in (e.get("text") or ""))["text"])


def test_socketio_through_haproxy_sticks_to_one_server(cluster):
    """Long polling only: every poll is a new HTTP request, so without sticky sessions
    half of them would reach the server that does not know the connection."""
    sio = SocketClient(cluster.lb_url)
    received: list[str] = []
    try:
        session = uuid.uuid4().hex  # the widget's token format: 32 hex digits
        for text in ["what is ivig", "how is it treated", "my dad cant breathe", "what are the symptoms"]:
            replies = sio.ask(session, text, until=lambda r: is_disclaimer(r[-1]) or is_emergency(r[0]))
            received += replies
        assert sio.client.connected
        assert sio.client.eio.http.cookies.get_dict().get("LES_NODE") in ("rasa1", "rasa2")
    finally:
        sio.client.disconnect()
    assert any(is_emergency(r) for r in received)
