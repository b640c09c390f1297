"""Read a ``.env`` file so secrets live outside the repo and the shell history.

The parsing is python-dotenv's (comments, blank lines, ``export``, single or double
quotes, escapes, multi-line quoted values); a line it cannot read is skipped with its
warning. Two choices are ours: ``${VAR}`` is kept as written (no interpolation, as
before: a secret may contain ``$``), and variables already set in the environment win
over the file. A bare ``KEY`` without ``=`` sets nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from dotenv import dotenv_values


def read(path: Path) -> dict[str, str]:
    """The file's variables; an absent file has none."""
    if not path.is_file():
        return {}
    values = dotenv_values(path, interpolate=False, encoding="utf-8")
    return {key: value for key, value in values.items() if value is not None}


def merged(path: Path, environ: Mapping[str, str]) -> dict[str, str]:
    """The environment with the file's variables added where not already set."""
    return {**read(path), **environ}
