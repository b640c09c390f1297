"""Helpers for the review-console tests: a console process, logins, PostgreSQL databases."""

from __future__ import annotations

import re
import subprocess
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import requests

from bot import paths
from tests.servers import BIN, Process, _env, free_port, wait_for

PG_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/test"
PASSWORDS = {"admin": "correct-horse-battery-9", "reviewer": "quiet-meadow-lantern-4"}


def start_console(workdir: Path, db_url: str, **env: str) -> tuple[Process, str]:
    port = free_port()
    log = workdir / f"console-{port}.log"
    popen = subprocess.Popen(
        [str(BIN / "python"), "-m", "bot.review.serve", "--port", str(port)],
        cwd=paths.ROOT, env=_env(**{"LES_TRACKER_DB_URL": db_url, "LES_CONSOLE_SYNC_SECONDS": "0", **env}),
        stdout=log.open("wb"), stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    wait_for(f"{url}/healthz", popen, log, timeout=60)
    return Process(popen, log), url


def cli(db_url: str, *args: str, stdin: str = "") -> subprocess.CompletedProcess:
    """Run the console CLI as a care-team admin would, against the given store."""
    return subprocess.run([str(BIN / "python"), "-m", "bot.review.cli", *args], cwd=paths.ROOT,
                          env=_env(LES_TRACKER_DB_URL=db_url), input=stdin, capture_output=True,
                          text=True, timeout=120)


def csrf_token(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "no CSRF token in the page"
    return match.group(1)


def login(url: str, username: str, password: str) -> requests.Session:
    session = requests.Session()
    token = csrf_token(session.get(f"{url}/login", timeout=10).text)
    response = session.post(f"{url}/login", data={"username": username, "password": password,
                                                  "csrf_token": token, "next": "/"}, timeout=10)
    assert response.status_code == 200 and response.url.rstrip("/") == url, response.text[:300]
    return session


@contextmanager
def postgres_database() -> Iterator[str]:
    """A fresh, uniquely named PostgreSQL database, dropped afterwards."""
    import psycopg2

    name = f"les_console_test_{uuid.uuid4().hex[:10]}"
    admin = psycopg2.connect(PG_ADMIN_URL)
    admin.autocommit = True
    try:
        with admin.cursor() as cursor:
            cursor.execute(f'CREATE DATABASE "{name}"')
        yield f"postgresql://postgres@127.0.0.1:5432/{name}"
    finally:
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()

CHROMIUM = "/usr/bin/chromium"  # Debian's package (`make chromium`), never `playwright install`
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
