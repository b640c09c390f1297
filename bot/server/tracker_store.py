"""Rasa's SQL tracker store, pointed at the database named by ONE environment variable.

Rasa substitutes ``${VAR}`` in endpoints.yml only in unquoted values and refuses to
start when the variable is unset, so a URL there would make PostgreSQL mandatory.
This subclass reads ``LES_TRACKER_DB_URL`` itself: set, it is the database (SQLite
or PostgreSQL); unset, the ``db`` file from endpoints.yml (anchored at the repo
root) is used, so ``make run`` works with nothing configured. With no variable and
a ``dialect`` other than sqlite, Rasa's own SQL keys are used as Rasa uses them
(``deploy/endpoints.yml``)::

    tracker_store:
      type: bot.server.tracker_store.EnvSQLTrackerStore
      db: build/conversations.db

SQLite is switched to write-ahead logging (here only, for the whole project) so the
console can read while Rasa writes without either seeing "database is locked", and a
commit is one append and one sync; its connections are pooled (SQLAlchemy 1.4 opens
and closes a new SQLite connection per session by default). Trackers are kept between
messages as ``bot.server.rasa_patches.tracker_cache`` describes.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import sessionmaker
from sqlalchemy.pool import QueuePool

from bot.common import settings
from bot.common.store_url import DB_URL_ENV, database_url
from bot.server.rasa_patches.tracker_cache import CachedSQLTrackerStore


class EnvSQLTrackerStore(CachedSQLTrackerStore):
    """SQLTrackerStore whose URL comes from LES_TRACKER_DB_URL (default: SQLite file)."""

    engine: sa.engine.Engine  # set by Rasa's SQLTrackerStore.__init__; replaced by _pool_sqlite

    def __init__(self, domain: Any = None, host: str | None = None, db: str = "build/conversations.db",
                 event_broker: Any = None, dialect: str = "sqlite", **kwargs: Any) -> None:
        if dialect != "sqlite" and not settings.is_set(DB_URL_ENV):
            # Rasa's own keys (dialect, url, port, username, ...), as deploy/endpoints.yml has them
            super().__init__(domain=domain, dialect=dialect, host=host, db=db,
                             event_broker=event_broker, **kwargs)
            return
        url = database_url(db)
        if url.startswith("sqlite:///"):
            Path(url[len("sqlite:///"):]).parent.mkdir(parents=True, exist_ok=True)
        for unused in ("port", "username", "password", "login_db", "query"):
            kwargs.pop(unused, None)
        super().__init__(domain=domain, host=url, event_broker=event_broker, **kwargs)
        if self.engine.dialect.name == "sqlite":
            if self.engine.url.database not in (None, "", ":memory:"):  # a file: pool it
                self._pool_sqlite(url)
            event.listen(self.engine, "connect", _sqlite_wal)
            with self.engine.connect() as connection:
                connection.exec_driver_sql("PRAGMA journal_mode=WAL")

    def _pool_sqlite(self, url: str) -> None:
        self.engine.dispose()
        self.engine = sa.create_engine(url, poolclass=QueuePool, pool_size=2, max_overflow=4,
                                       connect_args={"check_same_thread": False})
        self.sessionmaker = sessionmaker(bind=self.engine)


def _sqlite_wal(dbapi_connection: Any, _record: Any) -> None:
    """Each connection: wait for a lock up to 10 s, write-ahead log, and synchronous=FULL
    (in WAL mode a commit is one append and one sync, and survives a power cut)."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.close()
