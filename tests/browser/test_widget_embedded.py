"""The widget embedded on another site's page, against a bot of its own that the tests stop.

This module starts its own action server and Rasa server, as ``make run`` does
(``--cors "*"``) and with ``WIDGET_ALLOWED_ORIGINS`` naming the embedding site, so it
can take the server down without touching the other tests' bot. The "other site" is
a small HTTP server on another port that serves a page with only the embed snippet.
"""

from __future__ import annotations

import html
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from playwright.sync_api import Page, expect

from tests.support import servers
from tests.support.checks import greeting_buttons, is_disclaimer
from tests.support.widget import Widget

EMBED_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Another clinic</title></head>
<body><h1>Another clinic's page</h1>
<script src="{bot}/widget/les-widget.js" data-server-url="{bot}" data-title="{title}"
        data-color="{color}" data-initial-message="hello" defer></script>
</body></html>"""


@dataclass
class Bot:
    """A Rasa server that can be stopped and started again on the same port."""

    workdir: Path
    model: Path
    endpoints: Path
    env: dict[str, str]
    port: int = field(default_factory=servers.free_port)
    process: servers.Process | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        if self.process is None or self.process.popen.poll() is not None:
            self.process, _ = servers.start_rasa(self.workdir, self.model, self.endpoints, port=self.port,
                                                 env=self.env, args=("--cors", "*"))

    def stop(self) -> None:
        if self.process:
            self.process.stop()


@pytest.fixture(scope="module")
def site() -> Iterator[dict]:
    """The embedding site: http://127.0.0.1:PORT is allowed, http://localhost:PORT is not."""
    bot_url: dict[str, str] = {}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            query = parse_qs(urlsplit(self.path).query)
            body = EMBED_PAGE.format(bot=bot_url["url"],
                                     title=html.escape(query.get("title", ["Clinic chat"])[0]),
                                     color=html.escape(query.get("color", ["#7a1f5c"])[0])).encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", servers.free_port()), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    port = server.server_address[1]
    yield {"allowed": f"http://127.0.0.1:{port}", "other": f"http://localhost:{port}", "bot": bot_url}
    server.shutdown()


@pytest.fixture(scope="module")
def bot(model_path: Path, workdir: Path, site: dict) -> Iterator[Bot]:
    actions, action_url = servers.start_action_server(workdir)
    endpoints = servers.write_endpoints(workdir, action_url, servers.sqlite_store(workdir / "embedded.db"))
    bot = Bot(workdir, model_path, endpoints, env={"WIDGET_ALLOWED_ORIGINS": site["allowed"]})
    try:
        bot.start()
        site["bot"]["url"] = bot.url
        yield bot
    finally:
        bot.stop()
        actions.stop()


def test_embedded_with_one_script_tag_and_its_options(page: Page, bot: Bot, site: dict):
    page.goto(site["allowed"])
    widget = Widget(page).open()
    expect(page.locator(".title")).to_have_text("Clinic chat")
    colours = page.evaluate("""() => {
        const style = getComputedStyle(document.querySelector('[data-les-widget]').shadowRoot
            .querySelector('.header'));
        return [style.backgroundColor, style.color];
    }""")
    assert colours == ["rgb(122, 31, 92)", "rgb(255, 255, 255)"]
    widget.greeting()  # data-initial-message="hello" asked the bot for its greeting
    expect(page.locator(".quick-replies button")).to_have_count(len(greeting_buttons()))
    assert is_disclaimer(widget.ask("what is ivig")[-1])


def test_a_light_colour_gets_dark_text(page: Page, bot: Bot, site: dict):
    page.goto(f"{site['allowed']}/?color=%23ffd500")
    Widget(page).open()
    assert page.evaluate("""() => getComputedStyle(document.querySelector('[data-les-widget]')
        .shadowRoot.querySelector('.header')).color""") == "rgb(17, 17, 17)"


def test_a_site_that_is_not_allowed_cannot_connect(page: Page, bot: Bot, site: dict):
    page.goto(site["other"])
    widget = Widget(page).open()
    expect(widget.banner).to_be_visible(timeout=20_000)
    expect(widget.send_button).to_be_disabled()
    assert widget.transcript() == []


def test_socket_cors_headers_come_once_and_only_for_allowed_origins(bot: Bot, site: dict):
    handshake = f"{bot.url}/socket.io/?EIO=4&transport=polling"
    allowed = requests.get(handshake, headers={"Origin": site["allowed"]}, timeout=10)
    assert allowed.status_code == 200
    # `rasa run --cors "*"` must not add a second Access-Control-Allow-Origin: browsers reject two.
    assert allowed.raw.headers.getlist("Access-Control-Allow-Origin") == [site["allowed"]]
    refused = requests.get(handshake, headers={"Origin": site["other"]}, timeout=10)
    assert refused.status_code == 400
    assert "Access-Control-Allow-Origin" not in refused.headers


def test_server_down_shows_the_error_state_then_reconnects(page: Page, bot: Bot, site: dict):
    page.goto(site["allowed"])
    widget = Widget(page).open()
    widget.greeting()
    widget.ask("what is ivig")
    try:
        bot.stop()
        expect(widget.banner).to_be_visible(timeout=30_000)
        expect(widget.banner).to_have_attribute("role", "alert")
        expect(widget.banner).to_contain_text("Can't reach the chat server")
        expect(widget.banner.get_by_role("link", name="911")).to_have_attribute("href", "tel:911")
        expect(widget.send_button).to_be_disabled()
        widget.input.fill("still typing")  # the text is kept, not lost
    finally:
        bot.start()
    expect(widget.banner).to_be_hidden(timeout=60_000)
    expect(widget.input).to_have_value("still typing")
    assert "albumin" in " ".join(widget.ask("how does plasmapheresis work"))
    assert any(m["text"] == "what is ivig" for m in widget.transcript())  # history kept
