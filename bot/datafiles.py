"""Reading the project's YAML data files, with an error that names the file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml


class DataFileError(ValueError):
    """A data file is missing, is not YAML, or is not a mapping."""


def read_mapping(path: Path) -> dict[str, Any]:
    """The YAML mapping in ``path``."""
    try:
        with Path(path).open(encoding="utf-8") as handle:
            data = yaml.safe_load(handle)
    except (OSError, yaml.YAMLError) as error:
        raise DataFileError(f"{path}: {error}") from error
    if not isinstance(data, dict):
        raise DataFileError(f"{path}: expected a mapping at the top level")
    return data
