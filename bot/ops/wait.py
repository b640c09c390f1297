"""Waiting for a server we started to answer HTTP, for `make run`, the benchmark and the tests.

Any HTTP answer counts (a 404 means the server is listening); a process that exits
first, or silence until the deadline, is an error that names the server and its log,
with the log's last lines when asked, so a failed start explains itself.
"""

from __future__ import annotations

import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path


def answers(url: str, timeout_s: float = 2.0) -> bool:
    """True if anything answers HTTP at ``url``."""
    try:
        with urllib.request.urlopen(url, timeout=timeout_s):
            return True
    except urllib.error.HTTPError:
        return True
    except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
        return False


def wait_until_up(url: str, alive: Callable[[], bool], name: str, log: Path, timeout_s: float,
                  interval_s: float = 0.5, log_tail_chars: int = 0) -> None:
    """Return once ``url`` answers; RuntimeError if ``alive()`` turns false or time runs out."""

    def details() -> str:
        if not log_tail_chars:
            return f"; see {log}"
        try:
            return f"; {log}:\n{log.read_text(errors='replace')[-log_tail_chars:]}"
        except OSError:
            return f"; see {log}"

    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if not alive():
            raise RuntimeError(f"{name} exited before answering on {url}{details()}")
        if answers(url):
            return
        time.sleep(interval_s)
    raise RuntimeError(f"{name} did not answer on {url} within {timeout_s:g}s{details()}")
