"""Waiting for a started server: up on any HTTP answer, clear errors otherwise."""

from __future__ import annotations

import http.server
import socket
import threading
from pathlib import Path

import pytest

from bot.ops.wait import answers, wait_until_up


class NotFound(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.send_response(404)
        self.end_headers()

    def log_message(self, *args) -> None:
        pass


@pytest.fixture()
def server():
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), NotFound)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()


def closed_port_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{sock.getsockname()[1]}/"


def test_any_http_answer_counts_as_up(server, tmp_path):
    assert answers(server)
    wait_until_up(server, lambda: True, "demo", tmp_path / "demo.log", timeout_s=5)


def test_a_process_that_exits_is_named_with_its_log(tmp_path: Path):
    log = tmp_path / "demo.log"
    log.write_text("line one\nTraceback: it broke\n")
    with pytest.raises(RuntimeError, match=r"demo exited before answering(.|\n)*it broke"):
        wait_until_up(closed_port_url(), lambda: False, "demo", log, timeout_s=5, log_tail_chars=100)


def test_silence_until_the_deadline_is_an_error(tmp_path: Path):
    assert not answers(closed_port_url())
    with pytest.raises(RuntimeError, match=r"demo did not answer on .* within 0.6s; see"):
        wait_until_up(closed_port_url(), lambda: True, "demo", tmp_path / "demo.log", timeout_s=0.6,
                      interval_s=0.1)
