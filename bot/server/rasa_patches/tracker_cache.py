"""Keep each conversation's tracker in memory between its messages, checked against the store.

Rasa's SQL store rebuilds the whole conversation for every message. This store saves
only the new events and hands a kept tracker over only if the newest stored row is
still the one this process wrote; anything else reloads from the store, so several
servers sharing one database stay correct. ``LES_TRACKER_CACHE`` sets the size (0: off).
How and why: docs/development.md, "What was made faster"; the patch unit:
docs/rasa-patches.md.
"""

from __future__ import annotations

import json
import logging
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass
from itertools import islice
from typing import Any

from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import Event, SessionStarted
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY
from sqlalchemy import func

from bot.common import settings
from bot.server import store_guard

logger = logging.getLogger(__name__)

DEFAULT_SIZE = int(settings.SETTINGS["LES_TRACKER_CACHE"].default)
_MARK = "_les_stored"
_active = False


def install() -> None:
    """Let CachedSQLTrackerStore keep trackers and write only new events (idempotent)."""
    global _active
    _active = True


@dataclass(frozen=True)
class StoredMark:
    """What of a tracker object is already in the store."""

    events: Any  # the tracker's event deque the mark is about
    count: int  # how many of its first events are stored
    last_event: Event | None  # the newest of those (guards against a changed deque)
    last_id: int | None  # id of the newest row of this conversation, as written or read


def cache_size(environ: Mapping[str, str] | None = None) -> int:
    """How many conversations to keep (``LES_TRACKER_CACHE``), refusing nonsense clearly."""
    raw = settings.value("LES_TRACKER_CACHE", environ)
    try:
        size = int(raw)
    except ValueError:
        raise ValueError(f"LES_TRACKER_CACHE must be a whole number (0 turns it off), not {raw!r}") from None
    if size < 0:
        raise ValueError(f"LES_TRACKER_CACHE must be 0 or more, not {size}")
    return size


def stored_mark(tracker: DialogueStateTracker) -> StoredMark | None:
    """The tracker's mark if it still describes its events (appended to, never rewritten)."""
    mark: StoredMark | None = tracker.__dict__.get(_MARK)
    events = tracker.events
    if mark is None or mark.events is not events or len(events) < mark.count:
        return None
    if mark.count and events[mark.count - 1] is not mark.last_event:
        return None
    return mark


def _mark(tracker: DialogueStateTracker, last_id: int | None) -> None:
    events = tracker.events
    count = len(events)
    tracker.__dict__[_MARK] = StoredMark(events, count, events[-1] if count else None, last_id)


class CachedSQLTrackerStore(SQLTrackerStore):
    """Rasa's SQL tracker store that writes only new events and reuses trackers it saved."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.cache_size = cache_size()
        self._cache: OrderedDict[str, DialogueStateTracker] = OrderedDict()

    # --- reading ------------------------------------------------------------------------
    async def retrieve(self, sender_id: str) -> DialogueStateTracker | None:
        """The kept tracker if the store has nothing newer, else Rasa's load from the store."""
        if not _active:
            return await super().retrieve(sender_id)
        kept = self._cache.pop(sender_id, None)
        if kept is not None:
            mark = stored_mark(kept)
            if mark is not None and mark.count == len(kept.events) and mark.last_id is not None \
                    and self._newest_id(sender_id) == mark.last_id:
                return kept
        return await self._retrieve(sender_id, fetch_events_from_all_sessions=False)

    async def _retrieve(self, sender_id: str, fetch_events_from_all_sessions: bool
                        ) -> DialogueStateTracker | None:
        """Rasa's load (same query, same replay), remembering which rows it read."""
        if not _active:
            return await super()._retrieve(sender_id, fetch_events_from_all_sessions)
        with self.session_scope() as session:
            rows = self._event_query(session, sender_id, fetch_events_from_all_sessions).all()
            dicts = [json.loads(row.data) for row in rows]
        if not (self.domain and dicts):
            return None
        tracker = DialogueStateTracker.from_dict(sender_id, dicts, self.domain.slots)
        if not fetch_events_from_all_sessions and len(tracker.events) == len(rows):
            _mark(tracker, rows[-1].id)
        return tracker

    def _newest_id(self, sender_id: str) -> int | None:
        with self.session_scope() as session:
            return session.query(func.max(self.SQLEvent.id)).filter(
                self.SQLEvent.sender_id == sender_id).scalar()

    # --- writing ------------------------------------------------------------------------
    async def save(self, tracker: DialogueStateTracker) -> None:
        """Append the tracker's new events (found from its mark, else as Rasa finds them)."""
        if not _active:
            return await super().save(tracker)
        mark = stored_mark(tracker)
        new: list[Event] | None = (
            list(islice(tracker.events, mark.count, None)) if mark is not None else None)
        if new is not None and self.event_broker is not None:
            await self._stream_new_events(self.event_broker, new, tracker.sender_id)
        elif new is None:
            await self.stream_events(tracker)

        with self.session_scope() as session:
            if new is None:
                new = list(self._additional_events(session, tracker))
            rows = [self._row(tracker.sender_id, event) for event in new]
            session.add_all(rows)
            session.flush()  # assigns the ids
            last_id = rows[-1].id if rows else (mark.last_id if mark is not None else None)
            if store_guard.abandoned():  # the turn was given up while the store hung: no late write
                session.rollback()
                raise store_guard.StoreTimeout(f"save of {tracker.sender_id} given up; rolled back")
            session.commit()
        logger.debug("stored %d new events of %s", len(rows), tracker.sender_id)

        _mark(tracker, last_id)
        self._keep(tracker)

    def _row(self, sender_id: str, event: Event) -> Any:
        data = event.as_dict()
        return self.SQLEvent(
            sender_id=sender_id,
            type_name=event.type_name,
            timestamp=data.get("timestamp"),
            intent_name=data.get("parse_data", {}).get("intent", {}).get(INTENT_NAME_KEY),
            action_name=data.get("name"),
            data=json.dumps(data),  # byte for byte what Rasa stores
        )

    def _keep(self, tracker: DialogueStateTracker) -> None:
        # A reload starts at the conversation's latest session start; a tracker holding a
        # session start anywhere but first (a new conversation, an expired session) holds
        # events a reload leaves out, so its next message loads from the store instead.
        if self.cache_size == 0 or any(isinstance(event, SessionStarted)
                                       for event in islice(tracker.events, 1, None)):
            self._cache.pop(tracker.sender_id, None)
            return
        self._cache[tracker.sender_id] = tracker
        self._cache.move_to_end(tracker.sender_id)
        while len(self._cache) > self.cache_size:
            self._cache.popitem(last=False)
