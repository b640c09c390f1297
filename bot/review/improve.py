"""From the console back into the bot: correct a turn, the Improve page, decisions, export, quality.

Reviewers propose (any logged-in user), admins accept or reject and export; every
POST checks the session's CSRF token and every change is audit-logged with the
correction's id (never its text, so the audit log holds no patient content).
"""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response

from bot.review import audit, charts, corrections, quality, training
from bot.review.corrections import CorrectionError
from bot.review.pages import _back, _load
from bot.review.redact import redact
from bot.review.web import check_csrf, console_of, render, require_admin, require_session

router = APIRouter()


def _target(form: dict, kind: str) -> str:
    """The one select that matters for the chosen kind (the form has one per kind, no script needed)."""
    field = {"intent": "intent", "emergency": "red_flag", "answer": "section"}.get(kind)
    return str(form.get(field) or "") if field else ""


@router.post("/conversations/{conversation_id}/corrections")
async def correct_turn(request: Request, conversation_id: int) -> Response:
    """A reviewer says what should have happened on one user turn of this conversation."""
    session = require_session(request)
    form = await check_csrf(request, session)
    row, conversation, _state = _load(request, conversation_id)
    try:
        event_id = int(str(form.get("event_id") or ""))
    except ValueError:
        raise HTTPException(status_code=400, detail="which turn?") from None
    users = [m for m in conversation.messages if m.sender == "user"]
    index = next((i for i, m in enumerate(users) if m.event_id == event_id), None)
    if index is None:
        raise HTTPException(status_code=404, detail="no such user turn in this conversation")
    kind = str(form.get("kind") or "")
    engine = console_of(request).engine
    try:
        correction_id, created = corrections.propose(
            engine, sender_id=row.sender_id, message=users[index], turn_index=index,
            reviewer=session.user.username, kind=kind, target=_target(form, kind),
            note=str(form.get("note") or ""), example_text=str(form.get("example_text") or ""))
    except CorrectionError as error:
        raise HTTPException(status_code=409 if "already" in str(error) else 400, detail=str(error)) from None
    audit.record(engine, session.user.username, audit.CORRECTION, row.sender_id, correction=correction_id,
                 event=event_id, kind=kind, target=_target(form, kind), created=created)
    return _back(conversation_id, form)


def _improve_query(params: dict[str, str], **changes: object) -> str:
    """The page's filters as a query string, so links and form posts come back to the same view."""
    values = {**params, **changes}
    return urlencode({k: v for k, v in values.items() if v not in ("", None, 1)})


@router.get("/improve", response_class=HTMLResponse)
def improve_page(request: Request, status: str = "open", target: str = "", reviewer: str = "",
                 kind: str = "", page: int = 1, error: str = "", done: str = "") -> Response:
    """Open corrections grouped by target, emergencies first; admins decide here."""
    session = require_session(request)
    status = status if status in (*corrections.STATUSES, "all") else "open"
    params = {"status": status, "target": target[:300], "reviewer": reviewer[:80], "kind": kind[:20]}
    listing = corrections.listing(console_of(request).engine, status=status, key=params["target"],
                                  reviewer=params["reviewer"], kind=params["kind"], page=max(page, 1))
    return render(request, "improve.html", listing=listing, params=params, page=max(page, 1),
                  query=lambda **changes: _improve_query(params, **changes), statuses=corrections.STATUSES,
                  kinds=corrections.KINDS, csrf_token=session.csrf_token, short_model=corrections.short_model,
                  error=error[:300], done=done[:300], redact=redact,
                  open_emergencies=corrections.open_emergencies(console_of(request).engine))


def _back_to_improve(form: dict, **message: str) -> RedirectResponse:
    """Post/redirect/get back to the view the admin was on, with what happened."""
    back = str(form.get("back") or "")
    query = "&".join(filter(None, [back, urlencode(message) if message else ""]))
    return RedirectResponse("/improve" + (f"?{query}" if query else ""), status_code=303)


