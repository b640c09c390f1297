"""Hangs against the real cluster, beside the crashes of test_faults.py: the action server,
PostgreSQL and Redis each paused with SIGSTOP (alive, connections open, nothing answered)
while six conversations keep talking to both Rasa servers, then resumed with SIGCONT.

The figures the README's "Failing safely" table gives are asserted here: the 911 message
within 2 s of the message on REST, on the widget's socket and in Slack (the fake Slack),
the apology or a 503 with Retry-After within 5 s, no answered turn lost or half-written,
everything answering again after the resume. Each test prints what it measured (``pytest
-rP`` shows it)."""

from __future__ import annotations

import time
import uuid

import pytest

from bot.server.rasa_patches import resilience
from tests.scale.load import Load, is_subsequence
from tests.scale.talk import Conversation, SocketClient, Turn, stored_texts, turns_are_whole
from tests.scale.test_faults import DEGRADED_S, EMERGENCY_S, RECOVERY_S, _check_outage
from tests.support.checks import is_disclaimer, is_emergency, names_section
from tests.support.slack_fake import SLACK_SECRET, FakeSlackApi, SlackSender, unique

HUNG_S = 8  # how long each part stays paused


def _widget_first_reply(sio: SocketClient, text: str) -> tuple[float, str]:
    started = time.monotonic()
    replies = sio.ask(uuid.uuid4().hex, text, timeout=60)
    return time.monotonic() - started, replies[0]


def _slack_posts(url: str, fake_slack: FakeSlackApi, text: str) -> tuple[float, list[str]]:
    """Seconds from a Slack DM to the bot's first post in it, and the first two posts."""
    channel = unique("D")
    started = time.monotonic()
    assert SlackSender(f"{url}/webhooks/slack/webhook", SLACK_SECRET).dm(
        unique("U"), channel, text).status_code == 200
    fake_slack.wait_for(channel, bool, timeout=60)
    first_s = time.monotonic() - started
    posts = fake_slack.wait_for(channel, lambda posts: len(posts) >= 2, timeout=60)
    return first_s, [post.text for post in posts]


def _recovered(url: str, deadline_s: float) -> Turn:
    """The first normal article answer after a resume (asked once a second until the deadline)."""
    talk = Conversation()
    deadline = time.monotonic() + deadline_s
    while True:
        turn = talk.say(url, "what is ivig")
        if (turn.status == 200 and names_section(turn.replies, "Treatment")) or time.monotonic() > deadline:
            return turn
        time.sleep(1)


def _report(part: str, **figures: float) -> None:
    print(f"{part} hung: " + ", ".join(f"{name} {value:.2f} s" for name, value in figures.items()))


def test_action_server_hung_mid_load_911_first_within_2s_apology_within_5s(cluster, store, fake_slack):
    load = Load([server.url for server in cluster.rasa]).start()
    sio = SocketClient(cluster.lb_url)
    talk = Conversation()
    try:
        time.sleep(3)
        cluster.actions.pause()
        try:
            emergency = talk.say(cluster.lb_url, "my wife is choking")
            self_harm = Conversation().say(cluster.lb_url, "i want to kill myself")
            medical = talk.say(cluster.lb_url, "what causes LES")
            widget_s, widget_first = _widget_first_reply(sio, "i cant breathe")
            slack_s, slack_posts = _slack_posts(cluster.lb_url, fake_slack, "my son is choking")
            time.sleep(HUNG_S - 4)
        finally:
            cluster.actions.resume()
        recovered_at = time.monotonic()
        again = _recovered(cluster.lb_url, RECOVERY_S)
        recovery_s = time.monotonic() - recovered_at
    finally:
        load.stop()
        sio.client.disconnect()
    _report("action server", rest_911=emergency.seconds, rest_988=self_harm.seconds, widget_911=widget_s,
            slack_911=slack_s, apology=medical.seconds, answers_again_after_resume=recovery_s)
    for turn in (emergency, self_harm):
        assert turn.status == 200 and is_emergency(turn.replies[0]), turn.replies
        assert turn.replies[1:] == [resilience.apology_text()], turn.replies  # once, and 911 named
        assert turn.seconds <= EMERGENCY_S, turn.seconds
    assert "988" in self_harm.replies[0]
    assert is_emergency(widget_first) and widget_s <= EMERGENCY_S, (widget_s, widget_first)
    assert is_emergency(slack_posts[0]) and slack_s <= EMERGENCY_S, (slack_s, slack_posts)
    assert "look up the article" in slack_posts[1], slack_posts  # the apology, not silence
    assert medical.status == 200 and medical.replies == [resilience.apology_text()]
    assert "911" in medical.replies[0] and "provider" in medical.replies[0]
    assert medical.seconds <= DEGRADED_S, medical.seconds
    assert names_section(again.replies, "Treatment") and is_disclaimer(again.replies[-1]), again.replies
    # the Rasa servers never failed a turn: every turn of the load answered, none lost
    outcomes = [turn for conversation in load.talks for turn in conversation.turns]
    assert outcomes and all(turn.status == 200 and turn.replies for turn in outcomes)
    for conversation in [*load.talks, talk]:
        events = store(conversation.sender)
        users, _ = stored_texts(events)
        assert is_subsequence([t.text for t in conversation.answered], users), conversation.sender
        assert turns_are_whole(events), conversation.sender


