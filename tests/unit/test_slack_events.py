"""Which Slack requests the bot answers, where, and in which conversation."""

import pytest

from bot.server.channels.slack_events import (
    Ignored,
    Incoming,
    NotForYou,
    RecentKeys,
    parse_action,
    parse_event,
)
from bot.server.channels.slack_format import button_message

BOT = "UBOT"


def event_body(**event):
    return {"type": "event_callback", "event_id": "Ev1",
            "authorizations": [{"user_id": BOT, "is_bot": True}], "event": event}


def dm(**extra):
    return event_body(**{"type": "message", "channel_type": "im", "user": "U1", "channel": "D1",
                         "ts": "10.1", "text": "what is LES", **extra})


def mention(**extra):
    return event_body(**{"type": "app_mention", "user": "U1", "channel": "C1", "ts": "20.1",
                         "text": f"<@{BOT}> what is LES", **extra})


def test_a_dm_is_answered_in_place_in_the_dm_conversation():
    incoming = parse_event(dm())
    assert isinstance(incoming, Incoming)
    assert (incoming.text, incoming.channel, incoming.thread_ts) == ("what is LES", "D1", None)
    assert incoming.conversation_id == "U1_D1"
    assert incoming.keys == ("event:Ev1", "message:D1:10.1")


def test_a_dm_reply_in_a_thread_stays_in_that_thread():
    incoming = parse_event(dm(thread_ts="9.0"))
    assert incoming.thread_ts == "9.0" and incoming.conversation_id == "U1_D1_9.0"


def test_a_mention_starts_a_thread_on_its_own_message_and_loses_the_mention():
    incoming = parse_event(mention())
    assert incoming.text == "what is LES"
    assert incoming.thread_ts == "20.1" and incoming.conversation_id == "U1_C1_20.1"


def test_a_mention_inside_a_thread_answers_in_that_thread():
    incoming = parse_event(mention(thread_ts="19.5"))
    assert incoming.thread_ts == "19.5" and incoming.conversation_id == "U1_C1_19.5"


def test_two_people_in_one_thread_have_two_conversations():
    alice = parse_event(mention(thread_ts="19.5"))
    bob = parse_event(event_body(type="app_mention", user="U2", channel="C1", ts="21.0", thread_ts="19.5",
                                 text=f"<@{BOT}> thanks"))
    assert alice.conversation_id != bob.conversation_id


@pytest.mark.parametrize("body", [
    event_body(type="message", channel_type="channel", user="U1", channel="C1", ts="1.0", text="hi"),
    dm(subtype="message_changed"),
    dm(subtype="bot_message"),
    dm(subtype="channel_join"),
    dm(bot_id="B9"),
    dm(bot_profile={"id": "B9"}),
    event_body(type="message", channel_type="im", user=BOT, channel="D1", ts="1.0", text="an answer"),
    event_body(type="message", channel_type="im", channel="D1", ts="1.0", text="no user"),
    event_body(type="reaction_added", user="U1"),
    {"type": "event_callback"},
], ids=["channel message", "edit", "bot message", "join", "bot id", "bot profile", "our own bot user",
        "no user", "other event", "no event"])
def test_what_is_not_a_person_writing_to_the_bot_is_ignored(body):
    assert isinstance(parse_event(body), Ignored)


def test_a_shared_file_with_a_comment_is_read():
    assert parse_event(dm(subtype="file_share")).text == "what is LES"


def test_slack_escaping_and_control_characters_are_undone_and_length_capped():
    assert parse_event(dm(text="dry mouth &amp; eyes &lt;3 \x00")).text == "dry mouth & eyes <3"
    assert len(parse_event(dm(text="weak " * 5000)).text) == 4000


def test_a_mention_alone_is_empty_text():
    assert parse_event(mention(text=f"<@{BOT}>")).text == ""


def click(**container):
    thread = {"thread_ts": container["thread_ts"]} if "thread_ts" in container else {}
    return {
        "type": "block_actions", "trigger_id": "t1", "user": {"id": "U1"},
        "channel": {"id": "D1", "name": "directmessage"},
        "container": {"type": "message", "message_ts": "30.0", "channel_id": "D1", **container},
        "message": {"ts": "30.0", **thread},
        "actions": [{"type": "button", "action_id": "rasa_button_1", "value": "/ask_symptoms",
                     "action_ts": "31.0"}],
    }


