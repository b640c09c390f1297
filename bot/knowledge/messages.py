"""The fixed messages the custom actions send (data/messages.yml)."""

from __future__ import annotations

from functools import lru_cache

from bot import paths
from bot.datafiles import read_mapping

MESSAGES_FILE = paths.DATA / "messages.yml"


@lru_cache(maxsize=1)
def _messages() -> dict[str, str]:
    data = read_mapping(MESSAGES_FILE)
    return {key: " ".join(str(value).split()) for key, value in data.items()}


def message(key: str, **values: str) -> str:
    """The message ``key`` with its placeholders filled."""
    return _messages()[key].format(**values)
