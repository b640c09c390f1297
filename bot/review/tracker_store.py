"""Rasa's SQL tracker store, pointed at the database named by ONE environment variable.

Rasa substitutes ``${VAR}`` in endpoints.yml only in unquoted values and refuses to
start when the variable is unset, so a URL there would make PostgreSQL mandatory.
This subclass reads ``LES_TRACKER_DB_URL`` itself: set, it is the database (SQLite
or PostgreSQL); unset, the ``db`` file from endpoints.yml (anchored at the repo
root) is used, so ``make run`` works with nothing configured::

    tracker_store:
      type: bot.review.tracker_store.EnvSQLTrackerStore
      db: build/conversations.db

SQLite is switched to write-ahead logging so the console can read while Rasa
writes without either seeing "database is locked".
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rasa.core.tracker_store import SQLTrackerStore
from sqlalchemy import event

from bot.review.config import database_url


class EnvSQLTrackerStore(SQLTrackerStore):
    """SQLTrackerStore whose URL comes from LES_TRACKER_DB_URL (default: SQLite file)."""

    def __init__(self, domain: Any = None, host: str | None = None, db: str = "build/conversations.db",
                 event_broker: Any = None, **kwargs: Any) -> None:
        url = database_url(db)
        if url.startswith("sqlite:///"):
            Path(url[len("sqlite:///"):]).parent.mkdir(parents=True, exist_ok=True)
        for unused in ("dialect", "port", "username", "password", "login_db", "query"):
            kwargs.pop(unused, None)
        super().__init__(domain=domain, host=url, event_broker=event_broker, **kwargs)
        if self.engine.dialect.name == "sqlite":
            event.listen(self.engine, "connect", _sqlite_wal)
            with self.engine.connect() as connection:
                connection.exec_driver_sql("PRAGMA journal_mode=WAL")


def _sqlite_wal(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()