def test_a_button_click_is_the_payload_in_the_conversation_of_its_message():
    top = parse_action(click())
    assert (top.text, top.conversation_id, top.thread_ts) == ("/ask_symptoms", "U1_D1", None)
    threaded = parse_action(click(thread_ts="29.0"))
    assert threaded.conversation_id == "U1_D1_29.0" and threaded.thread_ts == "29.0"
    assert top.keys == ("action:U1:t1", "click:U1:D1:30.0")


QUESTION = button_message("Do your legs or hips feel weak?", [
    {"title": "Yes", "payload": "/affirm"}, {"title": "No", "payload": "/deny"},
    {"title": "Not sure", "payload": "/unsure"}, {"title": "Skip", "payload": "/skip_question"},
], for_user="U1")


def click_on(message, index=0, user="U1", trigger="t1", **container):
    """A click on the ``index``-th button of a message the bot posted (as Slack sends it)."""
    actions = next(b for b in message["blocks"] if b["type"] == "actions")
    button = actions["elements"][index]
    return {
        "type": "block_actions", "trigger_id": trigger, "user": {"id": user},
        "channel": {"id": "D1"},
        "container": {"type": "message", "message_ts": "30.0", "channel_id": "D1", **container},
        "message": {"ts": "30.0", "text": message["text"], "blocks": message["blocks"]},
        "actions": [{**button, "block_id": actions["block_id"], "action_ts": "31.0"}],
    }


def test_a_click_replaces_the_clicked_buttons_with_the_choice():
    incoming = parse_action(click_on(QUESTION, 2))
    assert incoming.text == "/unsure"
    update = incoming.update
    assert (update["channel"], update["ts"]) == ("D1", "30.0")
    assert update["text"] == "Do your legs or hips feel weak?"
    assert [b["type"] for b in update["blocks"]] == ["section", "context"]
    assert update["blocks"][0] == QUESTION["blocks"][0]
    assert update["blocks"][1]["elements"][0]["text"] == "Chosen: *Not sure*"


def test_a_second_click_on_the_same_message_is_not_a_new_answer():
    recent = RecentKeys()
    first = parse_action(click_on(QUESTION, 0, trigger="t1"))
    double = parse_action(click_on(QUESTION, 0, trigger="t2"))
    changed_mind = parse_action(click_on(QUESTION, 1, trigger="t3"))
    assert recent.first_time(first.keys)
    assert not recent.first_time(double.keys) and not recent.first_time(changed_mind.keys)


def test_buttons_for_someone_else_in_a_thread_are_not_their_answer():
    other = parse_action(click_on(QUESTION, 0, user="U2", thread_ts="29.0"))
    assert other == NotForYou("U2", "D1", "29.0", "U1")
    unaddressed = button_message("Pick a topic", [{"title": "Tests", "payload": "/ask_tests"}])
    anyone = parse_action(click_on(unaddressed, 0, user="U2"))
    assert anyone.text == "/ask_tests" and anyone.conversation_id == "U2_D1"


def test_an_ephemeral_message_is_not_updated():
    assert parse_action(click_on(QUESTION, 0, is_ephemeral=True)).update is None


@pytest.mark.parametrize("payload", [
    {"type": "view_submission", "user": {"id": "U1"}},
    {**click(), "actions": [{"type": "button", "action_id": "link", "url": "https://medlineplus.gov"}]},
    {**click(), "actions": [{"type": "plain_text_input", "value": "x"}]},
    {**click(), "user": {}},
])
def test_clicks_that_say_nothing_are_ignored(payload):
    assert isinstance(parse_action(payload), Ignored)


def test_recent_keys_take_each_delivery_once_and_forget_after_the_ttl():
    now = [0.0]
    recent = RecentKeys(ttl_s=60, clock=lambda: now[0])
    assert recent.first_time(["event:Ev1", "message:D1:1"])
    assert not recent.first_time(["event:Ev1", "message:D1:1"])  # Slack's retry
    assert not recent.first_time(["event:Ev2", "message:D1:1"])  # same message, another event
    now[0] = 200
    assert recent.first_time(["event:Ev1"])


def test_recent_keys_are_bounded():
    recent = RecentKeys(max_keys=3)
    for i in range(10):
        recent.first_time([f"k{i}"])
    assert len(recent._seen) == 3 and not recent.first_time(["k9"]) and recent.first_time(["k0"])
