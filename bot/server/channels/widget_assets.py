"""Serves the web widget's script and its demo page from the Rasa server itself.

Served by the same server (and so the same origin) as the socket.io endpoint, the
demo page needs no CORS settings and no separate web server, and the embed snippet
can point at one host for both. It is an input channel only because that is how
Rasa lets a project add routes; it handles no messages.

    GET /widget/                  the demo page (a clinic-style page with the widget)
    GET /widget/demo.css          its styles
    GET /widget/les-widget.js     the widget, built by `make widget` into build/widget/

Only these fixed files are served: no path from the request reaches the disk.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot import paths

SOURCE = paths.ROOT / "widget"
BUNDLE = paths.BUILD / "widget"
URL_PREFIX = "/widget"

# The demo page runs no inline script, so it can afford a strict policy; the widget
# script itself needs only 'self' for its socket (same origin).
DEMO_CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'")

FILES: dict[str, tuple[Path, str]] = {
    "": (SOURCE / "demo" / "index.html", "text/html; charset=utf-8"),
    "demo.css": (SOURCE / "demo" / "demo.css", "text/css; charset=utf-8"),
    "les-widget.js": (BUNDLE / "les-widget.js", "text/javascript; charset=utf-8"),
    "les-widget.js.map": (BUNDLE / "les-widget.js.map", "application/json"),
}


async def serve(name: str) -> HTTPResponse:
    """One of FILES, revalidated on each load so a rebuilt widget is picked up at once."""
    path, mime = FILES[name]
    if not path.is_file():
        return response.text("The web widget has not been built: run `make widget`.", status=503)
    headers = {"Cache-Control": "no-cache", "X-Content-Type-Options": "nosniff"}
    if mime.startswith("text/html"):
        headers |= {"Content-Security-Policy": DEMO_CSP, "Referrer-Policy": "no-referrer"}
    return await response.file(path, mime_type=mime, headers=headers)


class WidgetAssetsInput(InputChannel):
    """Adds the widget's routes under /widget/ (configured in credentials.yml)."""

    @classmethod
    def name(cls) -> str:
        return "widget"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        return cls()

    def url_prefix(self) -> str:
        # Rasa joins this onto "/webhooks/" with urljoin; an absolute path replaces it.
        return URL_PREFIX

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        bp = Blueprint("widget_assets", __name__)

        @bp.route("/", methods=["GET", "HEAD"])
        async def demo_page(_: Request) -> HTTPResponse:
            return await serve("")

        @bp.route("/<name:str>", methods=["GET", "HEAD"])
        async def asset(_: Request, name: str) -> HTTPResponse:
            # "/widget/" arrives here with an empty name: the demo page again.
            if name not in FILES:
                return response.text("not found", status=404)
            return await serve(name)

        return bp
