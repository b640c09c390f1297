"""The Slack channel against the real Rasa server and action server.

Slack's side is played by the tests: signed events and clicks go to the bot's
request URL (``SlackSender``), and the bot posts to a fake Slack Web API
(``FakeSlackApi``, a real HTTP server) that records every chat.postMessage. Each
test uses its own channel ids, so their posts never mix.

"Nothing was posted" is checked after a sentinel message in the same conversation
has been answered: Rasa handles one conversation's messages in order, so anything
the rejected or ignored request had set off would have been posted before it.
"""

from __future__ import annotations

import copy
import json
import os
import signal
import sqlite3
import time
from collections.abc import Callable
from typing import Any

import pytest
import requests
import yaml

from bot import paths
from tests.support.checks import is_disclaimer, is_emergency, names_section
from tests.support.slack_fake import (
    BOT_ID,
    BOT_USER,
    SLACK_TOKEN,
    FakeSlackApi,
    Post,
    SlackSender,
    new_ts,
    sign,
    unique,
)

WELCOME = "You're welcome"
# What a person sees on every screening question, and what each button sends to Rasa.
ANSWER_BUTTONS = [("Yes", "/affirm"), ("No", "/deny"), ("Not sure", "/unsure"), ("Skip", "/skip_question")]
PAUSE_BUTTONS = [("Continue the questions", "/continue_screening"), ("Stop", "/stop_screening")]


def question(slot: str) -> str:
    """The screening question for ``slot``, as the domain asks it."""
    domain = yaml.safe_load((paths.ROOT / "domain.yml").read_text(encoding="utf-8"))
    return domain["responses"][f"utter_ask_{slot}"][0]["text"].strip()


def answered(posts: list[Post]) -> bool:
    return bool(posts) and is_disclaimer(posts[-1].text)


def replied_welcome(posts: list[Post]) -> bool:
    return any(WELCOME in p.text for p in posts)


def user_texts(db_path, sender: str, expected: list[str], timeout: float = 30) -> list[str]:
    """The conversation's user messages in the tracker store, once they are ``expected``.

    Rasa saves the tracker after the turn's messages were sent, so it may lag the posts.
    """
    deadline = time.monotonic() + timeout
    while True:
        with sqlite3.connect(db_path) as db:
            rows = db.execute("select data from events where sender_id = ? and type_name = 'user' "
                              "order by id", (sender,)).fetchall()
        texts = [json.loads(data)["text"] for (data,) in rows]
        if texts == expected or time.monotonic() > deadline:
            return texts
        time.sleep(0.2)


def buttons_after(before: int) -> Callable[[list[Post]], bool]:
    """Done once a message with buttons was posted after the channel's first ``before`` posts."""
    return lambda posts: any(p.buttons for p in posts[before:])


def titles_and_values(post: Post) -> list[tuple[str, str]]:
    return [(b["text"]["text"], b.get("value")) for b in post.buttons]


def slot_values(db_path, sender: str, expected: dict[str, Any], timeout: float = 30) -> dict[str, Any]:
    """The conversation's slots (replayed from the tracker store) once they include ``expected``."""
    deadline = time.monotonic() + timeout
    while True:
        values: dict[str, Any] = {}
        with sqlite3.connect(db_path) as db:
            for (data,) in db.execute("select data from events where sender_id = ? and type_name = 'slot' "
                                      "order by id", (sender,)):
                event = json.loads(data)
                values[event["name"]] = event["value"]
        if expected.items() <= values.items() or time.monotonic() > deadline:
            return values
        time.sleep(0.2)


def start_screening(slack: SlackSender, fake_slack: FakeSlackApi,
                    where: str) -> tuple[str, str, str | None, Post]:
    """Starts the screening in a DM or a mention's thread: (user, channel, thread, first question)."""
    user = unique("U")
    if where == "dm":
        channel, thread = unique("D"), None
        slack.dm(user, channel, "check my symptoms")
    else:
        channel, thread = unique("C"), new_ts()
        slack.mention(user, channel, "check my symptoms", ts=thread)
    posts = fake_slack.wait_for(channel, buttons_after(0))
    return user, channel, thread, posts[-1]


def conversation_id(user: str, channel: str, thread: str | None) -> str:
    return f"{user}_{channel}" + (f"_{thread}" if thread else "")


