"""Start the action server, the Rasa server and the review console, keep them up; Ctrl-C stops all.

    python -m bot.ops.run --model models/les-<fingerprint>.tar.gz

A part that crashes after the start is started again with backoff while the others
keep running (bot/ops/supervise.py); only Ctrl-C, or a part that keeps crashing, stops
everything. The processes' logs go to build/logs/, the launcher's own (crashes,
restarts) to build/logs/run.log. Ports come from RASA_PORT (5005), ACTIONS_PORT (5055)
and CONSOLE_PORT (5080). The Rasa server runs as ``python -m bot.server`` (the Rasa
patches checked and installed; bot/ops/launch.py has the commands) and also serves the
web widget and its demo page (/widget/, see bot/server/channels/widget_assets.py);
WIDGET_ALLOWED_ORIGINS is passed on. The conversation store is the SQLite file
build/conversations.db unless LES_TRACKER_DB_URL names another database; Rasa and the
console both read that variable. Variables in a `.env` file at the repository root
(the Slack app's token and signing secret) are added to the environment unless already
set.

Rasa's HTTP API (conversations, trackers, model) stays off unless RASA_API_TOKEN
(a shared token, `?token=...`) or RASA_JWT_SECRET (JWTs signed with it, HS256 unless
RASA_JWT_METHOD says otherwise) is set: it is never on without authentication.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from bot import paths
from bot.common import settings
from bot.common.deadlines import seconds
from bot.common.slack_settings import WEBHOOK_PATH, SlackSettings
from bot.ops import envfile, launch
from bot.ops.supervise import CrashLoop, RestartPolicy, Supervisor, log_line_writer
from bot.ops.wait import wait_until_up

LOGS = paths.BUILD / "logs"
STARTUP_TIMEOUT_S = 240
STOP_TIMEOUT_S = 15


def slack_status(env: dict[str, str], rasa_port: str) -> str:
    """One line saying whether Slack is on, and what to do either way."""
    settings = SlackSettings.from_env(env)
    if not settings.enabled:
        return (f"off (set {' and '.join(settings.missing)} in the environment or .env; "
                "README, section Slack)")
    return (f"on; Slack must reach https://<public host>{WEBHOOK_PATH} "
            f"(here: localhost:{rasa_port}{WEBHOOK_PATH})")


def api_args(env: dict[str, str]) -> list[str]:
    """Rasa's HTTP API flags: on only with a token or a JWT secret, off otherwise."""
    args: list[str] = []
    token, secret = settings.value("RASA_API_TOKEN", env), settings.value("RASA_JWT_SECRET", env)
    if token:
        args += ["--auth-token", token]
    if secret:
        args += ["--jwt-secret", secret, "--jwt-method", settings.value("RASA_JWT_METHOD", env)]
    return ["--enable-api", *args] if args else []


def api_status(env: dict[str, str]) -> str:
    if settings.value("RASA_API_TOKEN", env) or settings.value("RASA_JWT_SECRET", env):
        return "on, authenticated calls only (RASA_API_TOKEN / RASA_JWT_SECRET)"
    return "off (set RASA_API_TOKEN or RASA_JWT_SECRET to turn it on with authentication)"


def supervised(supervisor: Supervisor, name: str, log_name: str, args: list[str],
               env: dict[str, str]) -> tuple[subprocess.Popen, Path]:
    """Start a process under the supervisor (restarted with the same command if it crashes)."""
    log = LOGS / f"{log_name}.log"
    process = supervisor.add(name, lambda: launch.Process(name, args, log, env=env).started(), log)
    return process, log


def restart_policy(env: dict[str, str]) -> RestartPolicy:
    """Restart backoff and crash-loop limit; LES_RESTART_* override them (the tests use short ones).

    ValueError, naming the variable, for a value that is not a positive number (a whole
    one for LES_RESTART_MAX_CRASHES).
    """
    default = RestartPolicy()
    raw = settings.value("LES_RESTART_MAX_CRASHES", env)
    if raw and not (raw.isdigit() and int(raw) > 0):
        raise ValueError(f"LES_RESTART_MAX_CRASHES must be a whole number above 0, not {raw!r}")
    crashes = int(raw) if raw else default.max_crashes
    return RestartPolicy(
        first_delay_s=seconds("LES_RESTART_FIRST_DELAY_S", default.first_delay_s, env),
        max_delay_s=seconds("LES_RESTART_MAX_DELAY_S", default.max_delay_s, env),
        max_crashes=crashes,
        window_s=seconds("LES_RESTART_WINDOW_S", default.window_s, env),
    )


