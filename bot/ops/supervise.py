"""Keep `make run`'s processes up: restart a crashed one with backoff, give up on a crash loop.

Only the crashed process is restarted (1 s, 2 s, 4 s ... at most ``max_delay_s``), so a
dead action server or console never takes the Rasa server and its 911 message down; a
process that crashes ``max_crashes`` times within ``window_s`` stops everything, named
with its exit code and log. Why not honcho or supervisord: docs/operator.md.
"""

from __future__ import annotations

import subprocess
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

Starter = Callable[[], subprocess.Popen]


@dataclass(frozen=True)
class RestartPolicy:
    """How soon to restart, and how many crashes in how long mean "stop trying"."""

    first_delay_s: float = 1.0
    max_delay_s: float = 30.0
    max_crashes: int = 5
    window_s: float = 300.0

    def delay(self, crashes_in_a_row: int) -> float:
        """Seconds to wait before the restart that follows the n-th crash in a row (n >= 1)."""
        return min(self.max_delay_s, self.first_delay_s * 2 ** max(0, crashes_in_a_row - 1))


@dataclass
class Supervised:
    """One process the supervisor keeps running."""

    name: str  # as said to the operator: "action server"
    start: Starter
    log: Path  # the process's own log, named when it crashes
    process: subprocess.Popen | None = None
    crashes: deque[float] = field(default_factory=deque)  # monotonic times within the window
    in_a_row: int = 0
    restart_at: float | None = None
    started_at: float = 0.0


class CrashLoop(RuntimeError):
    """A process kept crashing: the supervisor stopped trying (the message says which and why)."""


class Supervisor:
    """Restarts crashed processes with backoff; ``check()`` once or twice a second drives it."""

    def __init__(self, policy: RestartPolicy, say: Callable[[str], None],
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.policy = policy
        self.say = say
        self.clock = clock
        self.parts: list[Supervised] = []

    def add(self, name: str, start: Starter, log: Path) -> subprocess.Popen:
        """Start ``name`` now and keep it running from then on."""
        part = Supervised(name, start, log)
        part.process = start()
        part.started_at = self.clock()
        self.parts.append(part)
        return part.process

    def processes(self) -> list[subprocess.Popen]:
        return [part.process for part in self.parts if part.process is not None]

    def check(self) -> None:
        """Notice exits, restart what is due; raise CrashLoop when a part keeps crashing."""
        now = self.clock()
        for part in self.parts:
            if part.restart_at is not None:
                if now >= part.restart_at:
                    part.restart_at = None
                    part.process = part.start()
                    part.started_at = now
                    self.say(f"{part.name} restarted (pid {part.process.pid})")
                continue
            if part.process is None or part.process.poll() is None:
                if part.in_a_row and now - part.started_at > self.policy.window_s:
                    part.in_a_row = 0  # it has run long enough: the next crash starts afresh
                continue
            self._crashed(part, now)

    def _crashed(self, part: Supervised, now: float) -> None:
        code = part.process.returncode if part.process is not None else None
        part.crashes.append(now)
        while part.crashes and part.crashes[0] < now - self.policy.window_s:
            part.crashes.popleft()
        part.in_a_row += 1
        if len(part.crashes) >= self.policy.max_crashes:
            raise CrashLoop(
                f"{part.name} crashed {len(part.crashes)} times within {self.policy.window_s:g} s "
                f"(last exit code {code}); restarting it does not help, see {part.log}. "
                "Stopping everything.")
        delay = self.policy.delay(part.in_a_row)
        part.restart_at = now + delay
        self.say(f"{part.name} stopped unexpectedly (exit code {code}, crash {len(part.crashes)} of "
                 f"{self.policy.max_crashes} allowed within {self.policy.window_s:g} s); "
                 f"restarting it in {delay:g} s (see {part.log}). The other parts keep running.")


def log_line_writer(path: Path, echo: Callable[[str], None]) -> Callable[[str], None]:
    """say(text): ``echo`` it and append it with a UTC time to ``path`` (the launcher's log)."""

    def say(text: str) -> None:
        echo(text)
        path.parent.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M:%S")
        with path.open("a", encoding="utf-8") as log:
            log.write(f"{stamp} UTC {text}\n")

    return say
