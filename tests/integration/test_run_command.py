"""`make run`'s launcher: starts the servers, prints how to talk to them, restarts a crashed
part while the rest keeps answering, stops everything on Ctrl-C or a crash loop."""

import signal
import subprocess
import sys
import time
import uuid

import psutil
import requests

from bot import paths
from bot.ops.env import process_env
from bot.ops.wait import answers
from tests.support import servers
from tests.support.checks import is_emergency, names_section


def test_run_starts_both_servers_and_ctrl_c_stops_them(model_path, workdir):
    rasa_port, actions_port = servers.free_port(), servers.free_port()
    endpoints = servers.write_endpoints(
        workdir, f"http://localhost:{actions_port}/webhook", servers.sqlite_store(workdir / "run.db"))
    log = workdir / "run-command.log"
    process = subprocess.Popen(
        [sys.executable, "-m", "bot.ops.run", "--model", str(model_path), "--endpoints", str(endpoints)],
        cwd=paths.ROOT, env=process_env(RASA_PORT=str(rasa_port), ACTIONS_PORT=str(actions_port),
                                        CONSOLE_PORT=str(servers.free_port())),
        stdout=log.open("wb"), stderr=subprocess.STDOUT,
    )
    try:
        _wait_for_output(process, log, "Press Ctrl-C to stop.")
        assert f"localhost:{rasa_port}/webhooks/rest/webhook" in log.read_text()
        reply = requests.post(f"http://127.0.0.1:{rasa_port}/webhooks/rest/webhook",
                              json={"sender": "run-test", "message": "what is ivig"}, timeout=60).json()
        assert any("IVIg" in m.get("text", "") for m in reply)
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=60) == 0
        assert "stopped." in log.read_text()
        for port in (rasa_port, actions_port):
            try:
                requests.get(f"http://127.0.0.1:{port}/", timeout=2)
                raise AssertionError(f"port {port} still answers after Ctrl-C")
            except requests.ConnectionError:
                pass
    finally:
        if process.poll() is None:
            process.kill()


def _wait_for_output(process: subprocess.Popen, log, text: str, timeout: float = 240) -> None:
    deadline = time.monotonic() + timeout
    while text not in log.read_text():
        assert process.poll() is None, log.read_text()
        assert time.monotonic() < deadline, log.read_text()
        time.sleep(0.2)


def _child(launcher: subprocess.Popen, module: str) -> psutil.Process:
    """The launcher's one running child whose command line names ``module``."""
    children = psutil.Process(launcher.pid).children(recursive=True)
    found = [c for c in children if c.is_running() and module in " ".join(c.cmdline())]
    assert len(found) == 1, found
    return found[0]


def _action_server(launcher: subprocess.Popen) -> psutil.Process:
    return _child(launcher, "rasa_sdk")


def test_crashed_action_server_and_console_are_restarted_while_rasa_keeps_sending_911(model_path, workdir):
    rasa_port, actions_port, console_port = servers.free_port(), servers.free_port(), servers.free_port()
    endpoints = servers.write_endpoints(
        workdir, f"http://localhost:{actions_port}/webhook", servers.sqlite_store(workdir / "crash.db"))
    log = workdir / "run-crash.log"
    env = process_env(RASA_PORT=str(rasa_port), ACTIONS_PORT=str(actions_port),
                      CONSOLE_PORT=str(console_port), LES_RESTART_MAX_CRASHES="3")
    process = subprocess.Popen(
        [sys.executable, "-m", "bot.ops.run", "--model", str(model_path), "--endpoints", str(endpoints)],
        cwd=paths.ROOT, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT)
    rest = f"http://127.0.0.1:{rasa_port}/webhooks/rest/webhook"
    health = f"http://127.0.0.1:{actions_port}/health"
    try:
        _wait_for_output(process, log, "Press Ctrl-C to stop.")
        first = _action_server(process)
        first.kill()
        killed_at = time.monotonic()
        first.wait(timeout=10)
        # meanwhile the Rasa server answers: the 911 message first, then the apology
        started = time.monotonic()
        reply = requests.post(rest, json={"sender": uuid.uuid4().hex, "message": "my dad cant breathe"},
                              timeout=60).json()
        emergency_s = time.monotonic() - started
        texts = [m["text"] for m in reply]
        assert is_emergency(texts[0]) and emergency_s <= 2, (emergency_s, texts)
        while not answers(health):
            assert time.monotonic() - killed_at < 30, log.read_text()
            time.sleep(0.2)
        back_s = time.monotonic() - killed_at
        print(f"action server killed: 911 over REST in {emergency_s:.2f} s, back in {back_s:.1f} s")
        output = log.read_text()
        assert "action server stopped unexpectedly (exit code -9" in output
        assert "action server restarted (pid" in output
        assert "action server restarted" in (paths.BUILD / "logs" / "run.log").read_text()
        answer = requests.post(rest, json={"sender": uuid.uuid4().hex, "message": "what is ivig"},
                               timeout=60).json()
        assert names_section([m["text"] for m in answer], "Treatment")
        # the review console too
        _child(process, "bot.review.serve").kill()
        console_killed_at = time.monotonic()
        while not answers(f"http://127.0.0.1:{console_port}/healthz"):
            assert time.monotonic() - console_killed_at < 60, log.read_text()
            time.sleep(0.2)
        print(f"review console killed: back in {time.monotonic() - console_killed_at:.1f} s")
        assert "review console restarted (pid" in log.read_text()
        # a part that keeps crashing stops everything, saying which and why
        for _ in range(2):
            while not answers(health):
                assert process.poll() is None, log.read_text()
                time.sleep(0.2)
            _action_server(process).kill()
            time.sleep(0.5)
        assert process.wait(timeout=60) == 1, log.read_text()
        output = log.read_text()
        assert "action server crashed 3 times within 300 s (last exit code -9)" in output, output
        assert "Stopping everything" in output and "stopped." in output
        for port in (rasa_port, actions_port):
            assert not answers(f"http://127.0.0.1:{port}/"), f"port {port} still answers"
    finally:
        if process.poll() is None:  # the launcher stops its own children on Ctrl-C
            process.send_signal(signal.SIGINT)
            process.wait(timeout=60)
