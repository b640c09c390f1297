"""Every environment setting of the bot's processes, in one place: its name, default and
meaning. The Rasa server, the action server, the console and the tools read settings
through :func:`value`; docs/operator.md documents the same names (a unit test checks that
the two agree and that no other module reads the environment for a setting).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Setting:
    name: str
    default: str
    meaning: str


_ALL = (
    # the conversation store and the servers around it
    Setting("LES_TRACKER_DB_URL", "", "SQLAlchemy URL of the conversation store (unset: SQLite "
            "build/conversations.db)"),
    Setting("LES_TRACKER_CACHE", "256",
            "conversations kept in memory between messages, per Rasa server (0: off)"),
    Setting("LES_ACTION_TIMEOUT_S", "3", "seconds one action-server call is waited for"),
    Setting("LES_EMERGENCY_REPLY_S", "1.5", "seconds after a message by which the 911 message is due"),
    Setting("LES_STORE_TIMEOUT_S", "3", "seconds one call to the conversation or lock store is waited for"),
    Setting("LES_RATE_LIMIT_REDIS_URL", "", "Redis where message limits and failed logins are counted "
            "across processes (unset: each process counts alone)"),
    Setting("LES_PATCHES_OFF", "", "Rasa patch units switched off, comma-separated (for ablation)"),
    Setting("WIDGET_ALLOWED_ORIGINS", "", "web pages allowed to open the widget's socket (unset: the "
            "bot server's own origin)"),
    # Slack
    Setting("SLACK_BOT_TOKEN", "", "the Slack app's bot token (Slack is off without it)"),
    Setting("SLACK_SIGNING_SECRET", "", "the Slack app's signing secret (Slack is off without it)"),
    Setting("SLACK_API_URL", "https://slack.com/api/", "Slack's Web API (a test points it at a fake)"),
    # the review console
    Setting("LES_CONSOLE_SECURE_COOKIES", "", "1: Secure __Host- cookies (behind HTTPS)"),
    Setting("LES_CONSOLE_SESSION_IDLE_MINUTES", "30", "console sessions end after this long idle"),
    Setting("LES_CONSOLE_SESSION_MAX_HOURS", "12", "console sessions end after this long in all"),
    Setting("LES_CONSOLE_LOGIN_MAX_FAILURES", "5", "failed logins allowed per window (0: no limit)"),
    Setting("LES_CONSOLE_LOGIN_WINDOW_SECONDS", "900", "the window failed logins are counted in"),
    Setting("LES_CONSOLE_SYNC_SECONDS", "2", "how stale the console's search index may get"),
    Setting("LES_TRAINING_EXPORT_ROOT", "", "where the console's export writes (unset: the repository)"),
    Setting("CONSOLE_HOST", "127.0.0.1", "the address the console listens on"),
    Setting("CONSOLE_PORT", "5080", "the console's port"),
    # make run
    Setting("RASA_PORT", "5005", "the Rasa server's port under make run"),
    Setting("ACTIONS_PORT", "5055", "the action server's port under make run"),
    Setting("LES_RESTART_FIRST_DELAY_S", "", "make run: first restart delay of a crashed part"),
    Setting("LES_RESTART_MAX_DELAY_S", "", "make run: longest restart delay"),
    Setting("LES_RESTART_WINDOW_S", "", "make run: the window crashes are counted in"),
    Setting("LES_RESTART_MAX_CRASHES", "", "make run: crashes in the window before it gives up"),
    Setting("ENDPOINTS", "endpoints.yml", "make run: the Rasa endpoints file"),
    Setting("RASA_API_TOKEN", "", "turns Rasa's HTTP API on, with this token"),
    Setting("RASA_JWT_SECRET", "", "turns Rasa's HTTP API on, with JWT"),
    Setting("RASA_JWT_METHOD", "HS256", "the JWT method with RASA_JWT_SECRET"),
)
SETTINGS: dict[str, Setting] = {s.name: s for s in _ALL}


def value(name: str, environ: Mapping[str, str] | None = None) -> str:
    """The setting's value from the environment (stripped), else its default."""
    setting = SETTINGS.get(name)
    if setting is None:
        raise KeyError(f"{name} is not declared in bot/common/settings.py")
    raw = ((os.environ if environ is None else environ).get(name) or "").strip()
    return raw or setting.default


def is_set(name: str, environ: Mapping[str, str] | None = None) -> bool:
    """Whether the environment gives the setting a value of its own."""
    if name not in SETTINGS:
        raise KeyError(f"{name} is not declared in bot/common/settings.py")
    return bool(((os.environ if environ is None else environ).get(name) or "").strip())
