"""Start the real action server and Rasa server for tests, on free ports (bot/ops/launch.py)."""

from __future__ import annotations

from pathlib import Path

from bot import paths
from bot.ops import launch
from bot.ops.launch import BIN, Process, free_port

__all__ = ["BIN", "Process", "free_port", "isolated_env", "start_action_server", "start_rasa"]

STARTUP_TIMEOUT_S = 240
LOG_TAIL_CHARS = 3000


def isolated_env(**extra: str) -> dict[str, str]:
    """The test servers' environment: never the developer's own Slack app (SLACK_*)."""
    return launch.server_env(**extra)


def start(process: Process, url: str, timeout_s: float = STARTUP_TIMEOUT_S) -> Process:
    """Start ``process`` and wait until ``url`` answers (the log's tail in the error if not)."""
    return process.start().wait_until_up(url, timeout_s, log_tail_chars=LOG_TAIL_CHARS)


def start_action_server(workdir: Path, port: int | None = None) -> tuple[Process, str]:
    port = port or free_port()
    url = f"http://127.0.0.1:{port}"
    process = start(Process("action server", launch.actions_command(port), workdir / f"actions-{port}.log",
                            env=isolated_env()), f"{url}/health")
    return process, f"{url}/webhook"


def write_endpoints(workdir: Path, action_url: str, tracker_store: str) -> Path:
    path = workdir / f"endpoints-{free_port()}.yml"
    path.write_text(f'action_endpoint:\n  url: "{action_url}"\n{tracker_store}')
    return path


def sqlite_store(db: Path) -> str:
    return f'tracker_store:\n  type: SQL\n  dialect: "sqlite"\n  db: "{db}"\n'


def env_sql_store(db: Path) -> str:
    """The project's tracker store (endpoints.yml's): LES_TRACKER_DB_URL if set, else this file."""
    return f'tracker_store:\n  type: bot.server.tracker_store.EnvSQLTrackerStore\n  db: "{db}"\n'


def start_rasa(workdir: Path, model: Path, endpoints: Path,
               credentials: Path = paths.ROOT / "credentials.yml", port: int | None = None,
               env: dict[str, str] | None = None, args: tuple[str, ...] = ()) -> tuple[Process, str]:
    """Our Rasa server (``python -m bot.server``) on ``port`` (a free one by default); ``env``
    adds variables such as WIDGET_ALLOWED_ORIGINS, ``args`` options such as ``--cors``."""
    port = port or free_port()
    url = f"http://127.0.0.1:{port}"
    process = start(Process("Rasa server", launch.rasa_command(model, port, endpoints, credentials, *args),
                            workdir / f"rasa-{port}.log", env=isolated_env(**(env or {}))), f"{url}/")
    return process, url
