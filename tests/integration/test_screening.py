"""Full screening conversations over the REST channel against the real servers."""

from __future__ import annotations

import json
import sqlite3
import uuid

import pytest

from bot.screening.questions import load_questions
from tests.support.checks import is_disclaimer, is_emergency

QUESTIONS = {q.slot: q for q in load_questions()}
ORDER = [q.slot for q in load_questions()]
# The first words of each question, as the domain asks it (utter_ask_<slot>).
ASKS = {
    "sx_legs": "Do your legs or hips feel weak", "sx_arms": "Do your arms feel weak",
    "sx_improves_with_exercise": "When you start using a weak muscle",
    "sx_fatigue": "Do you tire out quickly", "sx_aching": "Do your muscles ache",
    "sx_head_drop": "Is it hard to hold your head up", "sx_eyes": "Have you noticed droopy eyelids",
    "sx_bulbar": "Do you have trouble when you speak", "sx_dry_mouth": "Is your mouth often dry",
    "sx_dizzy": "Do you feel dizzy", "sx_autonomic_other": "Some body changes are more private",
    "sx_worsening": "Are any of your symptoms new", "ctx_smoking": "Do you smoke",
    "ctx_lung_cancer": "Have you ever been told you have lung cancer",
    "ctx_autoimmune": "Do you have an autoimmune condition",
}


def asked(replies: list[str]) -> str | None:
    """Which question the bot's last message asks, if any."""
    for slot, start in ASKS.items():
        if replies and replies[-1].startswith(start):
            return slot
    return None


def slots(db, sender: str) -> dict:
    """The conversation's slot values, replayed from the tracker store's events."""
    values: dict = {}
    with sqlite3.connect(db) as conn:
        for (data,) in conn.execute(
            "select data from events where sender_id = ? and type_name = 'slot' order by id", (sender,)
        ):
            event = json.loads(data)
            values[event["name"]] = event["value"]
    return values


@pytest.fixture
def talk(ask):
    sender = f"screen-{uuid.uuid4().hex}"

    def _talk(message: str) -> list[str]:
        return ask(message, sender=sender)

    _talk.sender = sender
    return _talk


def answer_until_done(talk, replies, reply="/deny", limit=20):
    for _ in range(limit):
        if asked(replies) is None:
            return replies
        replies = talk(reply)
    raise AssertionError("the screening did not end")


def test_full_run_with_buttons_ends_in_a_summary_and_the_disclaimer(talk, stack):
    replies = talk("/start_screening")
    assert asked(replies) == "sx_legs"
    seen = []
    while asked(replies):
        seen.append(asked(replies))
        replies = talk("/affirm" if asked(replies) in ("sx_legs", "sx_dry_mouth") else "/deny")
    assert seen == ORDER
    joined = "\n".join(replies)
    assert "not a diagnosis" in replies[0]
    assert "weakness in the legs or hips" in joined and "article section *Symptoms*" in joined
    assert "From the article's section *Exams and Tests*" in joined
    assert "routine appointment" in joined
    assert is_disclaimer(replies[-1])
    assert "you have LES" not in joined and "%" not in joined
    summary = slots(stack["db"], talk.sender)["screening_summary"]
    assert summary["reported"] == ["sx_legs", "sx_dry_mouth"] and summary["urgency"] == "routine"


def test_all_no_run(talk, stack):
    replies = answer_until_done(talk, talk("check my symptoms please"), reply="no")
    assert any("did not report any of the symptoms" in r for r in replies)
    summary = slots(stack["db"], talk.sender)["screening_summary"]
    assert summary["reported"] == [] and len(summary["denied"]) == len(ORDER)


def test_one_message_answers_several_questions_and_they_are_skipped(talk, stack):
    replies = talk("my legs feel weak on the stairs and my mouth is always dry, but no double vision")
    assert asked(replies) == "sx_arms"
    values = slots(stack["db"], talk.sender)
    assert values["sx_legs"] == "yes" and values["sx_dry_mouth"] == "yes" and values["sx_eyes"] == "no"
    seen = []
    while asked(replies):
        seen.append(asked(replies))
        replies = talk("/deny")
    assert not {"sx_legs", "sx_dry_mouth", "sx_eyes"} & set(seen)
    joined = "\n".join(replies)
    assert "droopy eyelids, double or blurred vision" in joined.split("You said you do not have:")[1]


