"""Failing safely inside the Rasa server: the three resilience units of ``install()``.

``action_fallback``: a failed or hung custom action becomes one apology per
turn (it needs no action server and names 911), within ``LES_ACTION_TIMEOUT_S`` and, in
an emergency turn, in time for ``LES_EMERGENCY_REPLY_S``. ``strict_store``: a failing
or hung conversation store aborts the turn with :class:`StoreUnavailable` (REST: 503)
instead of answering from an empty conversation. ``engineio_guard``: a malformed
socket.io request gets 400, not 500. Why each, and its tests: docs/rasa-patches.md.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

from bot.common import deadlines
from bot.knowledge.messages import message
from bot.server import rasa_patches
from bot.server.store_guard import StoreThread

logger = logging.getLogger(__name__)

APOLOGY_KEY = "service_unavailable"
# An action call with less time than this left in an emergency turn is not made at all.
MIN_ACTION_CALL_S = 0.05


class StoreUnavailable(RuntimeError):
    """The conversation store could not be read or written: the turn is not answered."""


def apology_text() -> str:
    return message(APOLOGY_KEY)


def apologized_this_turn(events: Any) -> bool:
    """Was the apology already sent since the person's latest message?"""
    from rasa.shared.core.events import BotUttered, UserUttered

    text = apology_text()
    for event in reversed(list(events)):
        if isinstance(event, UserUttered):
            return False
        if isinstance(event, BotUttered) and event.text == text:
            return True
    return False


def install_action_fallback() -> None:
    """RemoteAction.run: a failure or timeout becomes the apology (once per turn)."""
    from rasa.core.actions import action as action_module
    from rasa.shared.core.events import BotUttered

    # a bad LES_*_S value stops the server at its start, naming it, not every turn later
    deadlines.action_timeout_s(), deadlines.emergency_reply_s()
    original_run = action_module.RemoteAction.run
    if rasa_patches.applied(original_run, "action_fallback"):
        return

    async def run(self: Any, output_channel: Any, nlg: Any, tracker: Any, domain: Any) -> list:
        if apologized_this_turn(tracker.events):
            # the action server already failed in this turn: waiting for it again would
            # only hold the reply back (the 911 message with it, over REST)
            logger.warning("custom action %r not called: the action server failed earlier "
                           "in this turn", self.name())
            return []
        budget = deadlines.action_budget_s(tracker.events)
        try:
            if budget < MIN_ACTION_CALL_S:
                raise asyncio.TimeoutError("no time left before the emergency reply is due")
            return await asyncio.wait_for(original_run(self, output_channel, nlg, tracker, domain),
                                          budget)
        except action_module.ActionExecutionRejection:
            raise  # a form's "I can't use this answer": Rasa's own, expected path
        except Exception as error:  # any failure of the remote call, a timeout included
            logger.error("custom action %r failed (%s) within %.2f s; the person gets the apology",
                         self.name(), repr(error), budget)
            return [BotUttered(apology_text(), metadata={"les_fallback": "action_server"})]

    action_module.RemoteAction.run = rasa_patches.mark(run, original_run, "action_fallback")


def install_strict_store() -> None:
    """FailSafeTrackerStore's calls: off the event loop, with a timeout, failing the turn."""
    from rasa.core.tracker_store import FailSafeTrackerStore

    deadlines.store_timeout_s()
    if rasa_patches.applied(FailSafeTrackerStore.save, "strict_store"):
        return
    store_thread = StoreThread("les-tracker-store")

    def strict(name: str) -> None:
        original = getattr(FailSafeTrackerStore, name)

        async def call(self: Any, *args: Any, **kwargs: Any) -> Any:
            turn = deadlines.progress()
            if turn is not None:
                turn.store_call_since = time.monotonic()
            try:
                result = await store_thread.run(getattr(self._tracker_store, name)(*args, **kwargs), name)
            except Exception as error:
                logger.error("conversation store error in %s: %s", name, error)
                raise StoreUnavailable(f"the conversation store failed ({name})") from error
            finally:
                if turn is not None:
                    turn.store_call_since = None
            if turn is not None and name.startswith("retrieve"):
                turn.read = True
            return result

        setattr(FailSafeTrackerStore, name, rasa_patches.mark(call, original, "strict_store"))

    for name in ("retrieve", "retrieve_full_tracker", "save", "keys"):
        strict(name)


def install_engineio_guard() -> None:
    """engine.io's request handling: any error answers 400, not Sanic's 500."""
    from engineio.asyncio_server import AsyncServer

    original = AsyncServer.handle_request
    if rasa_patches.applied(original, "engineio_guard"):
        return

    async def handle_request(self: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return await original(self, *args, **kwargs)
        except Exception as error:
            logger.warning("malformed socket.io request answered with 400: %r", error)
            environ = self._async["translate_request"](*args, **kwargs)
            return await self._make_response(self._bad_request("Bad request"), environ)

    AsyncServer.handle_request = rasa_patches.mark(handle_request, original, "engineio_guard")
