"""Helpers for the review-console tests: the bot and console on one store, logins, PostgreSQL."""

from __future__ import annotations

import re
import subprocess
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import requests
import sqlalchemy as sa

from bot import paths
from bot.ops import launch
from tests.support import servers
from tests.support.servers import BIN, Process, free_port, isolated_env, start

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

PG_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/test"
PASSWORDS = {"admin": "correct-horse-battery-9", "reviewer": "quiet-meadow-lantern-4"}


def start_console(workdir: Path, db_url: str, **env: str) -> tuple[Process, str]:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    variables = {"LES_TRACKER_DB_URL": db_url, "LES_CONSOLE_SYNC_SECONDS": "0", **env}
    process = Process("review console", launch.console_command(port), workdir / f"console-{port}.log",
                      env=isolated_env(**variables))
    return start(process, f"{url}/healthz", timeout_s=60), url


def cli(db_url: str, *args: str, stdin: str = "") -> subprocess.CompletedProcess:
    """Run the console CLI as a care-team admin would, against the given store."""
    return subprocess.run([str(BIN / "python"), "-m", "bot.review.cli", *args], cwd=paths.ROOT,
                          env=isolated_env(LES_TRACKER_DB_URL=db_url), input=stdin, capture_output=True,
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


def browser_login(browser: Browser, url: str, role: str) -> Page:
    """A page of its own (own cookies), logged in to the console as ``role`` from PASSWORDS."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(30_000)
    page = context.new_page()
    page.goto(f"{url}/login")
    page.fill("input[name=username]", role)
    page.fill("input[name=password]", PASSWORDS[role])
    page.click("button:has-text('Log in')")
    page.wait_for_selector("h1:has-text('Conversations')")
    return page


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


class Store:
    """The store for one run: SQLite by the endpoints file's default path, or PostgreSQL by URL."""

    def __init__(self, kind: str, workdir: Path) -> None:
        self.kind, self.workdir, self._pg = kind, workdir, None

    def __enter__(self) -> tuple[str, dict[str, str]]:
        if self.kind == "sqlite":
            # LES_TRACKER_DB_URL empty = unset: Rasa falls back to the `db:` file in endpoints.
            return f"sqlite:///{self.workdir / 'conversations.db'}", {"LES_TRACKER_DB_URL": ""}
        self._pg = postgres_database()
        url = self._pg.__enter__()
        return url, {"LES_TRACKER_DB_URL": url}

    def __exit__(self, *exc: object) -> None:
        if self._pg is not None:
            self._pg.__exit__(*exc)


@contextmanager
def console_stack(store: str, workdir: Path, model_path: Path, talk: Callable[[str], None],
                  users: list[tuple[str, str, str]], rasa_args: tuple[str, ...] = (),
                  **console_env: str) -> Iterator[dict[str, Any]]:
    """A real action server, Rasa server and review console on one store ("sqlite" or "postgresql").

    ``talk(bot_url)`` holds the conversations before the console starts; ``users`` are
    (name, role, password) added with the console's CLI. Yields the URLs, the store's URL,
    an SQLAlchemy engine on it, the store kind and the work directory.
    """
    with Store(store, workdir) as (db_url, rasa_env):
        actions, action_url = servers.start_action_server(workdir)
        processes = [actions]
        try:
            endpoints = servers.write_endpoints(workdir, action_url,
                                                servers.env_sql_store(workdir / "conversations.db"))
            rasa, bot_url = servers.start_rasa(workdir, model_path, endpoints, env=rasa_env, args=rasa_args)
            processes.append(rasa)
            talk(bot_url)
            for name, role, password in users:
                result = cli(db_url, "add-user", name, "--role", role, "--password-stdin", stdin=password)
                assert result.returncode == 0, result.stderr
            process, url = start_console(workdir, db_url, **console_env)
            processes.append(process)
            engine = sa.create_engine(db_url)
            try:
                yield {"url": url, "bot": bot_url, "db_url": db_url, "engine": engine, "store": store,
                       "workdir": workdir}
            finally:
                engine.dispose()
        finally:
            for process in reversed(processes):
                process.stop()


def events_snapshot(engine: sa.engine.Engine) -> list[tuple]:
    """Per conversation in Rasa's events table: count, last id and size (the console must not change it)."""
    with engine.connect() as connection:
        return [tuple(row) for row in connection.execute(sa.text(
            "select sender_id, count(*), max(id), sum(length(data)) from events group by sender_id "
            "order by sender_id"))]


def project_copy(dest: Path) -> Path:
    """A copy of the project's training inputs to export corrections into and train from.

    Data, domain and config are copied (the export writes into data/ and tests/); the
    code and the built spaCy pipeline are linked, so Rasa imports the same components.
    """
    import shutil

    dest.mkdir(parents=True, exist_ok=True)
    for name in ("config.yml", "domain.yml", "credentials.yml", "endpoints.yml"):
        shutil.copy2(paths.ROOT / name, dest / name)
    shutil.copytree(paths.ROOT / "data", dest / "data", ignore=shutil.ignore_patterns("reviewed.yml"))
    (dest / "tests" / "eval").mkdir(parents=True, exist_ok=True)
    for name in ("bot", "actions", "build"):
        (dest / name).symlink_to(paths.ROOT / name, target_is_directory=True)
    return dest