@router.post("/improve/{correction_id}/text")
async def edit_text(request: Request, correction_id: int) -> Response:
    """The reviewer who proposed it (or an admin) edits the example, e.g. to remove a name."""
    session = require_session(request)
    form = await check_csrf(request, session)
    engine = console_of(request).engine
    try:
        row = corrections.get(engine, correction_id)
        corrections.edit_text(engine, correction_id, session.user.username, session.user.is_admin,
                              str(form.get("example_text") or ""))
    except CorrectionError as error:
        status = 404 if "no such" in str(error) else 403 if "only its" in str(error) else 409
        raise HTTPException(status_code=status, detail=str(error)) from None
    audit.record(engine, session.user.username, audit.CORRECTION_EDIT, row.sender_id,
                 correction=correction_id)
    return _back_to_improve(form, done=f"example {correction_id} edited")


@router.post("/improve/{correction_id}/decision")
async def decide(request: Request, correction_id: int) -> Response:
    """Admins only: accept (it becomes training data at the next export) or reject."""
    session = require_admin(request)
    form = await check_csrf(request, session)
    decision = str(form.get("decision") or "")
    if decision not in ("accept", "reject"):
        raise HTTPException(status_code=400, detail="accept or reject?")
    engine = console_of(request).engine
    try:
        row = corrections.decide(engine, correction_id, session.user.username, decision == "accept")
    except CorrectionError as error:
        if "no such" in str(error):
            raise HTTPException(status_code=404, detail=str(error)) from None
        return _back_to_improve(form, error=str(error))
    audit.record(engine, session.user.username, audit.CORRECTION_DECISION, row.sender_id,
                 correction=correction_id, decision=decision, kind=row.kind, target=row.target,
                 reviewer=row.reviewer)
    return _back_to_improve(form, done=f"correction {correction_id} {decision}ed")


@router.post("/admin/export-training", response_class=HTMLResponse)
async def export_training(request: Request) -> Response:
    """Admins only: write the accepted corrections into the bot's data (see bot.review.training)."""
    session = require_admin(request)
    await check_csrf(request, session)
    engine = console_of(request).engine
    report = training.export(engine, console_of(request).settings.export_root)
    audit.record(engine, session.user.username, audit.TRAINING_EXPORT, None, **report.summary())
    return render(request, "exported.html", report=report)


def _weeks(request: Request) -> int:
    """The period asked for, bounded: two years of weeks is the most a chart can show."""
    try:
        return min(max(int(request.query_params.get("weeks", "12")), 2), 104)
    except ValueError:
        return 12


@router.get("/quality", response_class=HTMLResponse)
def quality_page(request: Request) -> Response:
    """Per week and per model: messages, fallback and low-confidence rates, emergencies, corrections."""
    require_session(request)
    console = console_of(request)
    console.freshness.ensure()
    weeks = _weeks(request)
    result = quality.compute(console.engine, weeks)
    labels = result.weeks
    pct = lambda values: [round(v * 100, 1) for v in values]  # noqa: E731
    chart = {
        "messages": charts.bar_chart(labels, [t.messages for t in result.totals], "User messages per week"),
        "fallback": charts.bar_chart(labels, pct([t.fallback_rate for t in result.totals]),
                                     "Fallback rate per week (%)"),
        "low": charts.bar_chart(labels, pct([t.low_confidence_rate for t in result.totals]),
                                "Low-confidence rate per week (%)"),
        "emergencies": charts.bar_chart(labels, [t.emergencies for t in result.totals],
                                        "Emergencies per week", colour=charts.ALERT),
        "diagnosis": charts.bar_chart(labels, [t.diagnosis for t in result.totals],
                                      "Diagnosis requests per week"),
        "corrected": charts.bar_chart(labels, pct([t.corrected_share for t in result.totals]),
                                      "Share of turns corrected per week (%)"),
        "targets": charts.horizontal_bars(result.targets[:12], "Corrections by target"),
    }
    return render(request, "quality.html", q=result, weeks=weeks, chart=chart, kinds=corrections.KINDS,
                  short_model=corrections.short_model)


@router.get("/quality.csv")
def quality_csv(request: Request) -> Response:
    """The week x model table for a spreadsheet or a report (counts only, no patient text)."""
    require_session(request)
    console = console_of(request)
    console.freshness.ensure()
    body = quality.to_csv(quality.compute(console.engine, _weeks(request)))
    return PlainTextResponse(body, media_type="text/csv; charset=utf-8",
                             headers={"Content-Disposition": 'attachment; filename="les-quality.csv"'})
