"""The environment every Rasa / action-server process of this project runs with."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from bot import paths

# No telemetry or crash reports: this machine (and a clinic's) may not talk to outside
# services, and Rasa would otherwise retry sending them on every error.
QUIET = {
    "TF_CPP_MIN_LOG_LEVEL": "3",
    "RASA_TELEMETRY_ENABLED": "false",
    "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
}


def process_env(root: Path = paths.ROOT, base: Mapping[str, str] | None = None,
                **extra: str) -> dict[str, str]:
    """``base`` (default os.environ) plus the project on PYTHONPATH and the quiet settings."""
    return {**(os.environ if base is None else base), "PYTHONPATH": str(root), **QUIET, **extra}
