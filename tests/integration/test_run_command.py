"""`make run`'s supervisor: starts both servers, prints how to talk to them, Ctrl-C stops both."""

import signal
import subprocess
import sys
import time

import requests

from bot import paths
from bot.ops.env import process_env
from tests import servers


def test_run_starts_both_servers_and_ctrl_c_stops_them(model_path, workdir):
    rasa_port, actions_port = servers.free_port(), servers.free_port()
    endpoints = servers.write_endpoints(
        workdir, f"http://localhost:{actions_port}/webhook", servers.sqlite_store(workdir / "run.db"))
    log = workdir / "run-command.log"
    process = subprocess.Popen(
        [sys.executable, "-m", "bot.ops.run", "--model", str(model_path), "--endpoints", str(endpoints)],
        cwd=paths.ROOT, env=process_env(RASA_PORT=str(rasa_port), ACTIONS_PORT=str(actions_port)),
        stdout=log.open("wb"), stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 240
        while "Press Ctrl-C to stop." not in log.read_text():
            assert process.poll() is None, log.read_text()
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.5)
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