@pytest.mark.parametrize("service", ["postgres", "redis"])
def test_store_hung_mid_load_911_within_2s_clean_503_within_5s(cluster, store, fake_slack, service):
    part = getattr(cluster, service)
    load = Load([server.url for server in cluster.rasa]).start()
    sio = SocketClient(cluster.lb_url)
    try:
        time.sleep(4)
        part.pause()
        paused_at = time.monotonic()
        try:
            emergency_talk, self_harm_talk = Conversation(), Conversation()
            emergency = emergency_talk.say(cluster.lb_url, "he is not breathing")
            self_harm = self_harm_talk.say(cluster.lb_url, "i want to end my life")
            medical = Conversation().say(cluster.lb_url, "what causes LES")
            widget_s, widget_first = _widget_first_reply(sio, "my baby is not breathing")
            slack_s, slack_posts = _slack_posts(cluster.lb_url, fake_slack, "she collapsed, unresponsive")
            time.sleep(max(0.0, HUNG_S - (time.monotonic() - paused_at)))
        finally:
            part.resume()
        back_at = time.monotonic()
        again = _recovered(cluster.lb_url, RECOVERY_S)
        recovery_s = time.monotonic() - back_at
        time.sleep(RECOVERY_S + 3)  # the load goes on after the recovery window
    finally:
        load.stop()
        sio.client.disconnect()
    _report(service, rest_911=emergency.seconds, rest_988=self_harm.seconds, widget_911=widget_s,
            slack_911=slack_s, rest_503=medical.seconds, answers_again_after_resume=recovery_s)
    for talk, turn in ((emergency_talk, emergency), (self_harm_talk, self_harm)):
        # the turn could not be stored: a 503 (send it again) whose messages start with 911
        assert turn.status == 503 and turn.retry_after, (turn.status, turn.replies)
        assert is_emergency(turn.replies[0]) and "try again" in turn.replies[-1], turn.replies
        assert turn.seconds <= EMERGENCY_S, turn.seconds
        assert turn.text not in stored_texts(store(talk.sender))[0]  # given up, not written late
    assert "988" in self_harm.replies[0]
    assert is_emergency(widget_first) and widget_s <= EMERGENCY_S, (widget_s, widget_first)
    assert is_emergency(slack_posts[0]) and slack_s <= EMERGENCY_S, (slack_s, slack_posts)
    assert "try again" in slack_posts[1], slack_posts
    assert medical.status == 503 and medical.retry_after and "try again" in medical.replies[-1]
    assert medical.seconds <= DEGRADED_S, medical.seconds
    assert names_section(again.replies, "Treatment"), again.replies
    _check_outage(load, store, back_at)
    for conversation in load.talks:
        assert turns_are_whole(store(conversation.sender)), conversation.sender  # nothing half-written

