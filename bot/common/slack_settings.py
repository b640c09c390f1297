"""The Slack channel's settings, from the environment only (never from files in the repo).

Kept free of Rasa imports so ``make run`` can say whether Slack is on without
loading Rasa.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from bot.common import settings

TOKEN_VAR = "SLACK_BOT_TOKEN"
SECRET_VAR = "SLACK_SIGNING_SECRET"
API_URL_VAR = "SLACK_API_URL"
DEFAULT_API_URL = settings.SETTINGS["SLACK_API_URL"].default
WEBHOOK_PATH = "/webhooks/slack/webhook"


@dataclass(frozen=True)
class SlackSettings:
    token: str = ""
    signing_secret: str = ""
    api_url: str = DEFAULT_API_URL

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> SlackSettings:
        return cls(settings.value(TOKEN_VAR, environ), settings.value(SECRET_VAR, environ),
                   settings.value(API_URL_VAR, environ))

    @property
    def missing(self) -> list[str]:
        return [name for name, value in ((TOKEN_VAR, self.token), (SECRET_VAR, self.signing_secret))
                if not value]

    @property
    def enabled(self) -> bool:
        return not self.missing
