"""How the console behaves, from the environment.

Where the conversation store is comes from :mod:`bot.common.store_url` (one variable,
``LES_TRACKER_DB_URL``, shared with the Rasa server's tracker store); its names are
re-exported here for the console's code. No Rasa import, so the console starts in a
second instead of loading TensorFlow.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from bot import paths
from bot.common import settings
from bot.common.store_url import DB_URL_ENV, DEFAULT_SQLITE, database_url

__all__ = ["DB_URL_ENV", "DEFAULT_SQLITE", "Settings", "database_url"]


def _flag(name: str, default: bool) -> bool:
    if not settings.is_set(name):
        return default
    return settings.value(name).lower() in {"1", "true", "yes", "on"}


@dataclass
class Settings:
    """Console settings; every field has an environment variable (docs/operator.md, "Configuration")."""

    db_url: str = field(default_factory=database_url)
    # Secure cookies need HTTPS; `make run` serves plain HTTP on localhost, so the
    # default is off and a deployment behind TLS sets LES_CONSOLE_SECURE_COOKIES=1.
    secure_cookies: bool = field(default_factory=lambda: _flag("LES_CONSOLE_SECURE_COOKIES", False))
    session_idle_minutes: int = field(
        default_factory=lambda: int(settings.value("LES_CONSOLE_SESSION_IDLE_MINUTES")))
    session_max_hours: int = field(
        default_factory=lambda: int(settings.value("LES_CONSOLE_SESSION_MAX_HOURS")))
    login_max_failures: int = field(
        default_factory=lambda: int(settings.value("LES_CONSOLE_LOGIN_MAX_FAILURES")))
    login_window_seconds: int = field(
        default_factory=lambda: int(settings.value("LES_CONSOLE_LOGIN_WINDOW_SECONDS")))
    # Failed logins counted in this Redis (shared with the Rasa servers' message limits),
    # so several console processes share one count; unset: in the console's memory.
    rate_limit_redis_url: str = field(
        default_factory=lambda: settings.value("LES_RATE_LIMIT_REDIS_URL"))
    # How stale the search index may be before a page refreshes it from the events.
    sync_interval_seconds: float = field(
        default_factory=lambda: float(settings.value("LES_CONSOLE_SYNC_SECONDS")))
    low_confidence_default: float = 0.5
    # Where the admins' "export training data" button writes (data/nlu/reviewed.yml, tests/...):
    # the repository the console runs from, unless a deployment or a test points elsewhere.
    export_root: Path = field(default_factory=lambda: Path(settings.value("LES_TRAINING_EXPORT_ROOT")
                                                            or paths.ROOT))
