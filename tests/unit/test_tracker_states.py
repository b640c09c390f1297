"""The continued state history equals Rasa's own ``states_for_tracker_history``.

Conversations over the real domain are generated (intents with entities, slot values
that featurize, the screening form starting, running, rejecting and ending, hidden
rule turns, follow-up actions, reverts, restarts) and fed in random chunks; after each
chunk every combination of the call's arguments is compared with Rasa's function on a
fresh tracker holding the same events.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    ActionExecutionRejected,
    ActionReverted,
    ActiveLoop,
    BotUttered,
    FollowupAction,
    Restarted,
    SlotSet,
    UserUtteranceReverted,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker

from bot import paths
from bot.server.rasa_patches import tracker_states

DOMAIN = Domain.load(str(paths.ROOT / "domain.yml"))
ACTIONS = ["action_listen", "action_answer", "action_disclaimer", "action_emergency",
           "screening_form", "utter_greet", "action_restart"]
RULE_ONLY = [None, {"rule_only_slots": ["requested_slot", "sx_legs"], "rule_only_loops": ["screening_form"]}]

events = st.one_of(
    st.builds(lambda a, hide: ActionExecuted(a, hide_rule_turn=hide), st.sampled_from(ACTIONS),
              st.booleans()),
    st.builds(lambda i, ents: UserUttered("words", {"name": i, "confidence": 0.9},
                                          [{"entity": e, "value": "x", "start": 0, "end": 1} for e in ents]),
              st.sampled_from(["greet", "affirm", "deny", "ask_symptoms", "inform_symptoms"]),
              st.lists(st.sampled_from(["symptom", "red_flag", "medicine"]), max_size=2)),
    st.builds(lambda name, value: SlotSet(name, value),
              st.sampled_from(["sx_legs", "sx_arms", "requested_slot", "answer_kind"]),
              st.sampled_from(["yes", "no", "sx_arms", None])),
    st.builds(lambda f: ActiveLoop(f), st.sampled_from(["screening_form", None])),
    st.just(ActionExecutionRejected("screening_form")),
    st.just(FollowupAction("action_answer")),
    st.just(ActionReverted()), st.just(UserUtteranceReverted()), st.just(Restarted()),
    st.just(BotUttered("hello")),
)


def _fresh(history) -> DialogueStateTracker:
    tracker = DialogueStateTracker.from_events("reference", [], DOMAIN.slots)
    for event in history:
        tracker.update(event)
    return tracker


@settings(max_examples=250, deadline=None)
@given(chunks=st.lists(st.lists(events, max_size=6), max_size=10))
def test_same_as_rasa_after_every_chunk(chunks):
    tracker = DialogueStateTracker.from_events("continued", [], DOMAIN.slots)
    history = []
    for chunk in chunks:
        for event in chunk:
            tracker.update(event)
        history.extend(chunk)
        reference = _fresh(history)
        for omit in (False, True):
            for ignore in (False, True):
                for rule_only in RULE_ONLY:
                    expected = tracker_states.RASA_STATES_FOR_TRACKER_HISTORY(
                        DOMAIN, reference, omit, ignore, rule_only)
                    got = tracker_states.states_for_tracker_history(DOMAIN, tracker, omit, ignore, rule_only)
                    assert got == expected


def test_callers_may_change_what_they_get():
    tracker = _fresh([ActionExecuted("action_listen"), UserUttered("hi", {"name": "greet"}),
                      ActionExecuted("utter_greet")])
    first = tracker_states.states_for_tracker_history(DOMAIN, tracker)
    for state in first:
        for sub in state.values():
            sub.clear()
    assert tracker_states.states_for_tracker_history(DOMAIN, tracker) == \
        tracker_states.RASA_STATES_FOR_TRACKER_HISTORY(DOMAIN, tracker)


def test_installed_on_the_domain():
    tracker_states.install()
    tracker_states.install()  # idempotent
    tracker = _fresh([ActionExecuted("action_listen"), UserUttered("hi", {"name": "greet"})])
    assert tracker.past_states(DOMAIN) == tracker_states.RASA_STATES_FOR_TRACKER_HISTORY(DOMAIN, tracker)


@pytest.mark.parametrize("omit", [False, True])
def test_a_revert_replays_from_the_start(omit):
    tracker = _fresh([ActionExecuted("action_listen"), UserUttered("hi", {"name": "greet"}),
                      ActionExecuted("utter_greet")])
    tracker_states.states_for_tracker_history(DOMAIN, tracker, omit)
    tracker.update(UserUtteranceReverted())
    assert tracker_states.states_for_tracker_history(DOMAIN, tracker, omit) == \
        tracker_states.RASA_STATES_FOR_TRACKER_HISTORY(DOMAIN, _fresh(tracker.events), omit)
