"""Reading the project's YAML data files, with an error that names the file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml


class DataFileError(ValueError):
    """A data file is missing, is not YAML, or is not a mapping."""


# libyaml's safe loader when PyYAML was built with it (several times faster; same result).
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def read_mapping(path: Path) -> dict[str, Any]:
    """The YAML mapping in ``path``."""
    try:
        with Path(path).open(encoding="utf-8") as handle:
            data = yaml.load(handle, Loader=_LOADER)
    except (OSError, yaml.YAMLError) as error:
        raise DataFileError(f"{path}: {error}") from error
    if not isinstance(data, dict):
        raise DataFileError(f"{path}: expected a mapping at the top level")
    return data
