"""The console's web app: FastAPI + Jinja2, server-rendered, no JavaScript needed.

``create_app`` wires the pieces: security headers on every response, login
handling, and the page routers (:mod:`bot.review.pages`, :mod:`bot.review.admin`).
Run it with ``python -m bot.review.serve`` (``make run`` does).
"""

from __future__ import annotations

import math
import secrets
from collections.abc import Awaitable, Callable
from pathlib import Path

from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from bot.common.rate_limit import RateLimit, storage_for
from bot.review import admin, audit, auth, db, improve, pages, schema
from bot.review.config import Settings
from bot.review.index import Freshness
from bot.review.web import (
    LOGIN_CSRF_COOKIE,
    TEMPLATES,
    Console,
    LoginRequired,
    console_of,
    form_text,
    login_redirect_url,
    render,
    safe_next,
)

STATIC = Path(__file__).parent / "static"
SECURITY_HEADERS = {
    # No scripts at all; styles only from our own stylesheet; forms only post to us.
    "Content-Security-Policy": ("default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
                                "frame-ancestors 'none'; base-uri 'none'"),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
}


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    engine = db.make_engine(settings.db_url)
    schema.upgrade(engine)
    templates = Jinja2Templates(directory=str(TEMPLATES))
    templates.env.globals["redacted_marker"] = "[redacted]"
    app = FastAPI(title="LES review console", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.console = Console(
        engine=engine, settings=settings,
        limiter=RateLimit(settings.login_max_failures, settings.login_window_seconds, "login-user",
                          storage_for(settings.rate_limit_redis_url)),
        ip_limiter=RateLimit(settings.login_max_failures * 4, settings.login_window_seconds, "login-ip",
                             storage_for(settings.rate_limit_redis_url)),
        freshness=Freshness(engine, settings.sync_interval_seconds), templates=templates)

    @app.middleware("http")
    async def security_headers(request: Request,
                               call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        response: Response = await call_next(request)
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        if not request.url.path.startswith("/static/"):
            response.headers["Cache-Control"] = "no-store"
        if settings.secure_cookies:
            response.headers["Strict-Transport-Security"] = "max-age=31536000"
        return response

    @app.exception_handler(LoginRequired)
    async def login_required(request: Request, error: LoginRequired) -> Response:
        if error.wants_html:
            return RedirectResponse(login_redirect_url(error.next_url), status_code=303)
        return PlainTextResponse("login required", status_code=401)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, error: HTTPException) -> Response:
        if "text/html" in request.headers.get("accept", ""):
            return render(request, "error.html", status_code=error.status_code, status=error.status_code,
                          detail=error.detail)
        return PlainTextResponse(str(error.detail), status_code=error.status_code)

    @app.get("/healthz", include_in_schema=False)
    async def healthz() -> PlainTextResponse:
        return PlainTextResponse("ok")

    @app.get("/login", response_class=HTMLResponse)
    async def login_page(request: Request, next: str = "/") -> Response:
        return _login_form(request, next)

    @app.post("/login")
    async def login(request: Request) -> Response:
        console = console_of(request)
        form = await request.form()
        if not auth.tokens_match(request.cookies.get(LOGIN_CSRF_COOKIE), form_text(form.get("csrf_token"))):
            raise HTTPException(status_code=403, detail="invalid or missing CSRF token; reload the page")
        username = str(form.get("username") or "").strip().lower()[:80]
        password = str(form.get("password") or "")
        client = request.client.host if request.client else "unknown"
        wait = math.ceil(max(console.limiter.wait_s(username), console.ip_limiter.wait_s(client)))
        if wait:
            response = _login_form(request, str(form.get("next") or "/"), status_code=429,
                                   error=f"Too many failed attempts. Try again in {wait // 60 + 1} minutes.")
            response.headers["Retry-After"] = str(wait)
            return response
        user = auth.authenticate(console.engine, username, password)
        if user is None:
            console.limiter.hit(username)
            console.ip_limiter.hit(client)
            audit.record(console.engine, username or None, audit.LOGIN_FAILED, client=client)
            return _login_form(request, str(form.get("next") or "/"), status_code=401,
                               error="Wrong user name or password.")
        console.limiter.clear(username)
        token = auth.start_session(console.engine, user)
        audit.record(console.engine, user.username, audit.LOGIN, client=client)
        response = RedirectResponse(safe_next(str(form.get("next") or "/")), status_code=303)
        response.set_cookie(console.session_cookie, token, httponly=True, samesite="strict",
                            secure=console.settings.secure_cookies, path="/")
        response.delete_cookie(LOGIN_CSRF_COOKIE, path="/login")
        return response

    @app.post("/logout")
    async def logout(request: Request) -> Response:
        from bot.review.web import check_csrf, require_session

        console = console_of(request)
        session = require_session(request)
        await check_csrf(request, session)
        auth.end_session(console.engine, request.cookies.get(console.session_cookie))
        audit.record(console.engine, session.user.username, audit.LOGOUT)
        response = RedirectResponse("/login", status_code=303)
        response.delete_cookie(console.session_cookie, path="/")
        return response

    app.include_router(pages.router)
    app.include_router(admin.router)
    app.include_router(improve.router)
    app.mount("/static", StaticFiles(directory=str(STATIC)), name="static")
    return app


def _login_form(request: Request, next_url: str, status_code: int = 200, error: str = "") -> Response:
    console = console_of(request)
    token = secrets.token_urlsafe(32)
    response = render(request, "login.html", status_code=status_code, csrf_token=token,
                      next=safe_next(next_url), error=error)
    response.set_cookie(LOGIN_CSRF_COOKIE, token, httponly=True, samesite="strict",
                        secure=console.settings.secure_cookies, path="/login", max_age=3600)
    return response
