"""Real processes for the scale and fault tests: a private PostgreSQL and Redis, the action
server, two Rasa servers sharing them, and HAProxy in front (deploy/haproxy/haproxy.cfg).

Everything listens on 127.0.0.1, on free ports, and is started and stopped by the tests
(the machine's own PostgreSQL and Redis services are never touched). Each process can be
stopped, killed and started again on the same port, or paused (SIGSTOP, the whole process
tree: alive, connections open, nothing answered) and resumed, which is what the fault
tests do.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import psutil

from bot import paths
from bot.ops import launch
from tests.support import servers

HAPROXY_CONFIG = paths.ROOT / "deploy" / "haproxy" / "haproxy.cfg"
# A conversation's lock outlives a killed server by this long (Rasa's default is 60 s).
LOCK_LIFETIME_S = "15"


def _pg_bin() -> Path:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/postgres"))
    if not found:
        raise RuntimeError("PostgreSQL server binaries not found: run `make scale-deps`")
    return found[-1].parent


def _wait_port(port: int, timeout: float = 60) -> None:
    import socket

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise RuntimeError(f"nothing listens on port {port}")


@dataclass
class Managed(launch.Process):
    """A process that can be stopped, killed, started again with the same command, and paused.

    Each has a session of its own, so a signal reaches the process and its children.
    """

    new_session: bool = True
    stop_signal: int = signal.SIGTERM
    stop_timeout_s: float = 30.0

    def _tree(self) -> list[psutil.Process]:
        """The process and all its descendants (PostgreSQL's backends each have a session
        of their own, so signalling the process group would miss them)."""
        root = psutil.Process(self.popen.pid)
        return [root, *root.children(recursive=True)]

    def pause(self) -> None:
        """SIGSTOP every process of the tree, parent first (so it forks nothing new): hung."""
        for process in self._tree():
            process.send_signal(signal.SIGSTOP)

    def resume(self) -> None:
        for process in reversed(self._tree()):
            process.send_signal(signal.SIGCONT)


@dataclass
class Postgres(Managed):
    port: int = 0
    data: Path = Path()

    @classmethod
    def create(cls, workdir: Path) -> Postgres:
        # directly under /tmp: the postgres user cannot enter pytest's private folders
        data = Path(tempfile.mkdtemp(prefix="les-scale-pg-"))
        shutil.chown(data, "postgres", "postgres")
        data.chmod(0o700)
        subprocess.run(["runuser", "-u", "postgres", "--", str(_pg_bin() / "initdb"), "-D", str(data),
                        "-A", "trust", "-U", "postgres", "--no-sync"],
                       check=True, capture_output=True)
        port = servers.free_port()
        command = [str(_pg_bin() / "postgres"), "-D", str(data), "-p", str(port), "-k", str(data),
                   "-c", "listen_addresses=127.0.0.1", "-c", "max_connections=100"]
        return cls("postgres", command, workdir / "postgres.log", user="postgres", port=port, data=data)

    def start(self) -> Postgres:
        super().start()
        _wait_port(self.port)
        return self

    def create_database(self, name: str) -> None:
        deadline = time.monotonic() + 30
        while True:
            psql = [str(_pg_bin() / "psql"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres"]
            result = subprocess.run(["runuser", "-u", "postgres", "--", *psql, "-c",
                                     f"CREATE DATABASE {name}"], capture_output=True, text=True)
            if result.returncode == 0 or time.monotonic() > deadline:
                return
            time.sleep(0.5)

    def restart(self, down_s: float = 3) -> None:
        """Fast shutdown (SIGINT: open transactions are rolled back), a pause, start again."""
        self.stop(signal.SIGINT)
        time.sleep(down_s)
        self.start()


@dataclass
class Redis(Managed):
    port: int = 0

    @classmethod
    def create(cls, workdir: Path) -> Redis:
        port = servers.free_port()
        command = ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                   "--appendonly", "no", "--dir", str(workdir)]
        return cls("redis", command, workdir / "redis.log", port=port)

    def start(self) -> Redis:
        super().start()
        _wait_port(self.port)
        return self

    def restart(self, down_s: float = 3) -> None:
        self.stop(signal.SIGKILL)
        time.sleep(down_s)
        self.start()


@dataclass
class HttpServer(Managed):
    port: int = 0
    health: str = "/"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, wait: bool = True) -> HttpServer:
        super().start()
        if wait:
            self.wait()
        return self

    def wait(self) -> None:
        self.wait_until_up(self.url + self.health, timeout_s=300, interval_s=0.3,
                           log_tail_chars=servers.LOG_TAIL_CHARS)


@dataclass
class Cluster:
    workdir: Path
    postgres: Postgres
    redis: Redis
    actions: HttpServer
    rasa: list[HttpServer] = field(default_factory=list)
    lb: HttpServer | None = None
    db_url: str = ""

    @property
    def lb_url(self) -> str:
        return self.lb.url

    def stop(self) -> None:
        for process in [self.lb, *self.rasa, self.actions, self.redis]:
            if process:
                process.stop()
        self.postgres.stop(signal.SIGINT)
        shutil.rmtree(self.postgres.data, ignore_errors=True)


def endpoints(workdir: Path, action_url: str, pg_port: int, database: str, redis_port: int,
              key_prefix: str) -> Path:
    path = workdir / "endpoints-scale.yml"
    path.write_text(f"""action_endpoint:
  url: "{action_url}"
  enable_selective_domain: true
