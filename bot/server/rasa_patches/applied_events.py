"""``DialogueStateTracker.applied_events`` extended as events arrive instead of redone.

Rasa computes the events that still count (reverted turns and repeated form runs
taken out) by folding over *every* event of the conversation, and the policies ask
for them many times per message, a cost that grows with the conversation. The fold's
only look ahead is the set of form (loop) names activated anywhere in the
conversation; everything else depends on the events so far. So a tracker remembers
where its last fold ended, and while new events only append to the same event deque
and activate no new form name, the fold goes on from there. Anything else (a
different or shortened deque, a changed event, a new form name) folds from the start,
exactly as Rasa does. The result is a fresh list each call, as before;
``tests/unit/test_applied_events.py`` checks it equals Rasa's own on generated
conversations.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import islice
from typing import Any

from rasa.shared.core.events import (
    ActionExecuted,
    ActionReverted,
    ActiveLoop,
    Event,
    Restarted,
    SessionStarted,
    UserUtteranceReverted,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker

from bot.server import rasa_patches

_MEMO = "_les_applied"
RASA_APPLIED_EVENTS = inspect.unwrap(DialogueStateTracker.applied_events)  # Rasa's own, for comparison


@dataclass
class _Fold:
    events: Any  # the event deque folded
    count: int  # how many of its first events
    last_event: Event | None
    loop_names: frozenset[str]
    applied: list[Event]


def _loop_names(events: Iterable[Event]) -> set[str]:
    return {event.name for event in events if isinstance(event, ActiveLoop) and event.name}


def _fold(tracker: DialogueStateTracker, events: Iterable[Event], loop_names: frozenset[str],
          applied: list[Event]) -> list[Event]:
    """Rasa 3.6's loop body of ``applied_events``, unchanged, over ``events``."""
    for event in events:
        if isinstance(event, (Restarted, SessionStarted)):
            applied = []
        elif isinstance(event, ActionReverted):
            tracker._undo_till_previous(ActionExecuted, applied)
        elif isinstance(event, UserUtteranceReverted):
            tracker._undo_till_previous(UserUttered, applied)
            tracker._undo_till_previous(ActionExecuted, applied)
        elif (
            isinstance(event, ActionExecuted)
            and event.action_name in loop_names
            and not tracker._first_loop_execution_or_unhappy_path(event.action_name, applied)
        ):
            tracker._undo_till_previous_loop_execution(event.action_name, applied)
        else:
            applied.append(event)
    return applied


def _usable(memo: _Fold | None, events: Any) -> bool:
    if memo is None or memo.events is not events or len(events) < memo.count:
        return False
    return memo.count == 0 or events[memo.count - 1] is memo.last_event


def applied_events(tracker: DialogueStateTracker) -> list[Event]:
    """The same list Rasa's ``applied_events`` returns, continuing the last fold if it can."""
    events = tracker.events
    memo: _Fold | None = tracker.__dict__.get(_MEMO)
    if memo is not None and _usable(memo, events):
        new = list(islice(events, memo.count, None))
        if not new:
            return list(memo.applied)
        if _loop_names(new) <= memo.loop_names:
            applied = _fold(tracker, new, memo.loop_names, list(memo.applied))
            return _remember(tracker, events, memo.loop_names, applied)
    loop_names = frozenset(_loop_names(events))
    return _remember(tracker, events, loop_names, _fold(tracker, events, loop_names, []))


def _remember(tracker: DialogueStateTracker, events: Any, loop_names: frozenset[str],
              applied: list[Event]) -> list[Event]:
    count = len(events)
    tracker.__dict__[_MEMO] = _Fold(events, count, events[-1] if count else None, loop_names, applied)
    return list(applied)


def install() -> None:
    """Make every tracker's ``applied_events`` incremental (idempotent)."""
    original = DialogueStateTracker.applied_events
    if rasa_patches.applied(original, "applied_events"):
        return

    def method(self: DialogueStateTracker) -> list[Event]:
        return applied_events(self)

    DialogueStateTracker.applied_events = rasa_patches.mark(  # type: ignore[method-assign]
        method, original, "applied_events")
