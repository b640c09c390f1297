"""The Rasa patches as named units, and what each was written against.

Each unit names the functions it replaces and the private names it calls. Their
signatures, and the package versions the patches were written and tested for, are in
recorded.json; ``install()`` compares them with what is installed. After an upgrade,
the parity test named by each unit says whether the patch still matches Rasa; then
``python -m bot.server.rasa_patches --record`` rewrites recorded.json (docs/rasa-patches.md).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

RECORDED = Path(__file__).with_name("recorded.json")
_recorded = json.loads(RECORDED.read_text(encoding="utf-8"))
VERSIONS: dict[str, str] = _recorded["versions"]  # e.g. {"rasa": "3.6.21", ...}
SIGNATURES: dict[str, str] = _recorded["signatures"]  # "module:Qual.name" -> inspect.signature

RESILIENCE: Literal["resilience"] = "resilience"
SPEED: Literal["speed"] = "speed"

_ACTION = "rasa.core.actions.action:"
_STORE = "rasa.core.tracker_store:"
_TRACKERS = "rasa.shared.core.trackers:DialogueStateTracker."
_DOMAIN = "rasa.shared.core.domain:Domain."


@dataclass(frozen=True)
class Patch:
    """One patch: switched off with ``LES_PATCHES_OFF=<name>``."""

    name: str
    kind: Literal["resilience", "speed"]  # resilience: never started without it unasked
    why: str
    apply: str  # "module:function" that installs it
    packages: tuple[str, ...]  # whose version it depends on (keys of VERSIONS)
    replaces: tuple[str, ...]  # "module:Qual.name" it overrides
    uses: tuple[str, ...] = ()  # private names of the packages it calls
    parity_test: str = ""


PATCHES: tuple[Patch, ...] = (
    Patch("action_fallback", RESILIENCE,
          "a failed or hung custom action becomes one apology within seconds, so the 911 "
          "message is never held back by the action server",
          "bot.server.rasa_patches.resilience:install_action_fallback", ("rasa", "rasa-sdk"),
          (f"{_ACTION}RemoteAction.run",), (f"{_ACTION}ActionExecutionRejection",),
          "tests/unit/test_resilience.py"),
    Patch("strict_store", RESILIENCE,
          "a failing or hung conversation store aborts the turn (503, the 911 message first) "
          "instead of answering from an empty conversation or waiting",
          "bot.server.rasa_patches.resilience:install_strict_store", ("rasa",),
          tuple(f"{_STORE}FailSafeTrackerStore.{name}"
                for name in ("retrieve", "retrieve_full_tracker", "save", "keys")),
          (f"{_STORE}FailSafeTrackerStore.__init__",
           *(f"{_STORE}TrackerStore.{name}" for name in ("retrieve", "retrieve_full_tracker", "save",
                                                          "keys"))),
          "tests/unit/test_resilience.py"),
    Patch("engineio_guard", RESILIENCE,
          "a malformed socket.io request is answered 400 instead of failing with 500",
          "bot.server.rasa_patches.resilience:install_engineio_guard", ("python-engineio",),
          ("engineio.asyncio_server:AsyncServer.handle_request",),
          ("engineio.asyncio_server:AsyncServer._make_response",
           "engineio.asyncio_server:AsyncServer._bad_request"),
          "tests/integration/test_server_entry.py"),
    Patch("action_result_validator", SPEED,
          "the action server's reply schema is compiled once, not rebuilt and re-checked per call",
          "bot.server.rasa_patches.speedups:install_action_result_validator", ("rasa",),
          (f"{_ACTION}RemoteAction._validate_action_result",),
          (f"{_ACTION}RemoteAction.action_response_format_spec",),
          "tests/unit/test_speedups.py"),
    Patch("event_type_lookup", SPEED,
          "event types are found in a table instead of walking every Event subclass per event",
          "bot.server.rasa_patches.speedups:install_event_type_lookup", ("rasa",),
          ("rasa.shared.core.events:Event.resolve_by_type",),
          ("rasa.shared.utils.common:all_subclasses",),
          "tests/unit/test_speedups.py"),
    Patch("applied_events", SPEED,
          "the events that count are extended as events arrive instead of folded from the start",
          "bot.server.rasa_patches.applied_events:install", ("rasa",),
          (f"{_TRACKERS}applied_events",),
          tuple(f"{_TRACKERS}{name}" for name in ("_undo_till_previous",
                                                   "_first_loop_execution_or_unhappy_path",
                                                   "_undo_till_previous_loop_execution")),
          "tests/unit/test_applied_events.py"),
    Patch("tracker_states", SPEED,
          "the policies' state history is continued from the last prediction instead of replayed",
          "bot.server.rasa_patches.tracker_states:install", ("rasa",),
          (f"{_DOMAIN}states_for_tracker_history",),
          (*(f"{_DOMAIN}{name}" for name in ("get_active_state", "_get_prev_action_sub_state",
                                             "_remove_rule_only_features",
                                             "_substitute_rule_only_user_input", "_clean_state")),
           f"{_TRACKERS}init_copy", f"{_TRACKERS}update"),
          "tests/unit/test_tracker_states.py"),
    Patch("tracker_cache", SPEED,
          "a conversation's tracker is kept between its messages and only new events are written",
          "bot.server.rasa_patches.tracker_cache:install", ("rasa",),
          (f"{_STORE}SQLTrackerStore.retrieve", f"{_STORE}SQLTrackerStore._retrieve",
           f"{_STORE}SQLTrackerStore.save"),
          (f"{_STORE}SQLTrackerStore._event_query", f"{_STORE}SQLTrackerStore._additional_events",
           f"{_STORE}SQLTrackerStore.session_scope", f"{_STORE}TrackerStore.stream_events",
           f"{_STORE}TrackerStore._stream_new_events", f"{_TRACKERS}from_dict"),
          "tests/unit/test_tracker_cache.py"),
)