def test_emergency_in_the_middle_comes_first_and_the_screening_can_continue(talk, stack):
    talk("/start_screening")
    replies = talk("/affirm")
    assert asked(replies) == "sx_arms"
    replies = talk("wait my chest hurts really bad")
    assert is_emergency(replies[0])
    assert any("paused" in r for r in replies)
    replies = talk("/continue_screening")
    assert asked(replies) == "sx_arms"
    replies = answer_until_done(talk, replies)
    assert any("call 911" in r for r in replies if r.startswith("When to act"))
    assert slots(stack["db"], talk.sender)["screening_summary"]["urgency"] == "emergency"


def test_negated_red_flag_in_the_middle_is_an_answer(talk, stack):
    talk("/start_screening")
    for _ in range(7):
        talk("/deny")
    replies = talk("no trouble swallowing or talking")
    assert not any(is_emergency(r) for r in replies)
    assert slots(stack["db"], talk.sender)["sx_bulbar"] == "no"
    assert asked(replies) == "sx_dry_mouth"


def test_article_question_in_the_middle_then_the_same_question_again(talk):
    talk("/start_screening")
    replies = talk("what is plasmapheresis?")
    assert any("section *Treatment*" in r for r in replies)
    disclaimer_at = next(i for i, r in enumerate(replies) if is_disclaimer(r))
    assert asked(replies) == "sx_legs" and disclaimer_at == len(replies) - 2


def test_stop_in_the_middle(talk):
    talk("/start_screening")
    talk("yes")
    replies = talk("stop")
    assert "stopped the questions" in replies[-1]
    replies = talk("what are the symptoms of lems")
    assert asked(replies) is None and is_disclaimer(replies[-1])


def test_restart_forgets_the_answers(talk, stack):
    talk("/start_screening")
    talk("yes")
    talk("yes")
    replies = talk("start over")
    assert asked(replies) == "sx_legs"
    values = slots(stack["db"], talk.sender)
    assert values["sx_legs"] is None and values["sx_arms"] is None


def test_go_back_changes_the_last_answer(talk, stack):
    talk("/start_screening")
    talk("/affirm")
    replies = talk("/affirm")
    assert asked(replies) == "sx_improves_with_exercise"
    replies = talk("go back")
    assert asked(replies) == "sx_arms"
    replies = talk("/deny")
    assert asked(replies) == "sx_improves_with_exercise"
    assert slots(stack["db"], talk.sender)["sx_arms"] == "no"


def test_correction_in_own_words_overwrites_an_answer(talk, stack):
    talk("my mouth is always dry")
    assert slots(stack["db"], talk.sender)["sx_dry_mouth"] == "yes"
    talk("sorry, actually no dry mouth")
    assert slots(stack["db"], talk.sender)["sx_dry_mouth"] == "no"


def test_trouble_swallowing_makes_it_prompt(talk, stack):
    replies = talk("/start_screening")
    while asked(replies):
        replies = talk("/affirm" if asked(replies) == "sx_bulbar" else "/deny")
    assert any("contact your provider today" in r for r in replies)
    assert slots(stack["db"], talk.sender)["screening_summary"]["urgency"] == "prompt"


def test_lay_replies_not_sure_and_skip(talk, stack):
    talk("/start_screening")
    talk("yep")
    talk("nah")
    talk("dunno")
    replies = talk("skip this one")
    values = slots(stack["db"], talk.sender)
    assert [values[s] for s in ORDER[:4]] == ["yes", "no", "unsure", "skipped"]
    replies = answer_until_done(talk, replies)
    assert any(r.startswith("Not sure or skipped") for r in replies)


def test_unclear_answer_is_asked_again(talk):
    talk("/start_screening")
    replies = talk("hmm banana")
    assert any("didn't catch that" in r for r in replies) and asked(replies) == "sx_legs"


@pytest.mark.parametrize("text,must_say", [
    ("no, but right now his face is drooping and his speech is slurred", "Note the time"),
    ("yes and my son just swallowed a button battery", "1-800-222-1222"),
    ("no. i have the pills lined up for tonight", "988"),
    ("yes, the cut on my arm is bleeding heavily and won't stop", "911"),
])
def test_every_kind_of_emergency_comes_first_in_the_middle_of_the_screening(talk, text, must_say):
    talk("/start_screening")
    replies = talk(text)
    assert is_emergency(replies[0]) and must_say in replies[0]
    assert any("paused" in r for r in replies) or "988" in replies[0]
