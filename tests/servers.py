"""Start the real action server and Rasa server for tests, on free ports."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from bot import paths
from bot.ops.env import process_env
from bot.ops.wait import wait_until_up

BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url: str, process: subprocess.Popen, log: Path, timeout: float = 240) -> None:
    wait_until_up(url, lambda: process.poll() is None, url, log, timeout, log_tail_chars=3000)


@dataclass
class Process:
    popen: subprocess.Popen
    log: Path

    def stop(self) -> None:
        if self.popen.poll() is None:
            self.popen.send_signal(signal.SIGINT)
            try:
                self.popen.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait()


def _env(**extra: str) -> dict[str, str]:
    """The test servers' environment: never the developer's own Slack app (SLACK_*)."""
    inherited = {k: v for k, v in os.environ.items() if not k.startswith("SLACK_")}
    return process_env(base=inherited, **extra)


def start_action_server(workdir: Path, port: int | None = None) -> tuple[Process, str]:
    port = port or free_port()
    log = workdir / f"actions-{port}.log"
    popen = subprocess.Popen(
        [str(BIN / "python"), "-m", "rasa_sdk", "--actions", "actions", "--port", str(port)],
        cwd=paths.ROOT, env=_env(), stdout=log.open("wb"), stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    wait_for(f"{url}/health", popen, log)
    return Process(popen, log), f"{url}/webhook"


def write_endpoints(workdir: Path, action_url: str, tracker_store: str) -> Path:
    path = workdir / f"endpoints-{free_port()}.yml"
    path.write_text(f'action_endpoint:\n  url: "{action_url}"\n{tracker_store}')
    return path


def sqlite_store(db: Path) -> str:
    return f'tracker_store:\n  type: SQL\n  dialect: "sqlite"\n  db: "{db}"\n'


def env_sql_store(db: Path) -> str:
    """The project's tracker store (endpoints.yml's): LES_TRACKER_DB_URL if set, else this file."""
    return f'tracker_store:\n  type: bot.review.tracker_store.EnvSQLTrackerStore\n  db: "{db}"\n'


def start_rasa(workdir: Path, model: Path, endpoints: Path,
               credentials: Path = paths.ROOT / "credentials.yml", port: int | None = None,
               env: dict[str, str] | None = None, args: tuple[str, ...] = ()) -> tuple[Process, str]:
    """Rasa on ``port`` (a free one by default); ``env`` adds variables such as
    WIDGET_ALLOWED_ORIGINS, ``args`` options such as ``--cors``."""
    port = port or free_port()
    log = workdir / f"rasa-{port}.log"
    popen = subprocess.Popen(
        [str(BIN / "rasa"), "run", "--model", str(model), "--port", str(port),
         "--endpoints", str(endpoints), "--credentials", str(credentials), *args],
        cwd=paths.ROOT, env=_env(**(env or {})), stdout=log.open("ab"), stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    wait_for(f"{url}/", popen, log)
    return Process(popen, log), url
