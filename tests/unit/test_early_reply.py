"""A late turn: the 911 message without it when a store holds it up, else the turn is waited for."""

import asyncio

import pytest
from rasa.shared.core.domain import Domain

from bot import paths
from bot.common import deadlines
from bot.safety import early_reply

DOMAIN = Domain.load(str(paths.ROOT / "domain.yml"))
EMERGENCY_TEXT = DOMAIN.responses["utter_emergency"][0]["text"]
SELF_HARM_TEXT = DOMAIN.responses["utter_emergency_self_harm"][0]["text"]


class Agent:
    """Rasa's agent as the channels see it: ready, the real domain, the NLU's intent for a text."""

    def __init__(self, intents):
        self.intents = intents
        self.domain = DOMAIN

    def is_ready(self):
        return True

    async def parse_message(self, text):
        return {"intent": {"name": self.intents.get(text, "greet")}}


AGENT = Agent({"i cant breathe": "emergency", "i want to die": "emergency_self_harm"})


@pytest.fixture(autouse=True)
def short_deadline(monkeypatch):
    monkeypatch.setenv(deadlines.EMERGENCY_REPLY_ENV, "0.05")


def test_a_turn_stuck_before_reading_its_conversation_is_given_up_for_the_911_message():
    cancelled = []

    async def stuck_on_the_lock():
        try:
            await asyncio.sleep(3600)
        except asyncio.CancelledError:
            cancelled.append(True)
            raise

    early = asyncio.run(early_reply.guarded_turn(stuck_on_the_lock, AGENT, "i cant breathe"))
    assert early == [{"text": EMERGENCY_TEXT}] and cancelled == [True]


def test_self_harm_gets_its_own_emergency_response():
    async def stuck():
        await asyncio.sleep(3600)

    early = asyncio.run(early_reply.guarded_turn(stuck, AGENT, "i want to die"))
    assert early == [{"text": SELF_HARM_TEXT}] and "988" in SELF_HARM_TEXT


def test_a_busy_turn_that_read_its_conversation_is_waited_for():
    async def busy_but_working():
        deadlines.progress().read = True
        await asyncio.sleep(0.3)  # several times the deadline
        return "done"

    assert asyncio.run(early_reply.guarded_turn(busy_but_working, AGENT, "i cant breathe")) == []


def test_a_late_turn_without_a_red_flag_is_waited_for_and_its_error_raised():
    async def stuck_then_fails():
        await asyncio.sleep(0.3)
        raise ConnectionError("store down")

    with pytest.raises(early_reply.TurnFailed) as failed:
        asyncio.run(early_reply.guarded_turn(stuck_then_fails, AGENT, "hello"))
    assert failed.value.emergency == [] and isinstance(failed.value.__cause__, ConnectionError)


def test_a_red_flag_whose_turn_fails_at_once_still_gets_the_911_message():
    async def store_down():
        raise ConnectionError("connection refused")

    with pytest.raises(early_reply.TurnFailed) as failed:
        asyncio.run(early_reply.guarded_turn(store_down, AGENT, "i cant breathe"))
    assert failed.value.emergency == [{"text": EMERGENCY_TEXT}]


def test_no_second_911_message_when_the_channel_already_sent_it():
    async def saving_hangs():
        await asyncio.sleep(0.3)

    sent = [EMERGENCY_TEXT]
    assert asyncio.run(early_reply.guarded_turn(saving_hangs, AGENT, "i cant breathe", lambda: sent)) == []


def test_a_store_call_running_long_holds_the_turn_up():
    progress = deadlines.TurnProgress(read=True, store_call_since=100.0)
    assert not progress.held_up(now=100.1)
    assert progress.held_up(now=100.0 + deadlines.STALLED_STORE_CALL_S + 0.1)
    assert deadlines.TurnProgress().held_up(now=0.0)  # not read yet: waiting for its lock or store
