"""What every console page needs: the shared state, login checks, CSRF checks, rendering.

Access rules live here once, so a new page cannot forget them: pages call
:func:`require_session` (or :func:`require_admin`) first, and every POST handler
calls :func:`check_csrf`. A missing login redirects a browser to the login page
(303) and answers an export or a form post with 401; a wrong role gets 403.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import HTTPException, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from sqlalchemy.engine import Engine

from bot.common.rate_limit import RateLimit
from bot.review import auth
from bot.review.config import Settings
from bot.review.index import Freshness

TEMPLATES = Path(__file__).parent / "templates"
LOGIN_CSRF_COOKIE = "les_console_login_csrf"


@dataclass
class Console:
    """Everything a request handler needs, created once per app."""

    engine: Engine
    settings: Settings
    limiter: RateLimit  # failed logins per user name
    ip_limiter: RateLimit  # per client address, looser (a ward may share one address)
    freshness: Freshness
    templates: Jinja2Templates

    @property
    def session_cookie(self) -> str:
        # The __Host- prefix makes browsers refuse the cookie unless it is Secure, host-only, path=/.
        return "__Host-les_console_session" if self.settings.secure_cookies else "les_console_session"


class LoginRequired(Exception):
    """Raised by require_session; turned into a redirect (pages) or a 401 (exports, posts)."""

    def __init__(self, next_url: str, wants_html: bool) -> None:
        super().__init__(next_url)
        self.next_url = next_url
        self.wants_html = wants_html


def console_of(request: Request) -> Console:
    return request.app.state.console


def require_session(request: Request) -> auth.Session:
    console = console_of(request)
    session = auth.load_session(console.engine, request.cookies.get(console.session_cookie),
                                console.settings.session_idle_minutes, console.settings.session_max_hours)
    if session is None:
        path = request.url.path
        wants_html = request.method == "GET" and not path.startswith("/export")
        target = path + (f"?{request.url.query}" if request.url.query else "")
        raise LoginRequired(target, wants_html)
    request.state.session = session
    return session


def require_admin(request: Request) -> auth.Session:
    session = require_session(request)
    if not session.user.is_admin:
        raise HTTPException(status_code=403, detail="this page is for admins")
    return session


def form_text(value: object) -> str | None:
    """A posted form field as text; None for a missing field or an uploaded file."""
    return value if isinstance(value, str) else None


async def check_csrf(request: Request, session: auth.Session) -> dict[str, Any]:
    """The posted form, if its csrf_token matches the session's; 403 otherwise."""
    form = await request.form()
    if not auth.tokens_match(session.csrf_token, form_text(form.get("csrf_token"))):
        raise HTTPException(status_code=403, detail="invalid or missing CSRF token; reload the page")
    return dict(form)


def safe_next(target: str | None) -> str:
    """Only same-site relative paths: a login link must not bounce the user elsewhere."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


def login_redirect_url(next_url: str) -> str:
    return "/login?next=" + quote(next_url, safe="")


def render(request: Request, name: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    session = getattr(request.state, "session", None)
    return console_of(request).templates.TemplateResponse(
        request, name, {"session": session, "user": session.user if session else None, **context},
        status_code=status_code)
