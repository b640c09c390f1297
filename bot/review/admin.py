"""Admin pages: manage console users and read the audit log (403 for reviewers)."""

from __future__ import annotations

import json
from datetime import datetime, timezone

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from bot.review import audit, auth
from bot.review.web import check_csrf, console_of, render, require_admin

router = APIRouter(prefix="/admin")


def _utc(ts: float | None) -> str:
    return datetime.fromtimestamp(ts, tz=timezone.utc).strftime("%Y-%m-%d %H:%M:%S") if ts else ""


@router.get("/users", response_class=HTMLResponse)
def users_page(request: Request, error: str = "", done: str = "") -> Response:
    session = require_admin(request)
    return render(request, "users.html", users=auth.list_users(console_of(request).engine), roles=auth.ROLES,
                  csrf_token=session.csrf_token, error=error[:200], done=done[:200], utc=_utc)


@router.post("/users")
async def change_user(request: Request) -> Response:
    """One form handler for create / disable / enable / set role / set password."""
    session = require_admin(request)
    form = await check_csrf(request, session)
    engine = console_of(request).engine
    action = str(form.get("action") or "")
    username = str(form.get("username") or "").strip().lower()
    try:
        if action == "create":
            auth.create_user(engine, username, str(form.get("password") or ""), str(form.get("role") or ""))
        elif action in ("disable", "enable"):
            if username == session.user.username and action == "disable":
                raise auth.UserError("you cannot disable your own account")
            auth.set_active(engine, username, action == "enable")
        elif action == "role":
            if username == session.user.username:
                raise auth.UserError("ask another admin to change your own role")
            auth.set_role(engine, username, str(form.get("role") or ""))
        elif action == "password":
            auth.set_password(engine, username, str(form.get("password") or ""))
        else:
            raise HTTPException(status_code=400, detail="unknown action")
    except auth.UserError as error:
        return render(request, "users.html", status_code=400, users=auth.list_users(engine), roles=auth.ROLES,
                      csrf_token=session.csrf_token, error=str(error), done="", utc=_utc)
    audit.record(engine, session.user.username, audit.USER_ADMIN, None, change=action, target=username,
                 role=str(form.get("role") or "") if action in ("create", "role") else "")
    return RedirectResponse(f"/admin/users?done={action}+{username}", status_code=303)


@router.get("/audit", response_class=HTMLResponse)
def audit_page(request: Request, action: str = "", page: int = 1) -> Response:
    require_admin(request)
    page = max(page, 1)
    entries = audit.recent(console_of(request).engine, limit=100, offset=(page - 1) * 100, action=action[:40])
    rows = []
    for entry in entries:
        detail = json.loads(entry.detail) if entry.detail else {}
        senders = detail.pop("senders", None)
        rows.append({"ts": _utc(entry.ts), "username": entry.username or "", "action": entry.action,
                     "sender_id": entry.sender_id or "", "detail": detail, "senders": senders or []})
    return render(request, "audit.html", rows=rows, action=action, page=page)
