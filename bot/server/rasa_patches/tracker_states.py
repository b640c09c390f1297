"""``Domain.states_for_tracker_history`` continued from the last call instead of redone.

The rule and memoization policies describe the conversation as one state per action so
far, and Rasa rebuilds that list for every prediction by replaying every event into a
fresh tracker and describing it before each action, a cost that grows with the
conversation. Those states depend only on the events that count (``applied_events``)
up to each action, so a tracker now remembers the replay: the replayed tracker, and
for each action so far its state, its previous action and the two facts about it that
the rule-only filtering reads. When the events that count still start with the ones replayed (the same event
objects), only the new ones are replayed; otherwise the replay starts over, as Rasa's
does. The filtering that depends on the call's arguments (rule-only turns and
features) runs on every call exactly as Rasa runs it, on fresh copies of the
remembered states, so callers may change what they get. ``tests/unit/
test_tracker_states.py`` checks the result equals Rasa's own for generated
conversations.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass, field
from typing import Any, cast

from rasa.shared.core import constants
from rasa.shared.core.domain import Domain, State, SubState
from rasa.shared.core.events import ActionExecuted, Event
from rasa.shared.core.trackers import DialogueStateTracker

from bot.server import rasa_patches

RASA_STATES_FOR_TRACKER_HISTORY = inspect.unwrap(Domain.states_for_tracker_history)  # Rasa's own
_MEMO = "_les_states"


@dataclass(frozen=True)
class _Prior:
    """The replayed tracker just before an action (or at the end)."""

    state: State  # get_active_state; never handed out, only copies
    prev_action: SubState | None
    hide_rule_turn: bool
    keeps_hidden: bool  # a follow-up action or the active loop's own turn


@dataclass
class _Replay:
    domain: Domain
    replayed: list[Event]  # the events that count, replayed so far
    tracker: DialogueStateTracker  # the replayed tracker
    priors: list[_Prior] = field(default_factory=list)  # one per ActionExecuted replayed


def _prior(domain: Domain, tracker: DialogueStateTracker, hide_rule_turn: bool,
           omit_unset_slots: bool) -> _Prior:
    return _Prior(
        state=domain.get_active_state(tracker, omit_unset_slots=omit_unset_slots),
        prev_action=domain._get_prev_action_sub_state(tracker),
        hide_rule_turn=hide_rule_turn,
        keeps_hidden=bool(tracker.followup_action)
        or tracker.latest_action_name == tracker.active_loop_name,
    )


def _copy(state: State) -> State:
    return cast(State, {key: dict(sub) for key, sub in state.items()})


def _replay(domain: Domain, tracker: DialogueStateTracker, omit_unset_slots: bool) -> list[_Prior]:
    """One prior per action of the events that count, plus the end (as Rasa's generator)."""
    applied = tracker.applied_events()
    memos: dict[bool, _Replay] = tracker.__dict__.setdefault(_MEMO, {})
    replay = memos.get(omit_unset_slots)
    if (replay is None or replay.domain is not domain or len(applied) < len(replay.replayed)
            or not all(a is b for a, b in zip(replay.replayed, applied, strict=False))):
        replay = memos[omit_unset_slots] = _Replay(domain, [], tracker.init_copy())
    for event in applied[len(replay.replayed):]:
        if isinstance(event, ActionExecuted):
            replay.priors.append(_prior(domain, replay.tracker, event.hide_rule_turn, omit_unset_slots))
        replay.tracker.update(event)
    replay.replayed = applied
    return [*replay.priors, _prior(domain, replay.tracker, False, omit_unset_slots)]


def states_for_tracker_history(
    domain: Domain,
    tracker: DialogueStateTracker,
    omit_unset_slots: bool = False,
    ignore_rule_only_turns: bool = False,
    rule_only_data: dict[str, Any] | None = None,
) -> list[State]:
    """Rasa 3.6's loop over the prior trackers, reading them from the remembered replay."""
    states: list[State] = []
    last_ml_action_sub_state = None
    turn_was_hidden = False
    for prior in _replay(domain, tracker, omit_unset_slots):
        if ignore_rule_only_turns:
            if not turn_was_hidden:
                last_ml_action_sub_state = dict(prior.prev_action) if prior.prev_action else prior.prev_action
            if not prior.keeps_hidden:
                turn_was_hidden = prior.hide_rule_turn
            if turn_was_hidden:
                continue

        state = _copy(prior.state)

        if ignore_rule_only_turns:
            domain._remove_rule_only_features(state, rule_only_data)
            if states:
                domain._substitute_rule_only_user_input(state, states[-1])
            if last_ml_action_sub_state:
                state[constants.PREVIOUS_ACTION] = cast(SubState, last_ml_action_sub_state)

        states.append(domain._clean_state(state))
    return states


def install() -> None:
    """Make every domain's ``states_for_tracker_history`` continue its replay (idempotent)."""
    if rasa_patches.applied(Domain.states_for_tracker_history, "tracker_states"):
        return

    def method(self: Domain, tracker: DialogueStateTracker, omit_unset_slots: bool = False,
               ignore_rule_only_turns: bool = False,
               rule_only_data: dict[str, Any] | None = None) -> list[State]:
        return states_for_tracker_history(self, tracker, omit_unset_slots, ignore_rule_only_turns,
                                          rule_only_data)

    Domain.states_for_tracker_history = rasa_patches.mark(  # type: ignore[method-assign]
        method, RASA_STATES_FOR_TRACKER_HISTORY, "tracker_states")