def answered_by_click(fake_slack: FakeSlackApi, post: Post, choice: str) -> bool:
    """The clicked message now shows the choice instead of its buttons (chat.update)."""
    fake_slack.wait_for_call(post.channel, "chat.update")
    return not post.buttons and post.context == [f"Chosen: *{choice}*"] and post.updates == 1


def click_title(slack: SlackSender, user: str, post: Post, title: str) -> requests.Response:
    value = next(b["value"] for b in post.buttons if b["text"]["text"] == title)
    return slack.click(user, post, value)


def test_url_verification_gets_the_challenge(slack: SlackSender):
    body = json.dumps({"token": "x", "challenge": "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P",
                       "type": "url_verification"}).encode()
    reply = slack.send(body, "application/json")
    assert reply.status_code == 200
    assert reply.json() == {"challenge": "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"}


def test_mention_in_a_channel_is_answered_in_its_thread(slack: SlackSender, fake_slack: FakeSlackApi):
    channel, ts = unique("C"), new_ts()
    assert slack.mention(unique("U"), channel, "what are the symptoms of LES?", ts=ts).status_code == 200
    posts = fake_slack.wait_for(channel, answered)
    texts = [p.text for p in posts]
    assert names_section(texts, "Symptoms"), texts
    assert sum(map(is_disclaimer, texts)) == 1 and is_disclaimer(texts[-1])
    assert all(p.thread_ts == ts for p in posts)
    assert all(p.token == SLACK_TOKEN for p in posts)


def test_dm_is_answered_directly_not_in_a_thread(slack: SlackSender, fake_slack: FakeSlackApi):
    channel = unique("D")
    assert slack.dm(unique("U"), channel, "which tests confirm lems").status_code == 200
    posts = fake_slack.wait_for(channel, answered)
    assert names_section([p.text for p in posts], "Exams and Tests")
    assert all(p.thread_ts is None for p in posts)


def test_red_flag_gets_the_emergency_message_first(slack: SlackSender, fake_slack: FakeSlackApi):
    channel, ts = unique("C"), new_ts()
    slack.mention(unique("U"), channel, "my dad cant breathe", ts=ts)
    posts = fake_slack.wait_for(channel, answered)
    assert is_emergency(posts[0].text), [p.text for p in posts]
    assert posts[0].text.startswith("🚨 *")  # set in bold
    assert all(p.thread_ts == ts for p in posts)


def test_red_flag_reaches_slack_within_2s_while_the_action_server_hangs(
        slack: SlackSender, fake_slack: FakeSlackApi, stack: dict):
    """The 911 message is posted as soon as the turn makes it, not after the hung action calls."""
    channel = unique("D")
    actions = stack["actions"].popen
    os.kill(actions.pid, signal.SIGSTOP)
    try:
        sent_at = time.monotonic()
        assert slack.dm(unique("U"), channel, "my dad cant breathe").status_code == 200
        first = fake_slack.wait_for(channel, lambda posts: bool(posts), timeout=30)
        emergency_s = time.monotonic() - sent_at
        posts = fake_slack.wait_for(channel, lambda posts: len(posts) >= 2, timeout=30)
    finally:
        os.kill(actions.pid, signal.SIGCONT)
    print(f"action server hung: Slack 911 in {emergency_s:.2f} s")
    assert is_emergency(first[0].text) and emergency_s <= 2, (emergency_s, first[0].text)
    apology = posts[1].text  # the action calls after it gave up: the apology, naming 911 and the provider
    assert "look up the article" in apology and "911" in apology and "provider" in apology, apology


@pytest.mark.parametrize("how", ["bad signature", "stale timestamp", "missing signature"])
def test_unsigned_or_replayed_requests_are_rejected_and_not_answered(
        slack: SlackSender, fake_slack: FakeSlackApi, how: str):
    user, channel = unique("U"), unique("D")
    body = slack.event_body({"type": "message", "channel_type": "im", "user": user, "channel": channel,
                             "text": "what are the symptoms of LES?", "ts": new_ts()})
    if how == "bad signature":
        now = str(int(time.time()))
        reply = slack.send(body, "application/json", signature=sign("not-the-secret", now, body))
    elif how == "stale timestamp":
        old = str(int(time.time()) - 6 * 60)
        reply = slack.send(body, "application/json", timestamp=old, signature=sign(slack.secret, old, body))
    else:
        reply = slack.send(body, "application/json", sign_it=False)
    assert reply.status_code in (401, 403)
    slack.dm(user, channel, "thanks")
    posts = fake_slack.wait_for(channel, replied_welcome)
    assert [WELCOME in p.text for p in posts] == [True], [p.text for p in posts]


