"""Faults against the real cluster: the action server down, PostgreSQL and Redis restarted
mid-load, a Rasa server killed with SIGKILL. Requests fail cleanly (a JSON 503 or the
apology), the 911 message still comes within 2 s, everything recovers, and no turn that
was answered is missing from the store. Hangs (SIGSTOP) are in test_hangs.py."""

from __future__ import annotations

import signal
import time

import pytest

from bot.server.rasa_patches import resilience
from tests.integration.test_screening import ORDER, asked
from tests.scale.load import Load, is_subsequence
from tests.scale.talk import Conversation, last_slot, stored_texts, turns_are_whole
from tests.support.checks import is_disclaimer, is_emergency, names_section

RECOVERY_S = 15
DOWN_S = 4
EMERGENCY_S = 2.0  # the 911 message, from sending the message to having it
DEGRADED_S = 5.0  # the apology (action server) or the 503 (store, lock store)


def test_action_server_down_gives_the_apology_and_keeps_911_first(cluster, store):
    cluster.actions.stop()
    try:
        talk = Conversation()
        medical = talk.say(cluster.lb_url, "what is ivig")
        assert medical.status == 200 and medical.replies == [resilience.apology_text()]
        emergency = talk.say(cluster.lb_url, "my wife is choking")
        assert emergency.status == 200 and is_emergency(emergency.replies[0])
        assert emergency.replies[1:] == [resilience.apology_text()]
        print(f"action server down: rest_911 {emergency.seconds:.2f} s, apology {medical.seconds:.2f} s")
        assert emergency.seconds <= EMERGENCY_S and medical.seconds <= DEGRADED_S
        small_talk = talk.say(cluster.lb_url, "hello")
        assert small_talk.status == 200 and small_talk.replies  # domain responses need no action server
    finally:
        cluster.actions.start()
    again = talk.say(cluster.lb_url, "what is ivig")
    assert names_section(again.replies, "Treatment") and is_disclaimer(again.replies[-1])
    users, _ = stored_texts(store(talk.sender))
    assert users == [t.text for t in talk.turns]


def _check_outage(load: Load, store, back_at: float) -> None:
    outcomes = [(start, turn) for start, turn in load.turns()]
    failed = [turn for _, turn in outcomes if turn.status != 200]
    assert failed, "the outage did not show: the test did not test anything"
    for turn in failed:  # a clean failure: a JSON 503 saying to try again, never a 500 or an empty 200
        assert turn.status == 503 and "try again" in turn.replies[-1], (turn.status, turn.replies)
    for _, turn in outcomes:
        assert turn.status != 200 or turn.replies, "an answered turn without a reply"
    late = [turn for start, turn in outcomes if start > back_at + RECOVERY_S]
    assert late and all(turn.status == 200 for turn in late), "did not recover"
    for talk in load.talks:
        users, _ = stored_texts(store(talk.sender))
        answered = [t.text for t in talk.answered]
        assert is_subsequence(answered, users), talk.sender  # nothing answered is lost
        assert set(users) <= {t.text for t in talk.turns}


@pytest.mark.parametrize("service", ["postgres", "redis"])
def test_store_restarted_mid_load_fails_cleanly_and_loses_no_answered_turn(cluster, store, service):
    part = getattr(cluster, service)
    load = Load([server.url for server in cluster.rasa]).start()
    try:
        time.sleep(4)
        # PostgreSQL: fast shutdown (open transactions rolled back); Redis: killed
        part.stop(signal.SIGINT if service == "postgres" else signal.SIGKILL)
        down_at = time.monotonic()
        try:
            emergency_talk = Conversation()
            emergency = emergency_talk.say(cluster.lb_url, "he is not breathing")
            medical = Conversation().say(cluster.lb_url, "what causes LES")
            time.sleep(max(0.0, DOWN_S - (time.monotonic() - down_at)))
        finally:
            part.start()
        back_at = time.monotonic()
        time.sleep(RECOVERY_S + 8)
    finally:
        load.stop()
    print(f"{service} down: rest_911 {emergency.seconds:.2f} s, rest_503 {medical.seconds:.2f} s")
    # the turn fails at once, and a red flag's 503 still starts with the 911 message
    assert emergency.status == 503 and emergency.retry_after and is_emergency(emergency.replies[0])
    assert emergency.seconds <= EMERGENCY_S, emergency.seconds
    assert emergency.text not in stored_texts(store(emergency_talk.sender))[0]
    assert medical.status == 503 and medical.retry_after and medical.seconds <= DEGRADED_S
    _check_outage(load, store, back_at)


def test_rasa_server_killed_and_restarted_conversations_go_on_from_the_store(cluster, store):
    first, second = cluster.rasa
    talk = Conversation()
    reply = talk.say(first.url, "/start_screening")
    for _ in range(5):
        reply = talk.say(first.url, "/affirm" if asked(reply.replies) == "sx_legs" else "/deny")
    assert asked(reply.replies) == ORDER[5]
    load = Load([cluster.lb_url]).start()
    try:
        time.sleep(3)
        first.kill()
        # the next answer goes through HAProxy to the server that is left
        reply = talk.say(cluster.lb_url, "/deny")
        assert reply.status == 200 and asked(reply.replies) == ORDER[6], reply.replies
        first.start()  # same port, same stores
        time.sleep(3)  # HAProxy sees it up again (2 checks, 1 s apart)
        urls = [first.url, second.url]
        while asked(reply.replies):
            reply = talk.say(urls[len(talk.turns) % 2], "/deny")
            assert reply.status == 200, reply.replies
    finally:
        load.stop()
    assert "summary" in " ".join(talk.turns[-1].replies)
    events = store(talk.sender)
    users, _ = stored_texts(events)
    assert users == [t.text for t in talk.turns] and turns_are_whole(events)
    assert last_slot(events, "screening_summary")["reported"] == ["sx_legs"]
    # only the requests the killed server was handling may fail: HAProxy answers 502 or
    # closes the connection (0); nothing else fails
    failed = [t for c in load.talks for t in c.turns if t.status != 200]
    assert all(t.status in (0, 502, 503) for t in failed), [(t.status, t.replies) for t in failed]
    assert len(failed) <= 2 * load.conversations, len(failed)
    for background in load.talks:
        stored_users = stored_texts(store(background.sender))[0]
        assert is_subsequence([t.text for t in background.answered], stored_users)
    served = {t.served_by for c in load.talks for t in c.turns[-10:]}
    assert "rasa1" in served or "rasa2" in served