def _store_description(env: dict[str, str]) -> str:
    """Where conversations go, without printing a password from the URL."""
    from bot.common.store_url import DB_URL_ENV, database_url

    url = settings.value(DB_URL_ENV, env) or database_url()
    if "@" in url:
        scheme, rest = url.split("://", 1)
        url = f"{scheme}://***@{rest.rsplit('@', 1)[1]}"
    return url + ("" if settings.is_set(DB_URL_ENV, env) else f"  (set {DB_URL_ENV} for PostgreSQL)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", required=True, type=Path)
    parser.add_argument("--endpoints", default=settings.value("ENDPOINTS"))
    parser.add_argument("--credentials", default="credentials.yml")
    args = parser.parse_args(argv)
    base_env = envfile.merged(paths.ROOT / ".env", os.environ)
    rasa_port = settings.value("RASA_PORT", base_env)
    actions_port = settings.value("ACTIONS_PORT", base_env)
    console_port = settings.value("CONSOLE_PORT", base_env)
    env = launch.server_env(base=base_env, keep_slack=True,
                            ACTION_SERVER_URL=f"http://localhost:{actions_port}/webhook")
    paths.BUILD.mkdir(exist_ok=True)
    say = log_line_writer(LOGS / "run.log", lambda text: print(text, file=sys.stderr, flush=True))
    try:
        supervisor = Supervisor(restart_policy(env), say)
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    stopping = False

    def on_signal(signum: int, _frame: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    try:
        print("starting the action server ...", flush=True)
        actions, actions_log = supervised(supervisor, "action server", "actions",
                                          launch.actions_command(actions_port), env)
        print(f"starting the Rasa server with {args.model} (about a minute) ...", flush=True)
        rasa, rasa_log = supervised(supervisor, "Rasa server", "rasa", launch.rasa_command(
            args.model, rasa_port, args.endpoints, args.credentials, "--cors", "*", *api_args(env)), env)
        wait_until_up(f"http://localhost:{actions_port}/health", lambda: actions.poll() is None,
                      "action server", actions_log, STARTUP_TIMEOUT_S)
        wait_until_up(f"http://localhost:{rasa_port}/", lambda: rasa.poll() is None, "Rasa server",
                      rasa_log, STARTUP_TIMEOUT_S)
        # After Rasa, so that Rasa has created the events table the console reads.
        print("starting the review console ...", flush=True)
        console, console_log = supervised(supervisor, "review console", "console",
                                          launch.console_command(console_port), env)
        wait_until_up(f"http://localhost:{console_port}/healthz", lambda: console.poll() is None,
                      "review console", console_log, STARTUP_TIMEOUT_S)
        print(f"""
The LES bot is running.
  Web widget: http://localhost:{rasa_port}/widget/  (demo page; open it in a browser)
  REST:       curl -s localhost:{rasa_port}/webhooks/rest/webhook \\
                -d '{{"sender": "me", "message": "what are the symptoms of LES?"}}'
  Slack:      {slack_status(env, rasa_port)}
  API:        {api_status(env)}
  Console:    http://localhost:{console_port}/  (care-team review; first user:
                make console-user NAME=<name> ROLE=admin)
  Store:      {_store_description(env)}
  Logs:       {LOGS}/
A part that crashes is restarted (build/logs/run.log). Press Ctrl-C to stop.""", flush=True)
        while not stopping:
            supervisor.check()
            time.sleep(0.5)
        print("\nstopping ...", flush=True)
        return 0
    except CrashLoop as error:
        say(f"error: {error}")
        return 1
    except RuntimeError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    finally:
        launch.stop_all(supervisor.processes(), signal.SIGINT, STOP_TIMEOUT_S)
        print("stopped.", flush=True)


if __name__ == "__main__":
    sys.exit(main())
