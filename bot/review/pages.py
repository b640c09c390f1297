"""Care-team pages: conversation list, transcript, review actions, overview, exports.

Read-only pages are plain functions, so FastAPI runs them in its thread pool: their
database work blocks, and one slow export must not stall every other reviewer.
Form handlers are async only to read the form body.
"""

from __future__ import annotations

import time
from datetime import datetime, timezone
from urllib.parse import urlencode

import sqlalchemy as sa
from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response, StreamingResponse

from bot.review import audit, charts, corrections, db, export, filters, overview, reviews
from bot.review.events import Conversation
from bot.review.index import load_conversations
from bot.review.redact import redact
from bot.review.screening_view import screening_view
from bot.review.web import check_csrf, console_of, render, require_admin, require_session
from bot.safety.flags import red_flag_labels

router = APIRouter()


def _utc(ts: float | None) -> str:
    return datetime.fromtimestamp(ts, tz=timezone.utc).strftime("%Y-%m-%d %H:%M") if ts else ""


@router.get("/", response_class=HTMLResponse)
def conversation_list(request: Request) -> Response:
    session = require_session(request)
    console = console_of(request)
    console.freshness.ensure()
    chosen = filters.Filters.from_query(request.query_params)
    raw = session.user.is_admin
    c = db.conversations.c
    with console.engine.connect() as connection:
        where = filters.where_clauses(chosen, raw)
        counts = connection.execute(sa.select(
            sa.func.count(),
            sa.func.sum(sa.case((c.emergency.is_(True), 1), else_=0)),
            sa.func.sum(sa.case((c.fallback.is_(True), 1), else_=0)),
            sa.func.sum(sa.case((c.min_confidence < chosen.threshold, 1), else_=0)),
            sa.func.sum(sa.case((c.diagnosis.is_(True), 1), else_=0)),
            sa.func.sum(sa.case((c.screening.is_(True), 1), else_=0)),
        ).where(*where)).one()
        total_all = connection.execute(sa.select(sa.func.count()).select_from(db.conversations)).scalar()
        rows = list(connection.execute(filters.select_page(chosen, raw)))
        senders = [r.sender_id for r in rows]
        tags: dict[str, list[str]] = {}
        for sender, tag in connection.execute(
                sa.select(db.tags.c.sender_id, db.tags.c.tag).where(db.tags.c.sender_id.in_(senders))
                .order_by(db.tags.c.tag)):
            tags.setdefault(sender, []).append(tag)
    total = int(counts[0] or 0)
    facet = dict(zip(("emergency", "fallback", "low_confidence", "diagnosis", "screening"),
                     (int(v or 0) for v in counts[1:]), strict=True))
    pages = max(1, -(-total // chosen.per_page))
    # Safety first: turns reviewers called emergencies stay in admins' sight until decided.
    open_emergencies = corrections.open_emergencies(console.engine) if session.user.is_admin else 0
    flagged = (corrections.senders_with_open_emergencies(console.engine, senders) if open_emergencies
               else set())
    return render(request, "list.html", rows=rows, tags=tags, f=chosen, total=total, total_all=total_all,
                  open_emergencies=open_emergencies, flagged=flagged,
                  facet=facet, pages=pages, utc=_utc, redact=redact,
                  all_tags=reviews.all_tags(console.engine),
                  channels=filters.CHANNELS, sorts=list(filters.SORTS), page_sizes=filters.PAGE_SIZES)


def _load(request: Request, conversation_id: int) -> tuple[sa.engine.Row, Conversation, reviews.ReviewState]:
    console = console_of(request)
    console.freshness.ensure()
    with console.engine.connect() as connection:
        row = connection.execute(sa.select(db.conversations).where(db.conversations.c.id == conversation_id)
                                 ).first()
        if row is None:
            raise HTTPException(status_code=404, detail="no such conversation")
        loaded = list(load_conversations(connection, [row.sender_id]))
        if not loaded:
            raise HTTPException(status_code=404, detail="the conversation was deleted")
        return row, loaded[0], reviews.load(connection, row.sender_id)


def _transcript(request: Request, conversation_id: int, revealed: bool) -> tuple[Response, str]:
    """The transcript page and the conversation's sender id (for the audit log)."""
    session = request.state.session
    row, conversation, state = _load(request, conversation_id)
    show = (lambda text: text or "") if revealed else redact
    engine = console_of(request).engine
    fixes = corrections.for_turns(engine, row.sender_id)
    options = corrections.choices()
    page = render(request, "transcript.html", row=row, conversation=conversation, state=state, show=show,
                  fixes=fixes, options=options, kinds=corrections.KINDS, disagree=corrections.disagreements,
                  target_label=lambda kind, target: corrections.target_label(kind, target, options),
                  short_model=corrections.short_model, redact=redact,
                  screening=screening_view(conversation.slots),
                  revealed=revealed, utc=_utc, labels=red_flag_labels(), csrf_token=session.csrf_token,
                  back=request.query_params.get("back", ""))
    return page, row.sender_id


@router.get("/conversations/{conversation_id}", response_class=HTMLResponse)
def transcript(request: Request, conversation_id: int) -> Response:
    session = require_session(request)
    response, sender_id = _transcript(request, conversation_id, revealed=False)
    audit.record(console_of(request).engine, session.user.username, audit.VIEW,
                 sender_id, conversation=conversation_id)
    return response


@router.post("/conversations/{conversation_id}/reveal", response_class=HTMLResponse)
async def reveal(request: Request, conversation_id: int) -> Response:
    """Admins only: the transcript without redaction, logged with who and when."""
    session = require_admin(request)
    await check_csrf(request, session)
    response, sender_id = _transcript(request, conversation_id, revealed=True)
    audit.record(console_of(request).engine, session.user.username, audit.REVEAL,
                 sender_id, conversation=conversation_id)
    return response


def _sender_of(request: Request, conversation_id: int) -> str:
    with console_of(request).engine.connect() as connection:
        sender = connection.execute(sa.select(db.conversations.c.sender_id)
                                    .where(db.conversations.c.id == conversation_id)).scalar()
    if sender is None:
        raise HTTPException(status_code=404, detail="no such conversation")
    return sender


def _back(conversation_id: int, form: dict) -> RedirectResponse:
    back = str(form.get("back") or "")
    suffix = "?" + urlencode({"back": back}) if back else ""
    return RedirectResponse(f"/conversations/{conversation_id}{suffix}", status_code=303)


@router.post("/conversations/{conversation_id}/status")
async def set_status(request: Request, conversation_id: int) -> Response:
    session = require_session(request)
    form = await check_csrf(request, session)
    sender = _sender_of(request, conversation_id)
    changes: dict[str, bool] = {}
    for name in ("reviewed", "follow_up"):
        if form.get(name) in ("yes", "no"):
            changes[name] = form[name] == "yes"
    if not changes:
        raise HTTPException(status_code=400, detail="nothing to change")
    reviews.set_status(console_of(request).engine, sender, session.user.username, **changes)
    audit.record(console_of(request).engine, session.user.username, audit.REVIEW, sender, **changes)
    return _back(conversation_id, form)


@router.post("/conversations/{conversation_id}/tags")
async def add_tag(request: Request, conversation_id: int) -> Response:
    session = require_session(request)
    form = await check_csrf(request, session)
    sender = _sender_of(request, conversation_id)
    tag = reviews.normalize_tag(str(form.get("tag") or ""))
    if tag is None:
        raise HTTPException(status_code=400, detail="tags are 1-60 letters, digits, spaces and . _ -")
    engine = console_of(request).engine
    if form.get("remove") == "yes":
        reviews.remove_tag(engine, sender, tag)
        audit.record(engine, session.user.username, audit.TAG, sender, removed=tag)
    elif reviews.add_tag(engine, sender, tag, session.user.username):
        audit.record(engine, session.user.username, audit.TAG, sender, added=tag)
    return _back(conversation_id, form)


@router.post("/conversations/{conversation_id}/notes")
async def add_note(request: Request, conversation_id: int) -> Response:
    session = require_session(request)
    form = await check_csrf(request, session)
    sender = _sender_of(request, conversation_id)
    text = str(form.get("text") or "").strip()
    if not text:
        raise HTTPException(status_code=400, detail="the note is empty")
    engine = console_of(request).engine
    reviews.add_note(engine, sender, text, session.user.username)
    audit.record(engine, session.user.username, audit.NOTE, sender)
    return _back(conversation_id, form)


@router.get("/overview", response_class=HTMLResponse)
def overview_page(request: Request) -> Response:
    require_session(request)
    console = console_of(request)
    console.freshness.ensure()
    try:
        days = min(max(int(request.query_params.get("days", "30")), 7), 365)
    except ValueError:
        days = 30
    stats = overview.compute(console.engine, days)
    return render(
        request, "overview.html", stats=stats, days=days,
        conversations_chart=charts.bar_chart(stats.days, stats.conversations_per_day,
                                             "Conversations per day"),
        messages_chart=charts.bar_chart(stats.days, stats.messages_per_day, "User messages per day"),
        intents_chart=charts.horizontal_bars(stats.top_intents, "Top intents"))


def _export(request: Request, kind: str) -> Response:
    session = require_session(request)
    console = console_of(request)
    unredacted = request.query_params.get("redacted") == "no"
    if unredacted and not session.user.is_admin:
        raise HTTPException(status_code=403, detail="only admins can export unredacted text")
    console.freshness.ensure()
    chosen = filters.Filters.from_query(request.query_params)
    ids = export.matching_ids(console.engine, filters.select_all_senders(chosen, session.user.is_admin))
    audit.record(console.engine, session.user.username, audit.EXPORT, None, format=kind,
                 redacted=not unredacted, filters=chosen.without_paging(), count=len(ids),
                 senders=[s for _, s in ids])
    stamp = time.strftime("%Y%m%d-%H%M%S", time.gmtime())
    if kind == "csv":
        body, media = export.to_csv(console.engine, ids, not unredacted), "text/csv; charset=utf-8"
    else:
        body, media = export.to_jsonl(console.engine, ids, not unredacted), "application/x-ndjson"
    return StreamingResponse(body, media_type=media, headers={
        "Content-Disposition": f'attachment; filename="les-conversations-{stamp}.{kind}"'})


@router.get("/export.csv")
def export_csv(request: Request) -> Response:
    return _export(request, "csv")


@router.get("/export.jsonl")
def export_jsonl(request: Request) -> Response:
    return _export(request, "jsonl")
