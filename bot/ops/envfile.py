"""Read a ``.env`` file (KEY=VALUE lines) so secrets live outside the repo and the shell history.

Only what ``make run`` needs: comments, blank lines, an optional ``export``, and
single or double quotes around a value. Variables already set in the environment
win over the file.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path


def read(path: Path) -> dict[str, str]:
    """The file's variables; an absent file has none."""
    if not path.is_file():
        return {}
    values: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, value = line.removeprefix("export ").split("=", 1)
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        values[key.strip()] = value
    return values


def merged(path: Path, environ: Mapping[str, str]) -> dict[str, str]:
    """The environment with the file's variables added where not already set."""
    return {**read(path), **environ}
