"""Fixtures of the integration tests: the bot and review console the test_console_*.py files share."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support import console_pages
from tests.support.review import PASSWORDS, console_stack, events_snapshot, login


# Package scope: the page tests of every test_console_*.py file read the same conversations, so
# each store's bot and console start once. The tests leave the conversations as they found them.
@pytest.fixture(scope="package", params=["sqlite", "postgresql"])
def console(request: pytest.FixtureRequest, model_path: Path,
            tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    """Real bot + console on one store; yields URLs, the store URL and logged-in sessions."""
    workdir = tmp_path_factory.mktemp(f"review-{request.param}")
    users = [(role, role, password) for role, password in PASSWORDS.items()]
    users.append((console_pages.LIMITED_USER[0], "reviewer", console_pages.LIMITED_USER[1]))
    with console_stack(request.param, workdir, model_path, console_pages.talk, users,
                       rasa_args=("--enable-api",), LES_CONSOLE_LOGIN_MAX_FAILURES="3") as stack:
        url = stack["url"]
        console = {**stack, "events_before_review": events_snapshot(stack["engine"]),
                   "admin": login(url, "admin", PASSWORDS["admin"]),
                   "reviewer": login(url, "reviewer", PASSWORDS["reviewer"])}
        console_pages.care_team_marks(console)
        yield console
