"""Where the conversation store is and how the console behaves, from the environment.

One variable, ``LES_TRACKER_DB_URL``, moves the whole project (Rasa's tracker store
and the console) from the default SQLite file to PostgreSQL; unset, both use
``build/conversations.db`` so ``make run`` needs no configuration. The Rasa side
reads it in :mod:`bot.review.tracker_store`; this module has no Rasa import so the
console starts in a second instead of loading TensorFlow.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from bot import paths

DB_URL_ENV = "LES_TRACKER_DB_URL"
DEFAULT_SQLITE = paths.BUILD / "conversations.db"


def database_url(default_sqlite: Path | str | None = None) -> str:
    """The SQLAlchemy URL of the conversation store.

    ``postgres://`` (what many hosting dashboards print) is accepted and rewritten
    to ``postgresql://``, which SQLAlchemy 1.4 requires. A relative SQLite path is
    anchored at the repository root, because Rasa, the console and the CLI may be
    started from different working directories.
    """
    url = os.environ.get(DB_URL_ENV, "").strip()
    if url:
        if url.startswith("postgres://"):
            url = "postgresql://" + url[len("postgres://"):]
        return url
    path = Path(default_sqlite) if default_sqlite else DEFAULT_SQLITE
    if not path.is_absolute():
        path = paths.ROOT / path
    return f"sqlite:///{path}"


def _flag(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


@dataclass
class Settings:
    """Console settings; every field has an environment variable (docs/operator.md, "Configuration")."""

    db_url: str = field(default_factory=database_url)
    # Secure cookies need HTTPS; `make run` serves plain HTTP on localhost, so the
    # default is off and a deployment behind TLS sets LES_CONSOLE_SECURE_COOKIES=1.
    secure_cookies: bool = field(default_factory=lambda: _flag("LES_CONSOLE_SECURE_COOKIES", False))
    session_idle_minutes: int = field(
        default_factory=lambda: int(os.environ.get("LES_CONSOLE_SESSION_IDLE_MINUTES", "30")))
    session_max_hours: int = field(
        default_factory=lambda: int(os.environ.get("LES_CONSOLE_SESSION_MAX_HOURS", "12")))
    login_max_failures: int = field(
        default_factory=lambda: int(os.environ.get("LES_CONSOLE_LOGIN_MAX_FAILURES", "5")))
    login_window_seconds: int = field(
        default_factory=lambda: int(os.environ.get("LES_CONSOLE_LOGIN_WINDOW_SECONDS", "900")))
    # Failed logins counted in this Redis (shared with the Rasa servers' message limits),
    # so several console processes share one count; unset: in the console's memory.
    rate_limit_redis_url: str = field(
        default_factory=lambda: os.environ.get("LES_RATE_LIMIT_REDIS_URL", "").strip())
    # How stale the search index may be before a page refreshes it from the events.
    sync_interval_seconds: float = field(
        default_factory=lambda: float(os.environ.get("LES_CONSOLE_SYNC_SECONDS", "2")))
    low_confidence_default: float = 0.5
    # Where the admins' "export training data" button writes (data/nlu/reviewed.yml, tests/...):
    # the repository the console runs from, unless a deployment or a test points elsewhere.
    export_root: Path = field(default_factory=lambda: Path(os.environ.get("LES_TRAINING_EXPORT_ROOT", "")
                                                            or paths.ROOT))