def test_a_retried_event_is_acknowledged_but_answered_once(slack: SlackSender, fake_slack: FakeSlackApi):
    user, channel, ts = unique("U"), unique("C"), new_ts()
    event = {"type": "app_mention", "user": user, "channel": channel, "ts": ts,
             "text": f"<@{BOT_USER}> how is LES treated"}
    event_id = unique("Ev")
    assert slack.event(event, event_id).status_code == 200
    for number, reason in ((1, "http_timeout"), (2, "http_error")):
        retry = slack.event(event, event_id, headers={"X-Slack-Retry-Num": str(number),
                                                      "X-Slack-Retry-Reason": reason})
        assert retry.status_code == 200
    slack.mention(user, channel, "thanks", thread_ts=ts)
    posts = fake_slack.wait_for(channel, replied_welcome)
    assert sum(is_disclaimer(p.text) for p in posts) == 1, [p.text for p in posts]
    assert names_section([p.text for p in posts], "Treatment")


def test_messages_from_bots_are_ignored(slack: SlackSender, fake_slack: FakeSlackApi):
    user, channel = unique("U"), unique("D")
    question = "what are the symptoms of LES?"
    other_bot = slack.dm("", channel, question, subtype="bot_message", bot_id="B0OTHER")
    ourselves = slack.dm(BOT_USER, channel, question, bot_id=BOT_ID)
    assert other_bot.status_code == 200 and ourselves.status_code == 200
    slack.dm(user, channel, "thanks")
    posts = fake_slack.wait_for(channel, replied_welcome)
    assert [WELCOME in p.text for p in posts] == [True], [p.text for p in posts]


@pytest.mark.parametrize("where", ["dm", "thread"])
def test_a_button_click_continues_the_conversation(slack: SlackSender, fake_slack: FakeSlackApi,
                                                   stack: dict, where: str):
    user = unique("U")
    if where == "dm":
        channel, thread = unique("D"), None
        slack.dm(user, channel, "hello")
    else:
        channel, thread = unique("C"), new_ts()
        slack.mention(user, channel, "hello", ts=thread)
    greeting = fake_slack.wait_for(channel, lambda posts: any(p.buttons for p in posts))[-1]
    assert greeting.thread_ts == thread
    assert {"/ask_symptoms", "/ask_tests"} <= {b["value"] for b in greeting.buttons}

    assert slack.click(user, greeting, "/ask_symptoms").status_code == 200
    posts = fake_slack.wait_for(channel, answered)
    assert names_section([p.text for p in posts], "Symptoms")
    assert all(p.thread_ts == thread for p in posts)
    conversation = f"{user}_{channel}" + (f"_{thread}" if thread else "")
    expected = ["hello", "/ask_symptoms"]
    assert user_texts(stack["db"], conversation, expected) == expected


def test_people_and_threads_get_their_own_conversations(slack: SlackSender, fake_slack: FakeSlackApi,
                                                        stack: dict):
    alice, bob, channel, thread = unique("U"), unique("U"), unique("C"), new_ts()
    slack.mention(alice, channel, "what is IVIg", ts=thread)
    fake_slack.wait_for(channel, answered)
    slack.mention(bob, channel, "thanks", thread_ts=thread)
    fake_slack.wait_for(channel, replied_welcome)
    assert user_texts(stack["db"], f"{alice}_{channel}_{thread}", ["what is IVIg"]) == ["what is IVIg"]
    assert user_texts(stack["db"], f"{bob}_{channel}_{thread}", ["thanks"]) == ["thanks"]


def test_a_slow_bot_is_still_acknowledged_before_it_has_answered(slack: SlackSender,
                                                                 fake_slack: FakeSlackApi):
    channel = unique("D")
    fake_slack.hold(channel)  # every post of the answer waits: the bot cannot finish
    try:
        reply = slack.dm(unique("U"), channel, "what are the symptoms of LES?")
        acked = time.monotonic()
        assert reply.status_code == 200
        assert fake_slack.in_channel(channel) == []  # nothing finished when the ack arrived
        fake_slack.wait_for(channel, bool, completed_only=False)  # the bot is busy answering
    finally:
        fake_slack.release(channel)
    posts = fake_slack.wait_for(channel, answered)
    assert acked < min(p.completed for p in posts)