tracker_store:
  type: bot.server.tracker_store.EnvSQLTrackerStore
  dialect: "postgresql"
  url: "127.0.0.1"
  port: {pg_port}
  username: "postgres"
  db: "{database}"
lock_store:
  type: bot.server.lock_store.AtomicRedisLockStore
  url: "127.0.0.1"
  port: {redis_port}
  db: 0
  key_prefix: "{key_prefix}"
""")
    return path


def rasa_server(index: int, workdir: Path, model: Path, endpoints_file: Path, port: int | None = None,
                extra_args: list[str] | None = None, env: dict[str, str] | None = None) -> HttpServer:
    port = port or servers.free_port()
    command = launch.rasa_command(model, port, endpoints_file, paths.ROOT / "credentials.yml",
                                  *(extra_args or []))
    process_env = servers.isolated_env(TICKET_LOCK_LIFETIME=LOCK_LIFETIME_S, **(env or {}))
    return HttpServer(f"rasa{index}", command, workdir / f"rasa{index}.log", env=process_env, port=port)


def haproxy(workdir: Path, rasa: list[HttpServer]) -> HttpServer:
    port = servers.free_port()
    env = {**os.environ, "LB_BIND": f"127.0.0.1:{port}", "RASA1": f"127.0.0.1:{rasa[0].port}",
           "RASA2": f"127.0.0.1:{rasa[1].port}"}
    haproxy_bin = shutil.which("haproxy") or "/usr/sbin/haproxy"
    return HttpServer("haproxy", [haproxy_bin, "-db", "-f", str(HAPROXY_CONFIG)], workdir / "haproxy.log",
                      env=env, port=port, health="/webhooks/rest/")


def start_cluster(workdir: Path, model: Path, rasa_env: dict[str, str] | None = None) -> Cluster:
    """The whole cluster; ``rasa_env`` adds variables to both Rasa servers (the fake Slack's)."""
    postgres = Postgres.create(workdir).start()
    database = "les_scale"
    postgres.create_database(database)
    redis = Redis.create(workdir).start()
    actions_port = servers.free_port()
    actions = HttpServer("actions", launch.actions_command(actions_port), workdir / "actions.log",
                         env=servers.isolated_env(), port=actions_port, health="/health")
    cluster = Cluster(workdir, postgres, redis, actions)
    try:
        actions.start()
        endpoints_file = endpoints(workdir, f"{actions.url}/webhook", postgres.port, database, redis.port,
                                   f"scale{os.getpid()}")
        cluster.rasa = [rasa_server(i + 1, workdir, model, endpoints_file, env=rasa_env) for i in range(2)]
        for server in cluster.rasa:
            server.start(wait=False)
        for server in cluster.rasa:
            server.wait()
        cluster.lb = haproxy(workdir, cluster.rasa).start()
        cluster.db_url = f"postgresql://postgres@127.0.0.1:{postgres.port}/{database}"
        return cluster
    except Exception:
        cluster.stop()
        raise
