"""Train and start the two bots for a benchmark, and watch their memory.

Our bot runs as shipped (``python -m bot.server``: config.yml, credentials.yml,
endpoints.yml with the conversation store moved to a temporary SQLite file), with its
action server. The
stock bot is what ``rasa init --no-prompt`` creates and trains (DIET, TED, in-memory
tracker store, no action server), in a temporary folder, served by plain ``rasa run``.
"""

from __future__ import annotations

import contextlib
import shutil
import signal
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import psutil
import requests
import yaml

from bot import paths
from bot.ops import launch
from bot.ops.launch import BIN, free_port

STARTUP_TIMEOUT_S = 600
STOP_TIMEOUT_S = 30


def _env(extra: dict[str, str] | None = None) -> dict[str, str]:
    return launch.server_env(**(extra or {}))


def train_ours(workdir: Path) -> tuple[Path, float]:
    """Train our model from scratch (own empty cache) into ``workdir``; (model, seconds)."""
    out = workdir / "models"
    started = time.monotonic()
    subprocess.run(
        [str(BIN / "rasa"), "train", "--fixed-model-name", "les-bench", "--out", str(out)],
        cwd=paths.ROOT, env=_env({"RASA_CACHE_DIRECTORY": str(workdir / "cache-ours")}),
        stdout=(workdir / "train-ours.log").open("wb"), stderr=subprocess.STDOUT, check=True)
    return out / "les-bench.tar.gz", time.monotonic() - started


def init_baseline(workdir: Path) -> tuple[Path, Path, float]:
    """``rasa init --no-prompt`` (scaffold + training); (project dir, model, seconds)."""
    project = workdir / "baseline"
    project.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    subprocess.run(
        [str(BIN / "rasa"), "init", "--no-prompt", "--init-dir", str(project)],
        cwd=project, env=_env({"RASA_CACHE_DIRECTORY": str(workdir / "cache-baseline")}),
        stdout=(workdir / "train-baseline.log").open("wb"), stderr=subprocess.STDOUT, check=True)
    seconds = time.monotonic() - started
    models = sorted((project / "models").glob("*.tar.gz"))
    if not models:
        raise RuntimeError(f"rasa init trained no model; see {workdir / 'train-baseline.log'}")
    return project, models[-1], seconds


def cached_baseline(cache: Path) -> tuple[Path, Path] | None:
    """A baseline project from an earlier run (``--no-train``), if there is one."""
    models = sorted((cache / "baseline" / "models").glob("*.tar.gz"))
    return (cache / "baseline", models[-1]) if models else None


@dataclass
class Stack:
    """One bot: its Rasa server, maybe an action server, and how it started."""

    name: str
    url: str
    servers: dict[str, launch.Process] = field(default_factory=dict)
    first_answer_s: float | None = None

    @property
    def webhook(self) -> str:
        return f"{self.url}/webhooks/rest/webhook"

    def stop(self) -> None:
        for server in self.servers.values():
            server.stop()


def _start(name: str, args: list[str], cwd: Path, env: dict[str, str], workdir: Path) -> launch.Process:
    return launch.Process(name, args, workdir / f"{name}.log", cwd=cwd, env=env,
                          stop_signal=signal.SIGTERM, stop_timeout_s=STOP_TIMEOUT_S).start()


def _wait_for_first_answer(stack: Stack, started: float) -> None:
    """Wait for the stack's first reply; on failure stop its servers before raising."""
    try:
        _poll_first_answer(stack, started)
    except Exception:
        stack.stop()
        raise


def _poll_first_answer(stack: Stack, started: float) -> None:
    deadline = started + STARTUP_TIMEOUT_S
    while time.monotonic() < deadline:
        for server in stack.servers.values():
            if server.popen.poll() is not None:
                raise RuntimeError(f"{server.name} exited ({server.popen.returncode}); see {server.log}")
        try:
            reply = requests.post(stack.webhook, json={"sender": "bench-startup", "message": "hello"},
                                  timeout=30)
            if reply.status_code == 200 and reply.json():
                stack.first_answer_s = time.monotonic() - started
                return
        except requests.RequestException:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{stack.name} gave no answer within {STARTUP_TIMEOUT_S}s")


def ours_endpoints(workdir: Path, action_url: str) -> Path:
    """endpoints.yml as shipped, with the action server and the SQLite file of this run."""
    config = yaml.safe_load((paths.ROOT / "endpoints.yml").read_text()) or {}
    config["action_endpoint"] = {**(config.get("action_endpoint") or {}), "url": action_url}
    store = config.get("tracker_store") or {}
    if store.get("dialect", "sqlite") == "sqlite" or "db" in store:
        store["db"] = str(workdir / "conversations.db")
    config["tracker_store"] = store
    path = workdir / "endpoints-ours.yml"
    path.write_text(yaml.safe_dump(config))
    return path


def start_ours(model: Path, workdir: Path, extra_env: dict[str, str] | None = None) -> Stack:
    actions_port, rasa_port = free_port(), free_port()
    env = _env(extra_env)
    endpoints = ours_endpoints(workdir, f"http://127.0.0.1:{actions_port}/webhook")
    stack = Stack("ours", f"http://127.0.0.1:{rasa_port}")
    started = time.monotonic()
    stack.servers["actions"] = _start("actions", launch.actions_command(actions_port), paths.ROOT, env,
                                      workdir)
    stack.servers["rasa"] = _start("rasa-ours", launch.rasa_command(model, rasa_port, endpoints,
                                                                    paths.ROOT / "credentials.yml"),
                                   paths.ROOT, env, workdir)
    _wait_for_first_answer(stack, started)
    return stack


def start_baseline(project: Path, model: Path, workdir: Path) -> Stack:
    rasa_port = free_port()
    stack = Stack("baseline", f"http://127.0.0.1:{rasa_port}")
    started = time.monotonic()
    stack.servers["rasa"] = _start("rasa-baseline", launch.stock_rasa_command(model, rasa_port), project,
                                   _env(), workdir)
    _wait_for_first_answer(stack, started)
    return stack


def tree_rss(pid: int) -> int:
    """Resident memory of a process and its children, in bytes (0 once it is gone)."""
    try:
        process = psutil.Process(pid)
        total = process.memory_info().rss
        for child in process.children(recursive=True):
            with contextlib.suppress(psutil.Error):
                total += child.memory_info().rss
        return total
    except psutil.Error:
        return 0


class MemoryWatch:
    """Samples the resident memory of named processes twice a second, in the background."""

    def __init__(self, pids: dict[str, int], interval_s: float = 0.5) -> None:
        self.pids = pids
        self.interval_s = interval_s
        self.samples: list[tuple[float, dict[str, int]]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.samples.append((time.monotonic(), {n: tree_rss(p) for n, p in self.pids.items()}))
            self._stop.wait(self.interval_s)

    def start(self) -> MemoryWatch:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()

    def now(self) -> dict[str, int]:
        return {n: tree_rss(p) for n, p in self.pids.items()}

    def peak(self, name: str, since: float = 0.0) -> int:
        return max((s[name] for t, s in self.samples if t >= since), default=0)


def pids(stack: Stack, prefix: str) -> dict[str, int]:
    return {f"{prefix}.{name}": server.popen.pid for name, server in stack.servers.items()}


def remove(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)