def test_an_empty_mention_gets_a_hint(slack: SlackSender, fake_slack: FakeSlackApi):
    channel = unique("C")
    slack.mention(unique("U"), channel, "")
    posts = fake_slack.wait_for(channel, bool)
    assert "911" in posts[0].text and "symptoms" in posts[0].text.lower()


def test_without_slack_variables_the_channel_is_off_and_says_why(bare_rasa_url: str):
    reply = requests.post(f"{bare_rasa_url}/webhooks/slack/webhook", json={"type": "event_callback"},
                          timeout=10)
    assert reply.status_code == 503
    assert "SLACK_BOT_TOKEN" in reply.json()["error"] and "SLACK_SIGNING_SECRET" in reply.json()["error"]
    assert requests.get(f"{bare_rasa_url}/webhooks/slack/", timeout=10).status_code == 503


@pytest.mark.parametrize("where", ["dm", "thread"])
def test_a_button_click_continues_the_screening_form(slack: SlackSender, fake_slack: FakeSlackApi,
                                                     stack: dict, where: str):
    user, channel, thread, first = start_screening(slack, fake_slack, where)
    posts = fake_slack.in_channel(channel)
    assert "not a diagnosis" in posts[0].text and not posts[0].buttons  # the intro comes first
    assert first.text == question("sx_legs")
    assert titles_and_values(first) == ANSWER_BUTTONS

    before = len(posts)
    assert click_title(slack, user, first, "Yes").status_code == 200
    following = fake_slack.wait_for(channel, buttons_after(before))[before:]
    assert [p.text for p in following] == [question("sx_arms")]  # the next question, and nothing else
    assert titles_and_values(following[0]) == ANSWER_BUTTONS
    assert all(p.thread_ts == thread for p in fake_slack.in_channel(channel))
    assert answered_by_click(fake_slack, first, "Yes")  # no buttons left to answer it again
    conversation = conversation_id(user, channel, thread)
    values = slot_values(stack["db"], conversation, {"sx_legs": "yes", "requested_slot": "sx_arms"})
    assert values["sx_legs"] == "yes" and values["requested_slot"] == "sx_arms"
    assert values.get("sx_arms") is None
    assert user_texts(stack["db"], conversation, ["check my symptoms", "/affirm"]) == \
        ["check my symptoms", "/affirm"]


def test_screening_question_buttons_render_as_one_row_of_four(slack: SlackSender, fake_slack: FakeSlackApi):
    user, channel, _, first = start_screening(slack, fake_slack, "dm")
    blocks = first.body["blocks"]
    assert [b["type"] for b in blocks] == ["section", "actions"]
    assert blocks[0]["text"] == {"type": "mrkdwn", "text": question("sx_legs")}
    buttons = blocks[1]["elements"]
    assert [(b["type"], b["text"]["type"]) for b in buttons] == [("button", "plain_text")] * 4
    assert [b["text"]["text"] for b in buttons] == [title for title, _ in ANSWER_BUTTONS]
    assert len({b["action_id"] for b in buttons}) == 4  # Slack rejects duplicate action ids
    assert not any("url" in b or "style" in b for b in buttons)
    assert blocks[1]["block_id"] == f"buttons_0_for_{user}"
    assert first.text == question("sx_legs")  # notifications and screen readers read the question
    assert not [r for r in fake_slack.rejected if r[0].get("channel") == channel]  # valid Block Kit


def test_a_double_click_or_an_old_question_s_button_answers_nothing_more(
        slack: SlackSender, fake_slack: FakeSlackApi, stack: dict):
    user, channel, _, first = start_screening(slack, fake_slack, "dm")
    as_seen = copy.deepcopy(first)  # the person's Slack still shows the buttons
    before = len(fake_slack.in_channel(channel))
    click_title(slack, user, as_seen, "Yes")
    click_title(slack, user, as_seen, "Yes")  # a double click
    click_title(slack, user, as_seen, "No")  # a change of mind on the same message
    fake_slack.wait_for(channel, buttons_after(before))
    slack.dm(user, channel, "stop")  # a sentinel: anything the extra clicks set off comes before it
    posts = fake_slack.wait_for(channel, lambda ps: bool(ps) and "stopped the questions" in ps[-1].text)
    posts = posts[before:]
    assert [p.text for p in posts] == [question("sx_arms"), posts[-1].text]
    conversation = conversation_id(user, channel, None)
    assert user_texts(stack["db"], conversation, ["check my symptoms", "/affirm", "stop"]) == \
        ["check my symptoms", "/affirm", "stop"]
    values = slot_values(stack["db"], conversation, {"sx_legs": "yes"})
    assert values["sx_legs"] == "yes" and values.get("sx_arms") is None
    assert answered_by_click(fake_slack, first, "Yes")


