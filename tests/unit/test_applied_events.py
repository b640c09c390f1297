"""The incremental ``applied_events`` returns exactly what Rasa's own returns.

Conversations are generated from the events that change the result (form
activations, form runs, rejections, reverts, restarts, session starts) and fed to a
tracker in random chunks, asking for the applied events after each chunk, so the
incremental path, the new-form-name path and the changed-deque path all run.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from rasa.shared.core.events import (
    ActionExecuted,
    ActionExecutionRejected,
    ActionReverted,
    ActiveLoop,
    BotUttered,
    Restarted,
    SessionStarted,
    SlotSet,
    UserUtteranceReverted,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker

from bot.server.rasa_patches import applied_events

FORMS = ["screening_form", "other_form"]
ACTIONS = ["action_listen", "action_answer", "action_disclaimer", "utter_greet", *FORMS]

event_strategy = st.one_of(
    st.builds(lambda a: ActionExecuted(a), st.sampled_from(ACTIONS)),
    st.builds(lambda i: UserUttered("text", {"name": i, "confidence": 1.0}),
              st.sampled_from(["greet", "affirm", "ask_symptoms"])),
    st.builds(lambda f: ActiveLoop(f), st.sampled_from([*FORMS, None])),
    st.builds(lambda f: ActionExecutionRejected(f), st.sampled_from(FORMS)),
    st.just(ActionReverted()), st.just(UserUtteranceReverted()),
    st.just(Restarted()), st.just(SessionStarted()),
    st.builds(lambda v: SlotSet("requested_slot", v), st.sampled_from(["sx_legs", None])),
    st.just(BotUttered("hello")),
)


def _fresh(events) -> DialogueStateTracker:
    tracker = DialogueStateTracker("reference", [])
    for event in events:
        tracker.events.append(event)
    return tracker


@settings(max_examples=400, deadline=None)
@given(chunks=st.lists(st.lists(event_strategy, max_size=8), max_size=12))
def test_same_as_rasa_after_every_chunk(chunks):
    tracker = DialogueStateTracker("incremental", [])
    so_far = []
    for chunk in chunks:
        for event in chunk:
            tracker.events.append(event)
        so_far.extend(chunk)
        expected = applied_events.RASA_APPLIED_EVENTS(_fresh(so_far))
        got = applied_events.applied_events(tracker)
        assert [id(e) for e in got] == [id(e) for e in expected]
        assert applied_events.applied_events(tracker) == got  # asked twice: same answer


def test_callers_get_their_own_list():
    tracker = _fresh([ActionExecuted("action_listen"), UserUttered("hi", {"name": "greet"})])
    first = applied_events.applied_events(tracker)
    first.clear()
    assert len(applied_events.applied_events(tracker)) == 2


def test_a_replaced_event_deque_is_folded_again():
    tracker = _fresh([ActionExecuted("action_listen"), UserUttered("hi", {"name": "greet"})])
    applied_events.applied_events(tracker)
    replacement = [ActionExecuted("action_listen")]
    tracker.events = tracker._create_events(replacement)
    assert applied_events.applied_events(tracker) == replacement


def test_installed_method_is_the_incremental_one():
    applied_events.install()
    applied_events.install()  # idempotent
    tracker = _fresh([ActionExecuted("action_listen"), ActiveLoop("screening_form"),
                      ActionExecuted("screening_form"), Restarted(), ActionExecuted("action_listen")])
    assert tracker.applied_events() == applied_events.RASA_APPLIED_EVENTS(tracker)
    assert DialogueStateTracker.applied_events is not applied_events.RASA_APPLIED_EVENTS
