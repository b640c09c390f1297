"""Where the conversation store is, from the environment.

One variable, ``LES_TRACKER_DB_URL``, moves the whole project (Rasa's tracker store
and the console) from the default SQLite file to PostgreSQL; unset, both use
``build/conversations.db`` so ``make run`` needs no configuration. Read by the Rasa
server's tracker store (:mod:`bot.server.tracker_store`), the review console
(:mod:`bot.review.config`) and the launcher (:mod:`bot.ops.run`); no Rasa import.
"""

from __future__ import annotations

from pathlib import Path

from bot import paths
from bot.common import settings

DB_URL_ENV = "LES_TRACKER_DB_URL"
DEFAULT_SQLITE = paths.BUILD / "conversations.db"


def database_url(default_sqlite: Path | str | None = None) -> str:
    """The SQLAlchemy URL of the conversation store.

    ``postgres://`` (what many hosting dashboards print) is accepted and rewritten
    to ``postgresql://``, which SQLAlchemy 1.4 requires. A relative SQLite path is
    anchored at the repository root, because Rasa, the console and the CLI may be
    started from different working directories.
    """
    url = settings.value(DB_URL_ENV)
    if url:
        if url.startswith("postgres://"):
            url = "postgresql://" + url[len("postgres://"):]
        return url
    path = Path(default_sqlite) if default_sqlite else DEFAULT_SQLITE
    if not path.is_absolute():
        path = paths.ROOT / path
    return f"sqlite:///{path}"