def test_someone_else_cannot_answer_a_screening_question_in_a_thread(
        slack: SlackSender, fake_slack: FakeSlackApi, stack: dict):
    alice, channel, thread, first = start_screening(slack, fake_slack, "thread")
    bob = unique("U")
    click_title(slack, bob, first, "Yes")
    note = fake_slack.wait_for_call(channel, "chat.postEphemeral")[0].body
    assert (note["user"], note.get("thread_ts")) == (bob, thread)
    assert f"<@{alice}>" in note["text"] and "911" in note["text"]
    assert first.buttons and not fake_slack.calls_in(channel, "chat.update")  # still Alice's to answer

    before = len(fake_slack.in_channel(channel))
    click_title(slack, alice, first, "No")
    assert fake_slack.wait_for(channel, buttons_after(before))[-1].text == question("sx_arms")
    values = slot_values(stack["db"], conversation_id(alice, channel, thread), {"sx_legs": "no"})
    assert values["sx_legs"] == "no"
    assert user_texts(stack["db"], conversation_id(bob, channel, thread), [], timeout=0) == []


@pytest.mark.parametrize("where", ["dm", "thread"])
def test_an_emergency_in_the_middle_of_the_slack_screening(slack: SlackSender, fake_slack: FakeSlackApi,
                                                          stack: dict, where: str):
    user, channel, thread, first = start_screening(slack, fake_slack, where)
    before = len(fake_slack.in_channel(channel))
    click_title(slack, user, first, "Yes")
    arms = fake_slack.wait_for(channel, buttons_after(before))[-1]
    assert arms.text == question("sx_arms")

    before = len(fake_slack.in_channel(channel))
    if where == "dm":
        slack.dm(user, channel, "wait my chest hurts really bad")
    else:
        slack.mention(user, channel, "wait my chest hurts really bad", thread_ts=thread)
    posts = fake_slack.wait_for(channel, buttons_after(before))[before:]
    assert is_emergency(posts[0].text) and posts[0].text.startswith("🚨 *"), [p.text for p in posts]
    pause = posts[-1]
    assert "paused" in pause.text and titles_and_values(pause) == PAUSE_BUTTONS
    assert not any(p.buttons for p in posts[:-1])
    assert all(p.thread_ts == thread for p in posts)

    before = len(fake_slack.in_channel(channel))
    assert click_title(slack, user, pause, "Continue the questions").status_code == 200
    again = fake_slack.wait_for(channel, buttons_after(before))[-1]
    assert again.text == question("sx_arms") and titles_and_values(again) == ANSWER_BUTTONS
    values = slot_values(stack["db"], conversation_id(user, channel, thread), {"sx_legs": "yes"})
    assert values["sx_legs"] == "yes" and values.get("sx_arms") is None


def test_the_article_s_words_are_one_click_under_a_plain_answer(slack: SlackSender, fake_slack: FakeSlackApi,
                                                                 stack: dict):
    user, channel = unique("U"), unique("D")
    slack.dm(user, channel, "what drugs are used for lems")
    posts = fake_slack.wait_for(channel, answered)
    answer = posts[-2]  # the answer's last message; the disclaimer stays last
    assert "anticholinesterase drugs, such as pyridostigmine" in answer.text
    assert titles_and_values(answer) == [("Show the article's words", "/show_source")]
    assert not any(p.buttons for p in posts if p is not answer)

    before = len(posts)
    assert click_title(slack, user, answer, "Show the article's words").status_code == 200
    posts = fake_slack.wait_for(channel, lambda ps: len(ps) > before and answered(ps[before:]))[before:]
    texts = [p.text for p in posts]
    assert texts[0].startswith("Here is the last answer in the article's own words"), texts
    assert names_section(texts, "Treatment")
    assert "which on their own usually help only a little" in " ".join(texts)
    assert sum(map(is_disclaimer, texts)) == 1 and is_disclaimer(texts[-1])
    assert answered_by_click(fake_slack, answer, "Show the article's words")  # the answer's text stays
    assert "anticholinesterase drugs, such as pyridostigmine" in answer.text
    expected = ["what drugs are used for lems", "/show_source"]
    assert user_texts(stack["db"], conversation_id(user, channel, None), expected) == expected
