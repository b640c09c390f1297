"""The Slack channel's settings, from the environment only (never from files in the repo).

Kept free of Rasa imports so ``make run`` can say whether Slack is on without
loading Rasa.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

TOKEN_VAR = "SLACK_BOT_TOKEN"
SECRET_VAR = "SLACK_SIGNING_SECRET"
API_URL_VAR = "SLACK_API_URL"
DEFAULT_API_URL = "https://slack.com/api/"
WEBHOOK_PATH = "/webhooks/slack/webhook"


@dataclass(frozen=True)
class SlackSettings:
    token: str = ""
    signing_secret: str = ""
    api_url: str = DEFAULT_API_URL

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> SlackSettings:
        env = os.environ if environ is None else environ
        return cls(env.get(TOKEN_VAR, "").strip(), env.get(SECRET_VAR, "").strip(),
                   env.get(API_URL_VAR, "").strip() or DEFAULT_API_URL)

    @property
    def missing(self) -> list[str]:
        return [name for name, value in ((TOKEN_VAR, self.token), (SECRET_VAR, self.signing_secret))
                if not value]

    @property
    def enabled(self) -> bool:
        return not self.missing
