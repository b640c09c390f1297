"""Starting, waiting for and stopping this project's server processes, in one place.

``make run`` (bot/ops/run.py), the benchmark (bench/) and the tests all start the
same servers: the Rasa server always as ``python -m bot.server`` (so the Rasa
patches are installed and checked, bot/server/rasa_patches), the action server as
``python -m rasa_sdk``. The commands, the free port, the environment and the
start/stop logic live here so that every caller starts them the same way.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from bot import paths
from bot.ops.env import process_env
from bot.ops.wait import wait_until_up

BIN = Path(sys.executable).parent


def free_port() -> int:
    """A TCP port nothing listens on now (the OS picks it)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_env(base: Mapping[str, str] | None = None, keep_slack: bool = False,
               **extra: str) -> dict[str, str]:
    """The servers' environment; without SLACK_* unless ``keep_slack`` (a bench or a test
    must never post to the developer's own Slack app)."""
    inherited = os.environ if base is None else base
    if not keep_slack:
        inherited = {k: v for k, v in inherited.items() if not k.startswith("SLACK_")}
    return {**process_env(base=inherited), **extra}


def rasa_command(model: Path | str, port: int | str, endpoints: Path | str | None = None,
                 credentials: Path | str | None = None, *args: str) -> list[str]:
    """Our Rasa server: ``rasa run``'s arguments, started through ``bot.server``."""
    command = [str(BIN / "python"), "-m", "bot.server", "--model", str(model), "--port", str(port)]
    if endpoints is not None:
        command += ["--endpoints", str(endpoints)]
    if credentials is not None:
        command += ["--credentials", str(credentials)]
    return [*command, *args]


def stock_rasa_command(model: Path | str, port: int | str) -> list[str]:
    """Plain ``rasa run``, without our patches: the benchmark's stock bot only."""
    return [str(BIN / "rasa"), "run", "--model", str(model), "--port", str(port)]


def actions_command(port: int | str, *wrap: str) -> list[str]:
    """The action server; ``wrap``: arguments before ``-m rasa_sdk`` (a profiler's)."""
    return [str(BIN / "python"), *wrap, "-m", "rasa_sdk", "--actions", "actions", "--port", str(port)]


def console_command(port: int | str) -> list[str]:
    """The care team's review console."""
    return [str(BIN / "python"), "-m", "bot.review.serve", "--port", str(port)]


def stop_all(processes: Sequence[subprocess.Popen], sig: int, timeout_s: float) -> None:
    """Signal them all at once, then give them ``timeout_s`` together; kill what is left."""
    for process in processes:
        if process.poll() is None:
            process.send_signal(sig)
    deadline = time.monotonic() + timeout_s
    for process in processes:
        try:
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            process.kill()


@dataclass
class Process:
    """A server process: started with its output appended to ``log``, stopped with
    ``stop_signal`` and killed if it has not exited ``stop_timeout_s`` later."""

    name: str
    command: Sequence[str]
    log: Path
    cwd: Path = paths.ROOT
    env: Mapping[str, str] | None = None
    stop_signal: int = signal.SIGINT
    stop_timeout_s: float = 20.0
    new_session: bool = False  # its own process group: signals reach its children too
    user: str | None = None  # run as this user (runuser), e.g. postgres
    popen: subprocess.Popen | None = None

    def started(self) -> subprocess.Popen:
        """Start it and return its Popen (for a supervisor that restarts crashed processes)."""
        popen = self.start().popen
        assert popen is not None
        return popen

    def start(self) -> Process:
        command = ["runuser", "-u", self.user, "--", *self.command] if self.user else list(self.command)
        self.log.parent.mkdir(parents=True, exist_ok=True)
        with self.log.open("ab") as handle:  # the child keeps its own copy of the descriptor
            self.popen = subprocess.Popen(command, cwd=self.cwd, env=dict(self.env) if self.env else None,
                                          stdout=handle, stderr=subprocess.STDOUT,
                                          start_new_session=self.new_session)
        return self

    @property
    def running(self) -> bool:
        return self.popen is not None and self.popen.poll() is None

    def send(self, sig: int) -> None:
        """Signal the process (its whole group when it has a session of its own)."""
        popen = self.popen
        if popen is None or popen.poll() is not None:
            return
        if self.new_session:
            os.killpg(popen.pid, sig)
        else:
            popen.send_signal(sig)

    def wait_until_up(self, url: str, timeout_s: float = 240, interval_s: float = 0.5,
                      log_tail_chars: int = 0) -> Process:
        """Return once ``url`` answers HTTP; else stop it and raise RuntimeError naming the log."""
        try:
            wait_until_up(url, lambda: self.running, self.name, self.log, timeout_s, interval_s=interval_s,
                          log_tail_chars=log_tail_chars)
        except RuntimeError:
            self.stop()
            raise
        return self

    def stop(self, sig: int | None = None, timeout_s: float | None = None) -> None:
        popen = self.popen
        if popen is None or popen.poll() is not None:
            return
        self.send(self.stop_signal if sig is None else sig)
        try:
            popen.wait(timeout=self.stop_timeout_s if timeout_s is None else timeout_s)
        except subprocess.TimeoutExpired:
            self.send(signal.SIGKILL)
            popen.wait()

    def kill(self) -> None:
        self.stop(signal.SIGKILL)
