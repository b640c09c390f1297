"""Reviewers' corrections of single user turns, and admins' decisions on them.

A correction says what should have happened on one user turn: the right intent,
"this was an emergency" (with its red-flag category), "out of scope", "diagnosis
request", or "wrong answer, the right article section is ...". It lives in the
console's own table (Rasa's events are never changed, so the tracker stays what
happened) with who and when; the web handlers audit-log every change.

Rules kept here, so the pages and the CLI cannot differ:
- one correction per reviewer and turn: proposing again replaces one's own open
  correction; a decided one is final (ask an admin);
- several reviewers may correct the same turn; different targets are a
  *disagreement*, shown on the Improve page, and an admin cannot accept two
  corrections of one turn that teach different intents;
- only the stored example text (redacted when proposed, maybe edited) ever leaves
  the console, and the export redacts it once more.

The choices come from the project's data, read, never copied: intents from
domain.yml, red-flag categories from bot/safety/red_flags.yml, sections from
data/article/article.yml.
"""

from __future__ import annotations

import json
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from bot import paths
from bot.datafiles import read_mapping
from bot.review import db
from bot.review.events import Message
from bot.review.redact import redact

KINDS = {
    "intent": "right intent",
    "emergency": "this was an emergency",
    "out_of_scope": "out of scope",
    "diagnosis": "diagnosis request",
    "answer": "wrong answer: right article section",
}
STATUSES = ("open", "accepted", "rejected")
MAX_TEXT_CHARS = 1000
MAX_NOTE_CHARS = 2000
PAGE_SIZE = 50


class CorrectionError(ValueError):
    """A correction cannot be made or decided as asked (shown to the user as is)."""


@dataclass(frozen=True)
class Choices:
    """What a reviewer can pick, from the project's own data files."""

    intents: tuple[str, ...]
    red_flags: tuple[tuple[str, str, bool], ...]  # (category id, label, self harm)
    sections: tuple[tuple[str, str], ...]  # (section id, title)
    section_intents: dict[str, str]  # section id -> the intent whose answers come from it
    intent_sections: dict[str, str]  # intent -> the section most of its passages are in

    def red_flag_label(self, category: str) -> str:
        """The lexicon's lay label, so pages speak the care team's words, not ids."""
        return next((label for cid, label, _ in self.red_flags if cid == category), category)

    def section_title(self, section: str) -> str:
        """The article's title: regression cases check the answer names it."""
        return next((title for sid, title in self.sections if sid == section), section)


@lru_cache(maxsize=1)
def choices() -> Choices:
    """Intents, red-flag categories and article sections, read once per process."""
    from bot.knowledge.article import load_article
    from bot.language.lexicon import load_red_flags

    domain = read_mapping(paths.ROOT / "domain.yml")
    intents = tuple(str(i if isinstance(i, str) else next(iter(i))) for i in domain.get("intents") or ())
    flags = tuple((c.id, c.label, c.self_harm) for c in load_red_flags())
    article = load_article()
    sections = tuple((s.id, s.title) for s in article.sections)
    homes: dict[str, Counter[str]] = defaultdict(Counter)
    for passage in article.passages:
        for intent in passage.intents:
            homes[intent][passage.section.id] += 1
    intent_sections = {i: c.most_common(1)[0][0] for i, c in homes.items()
                       if i in intents and c.most_common(1)[0][1] * 2 > sum(c.values())}
    return Choices(intents, flags, sections, _section_intents(article, intents), intent_sections)


def _section_intents(article: Any, intents: tuple[str, ...]) -> dict[str, str]:
    """For each section, the intent most at home there.

    An intent belongs to a section when most of its passages are there; of those, the one
    with the most passages wins ("Symptoms" -> ask_symptoms, not ask_weakness_pattern). A
    section no intent calls home gets the intent with the most passages in it.
    """
    homes: dict[str, Counter[str]] = defaultdict(Counter)
    for passage in article.passages:
        for intent in passage.intents:
            homes[intent][passage.section.id] += 1
    best: dict[str, tuple[int, str]] = {}
    for intent, counts in homes.items():
        if intent not in intents:
            continue
        section, n = counts.most_common(1)[0]
        if n * 2 > sum(counts.values()) and (section not in best or n > best[section][0]):
            best[section] = (n, intent)
    result = {section: intent for section, (_, intent) in best.items()}
    for section in {p.section.id for p in article.passages} - set(result):
        counts = Counter(i for p in article.passages if p.section.id == section for i in p.intents
                         if i in intents)
        if counts:
            result[section] = counts.most_common(1)[0][0]
    return result


def check_target(kind: str, target: str, options: Choices | None = None) -> str:
    """The target normalised for the kind; CorrectionError when it is not one of the choices."""
    options = options or choices()
    if kind not in KINDS:
        raise CorrectionError("choose what should have happened")
    if kind == "intent":
        if target not in options.intents:
            raise CorrectionError("choose an intent from the domain")
        return target
    if kind == "emergency":
        if target not in {cid for cid, _, _ in options.red_flags}:
            raise CorrectionError("choose the red-flag category")
        return target
    if kind == "answer":
        if target not in {sid for sid, _ in options.sections}:
            raise CorrectionError("choose the article section that answers it")
        return target
    return ""  # out_of_scope, diagnosis: the kind says it all


def training_intent(kind: str, target: str, options: Choices | None = None) -> str | None:
    """The intent the corrected example teaches; None when it teaches none (a section no intent owns)."""
    options = options or choices()
    if kind == "intent":
        return target
    if kind == "emergency":
        self_harm = any(cid == target and harm for cid, _, harm in options.red_flags)
        return "emergency_self_harm" if self_harm else "emergency"
    if kind == "out_of_scope":
        return "out_of_scope"
    if kind == "diagnosis":
        return "ask_diagnosis"
    return options.section_intents.get(target)


def target_label(kind: str, target: str, options: Choices | None = None) -> str:
    """How the target reads on the pages: "intent ask_ivig", "emergency: choking" ..."""
    options = options or choices()
    if kind == "intent":
        return f"intent {target}"
    if kind == "emergency":
        return f"emergency: {options.red_flag_label(target)}"
    if kind == "answer":
        return f"section {options.section_title(target)}"
    return KINDS.get(kind, kind)


def target_key(kind: str, target: str) -> str:
    """One string per target, for grouping and the page's filter ("intent:ask_ivig")."""
    return f"{kind}:{target}"


def _clean_text(text: str) -> str:
    """One line, bounded: an example is a single message, and a page must not carry a novel."""
    return " ".join(str(text).split())[:MAX_TEXT_CHARS]


def _entities(message: Message) -> str:
    """The extractor's entities as JSON, kept so the export can annotate without parsing events."""
    return json.dumps([{"entity": e.entity, "text": e.text, "negated": e.negated} for e in message.entities
                       if e.text])


def propose(engine: Engine, *, sender_id: str, message: Message, turn_index: int, reviewer: str, kind: str,
            target: str, note: str = "", example_text: str | None = None) -> tuple[int, bool]:
    """Record (or replace one's own open) correction of a user turn; (id, created)."""
    if message.sender != "user" or message.event_id is None:
        raise CorrectionError("only a user's message can be corrected")
    target = check_target(kind, target)
    # The reviewer edits the redacted text; what is stored is redacted again, so a
    # correction row never holds more than a reviewer may see.
    text = _clean_text(redact(example_text if example_text is not None and example_text.strip()
                              else message.text))
    if not text:
        raise CorrectionError("the example text is empty")
    now = time.time()
    values = {"kind": kind, "target": target, "note": str(note).strip()[:MAX_NOTE_CHARS],
              "example_text": text, "updated_at": now}
    c = db.corrections.c
    for attempt in range(2):  # a concurrent double submit loses the insert race, then updates
        try:
            with engine.begin() as connection:
                existing = connection.execute(sa.select(c.id, c.status, c.decided_by).where(
                    c.sender_id == sender_id, c.event_id == message.event_id, c.reviewer == reviewer)).first()
                if existing is not None:
                    if existing.status != "open":
                        raise CorrectionError(f"your correction of this turn was already {existing.status} "
                                              f"by {existing.decided_by}; ask an admin")
                    connection.execute(db.corrections.update().where(c.id == existing.id).values(**values))
                    return int(existing.id), False
                new_id = connection.execute(db.corrections.insert().values(
                    sender_id=sender_id, event_id=message.event_id, turn_index=turn_index,
                    turn_ts=message.timestamp or None, original_intent=message.intent,
                    original_confidence=message.confidence, model_id=message.model_id or "",
                    entities=_entities(message), reviewer=reviewer, created_at=now, status="open",
                    **values)).inserted_primary_key[0]
                return int(new_id), True
        except sa.exc.IntegrityError:
            if attempt:
                raise CorrectionError("the correction could not be saved; try again") from None
    raise CorrectionError("the correction could not be saved; try again")


def get(engine: Engine, correction_id: int) -> sa.engine.Row:
    """One correction; CorrectionError (a 404 for the pages) when it does not exist."""
    with engine.connect() as connection:
        row = connection.execute(sa.select(db.corrections)
                                 .where(db.corrections.c.id == correction_id)).first()
    if row is None:
        raise CorrectionError("no such correction")
    return row


def edit_text(engine: Engine, correction_id: int, username: str, is_admin: bool, text: str) -> None:
    """Change an open correction's example text (its reviewer or an admin), redacted again."""
    row = get(engine, correction_id)
    if row.status != "open":
        raise CorrectionError("only open corrections can be edited")
    if row.reviewer != username and not is_admin:
        raise CorrectionError("only its reviewer or an admin can edit a correction")
    cleaned = _clean_text(redact(text))
    if not cleaned:
        raise CorrectionError("the example text is empty")
    with engine.begin() as connection:
        connection.execute(db.corrections.update().where(db.corrections.c.id == correction_id)
                           .values(example_text=cleaned, updated_at=time.time()))


def decide(engine: Engine, correction_id: int, admin: str, accept: bool) -> sa.engine.Row:
    """Accept or reject an open correction. Accepting one that teaches another intent than an
    already accepted correction of the same turn is refused: one example, one intent (two
    that teach the same intent, e.g. two red-flag categories of one emergency, may both stand)."""
    c = db.corrections.c
    with engine.begin() as connection:
        row = connection.execute(sa.select(db.corrections).where(c.id == correction_id)).first()
        if row is None:
            raise CorrectionError("no such correction")
        if row.status != "open":
            raise CorrectionError(f"this correction was already {row.status} by {row.decided_by}")
        if accept:
            options = choices()
            mine = training_intent(row.kind, row.target, options) or (row.kind, row.target)
            for other in connection.execute(sa.select(c.kind, c.target).where(
                    c.sender_id == row.sender_id, c.event_id == row.event_id, c.status == "accepted")):
                theirs = training_intent(other.kind, other.target, options) or (other.kind, other.target)
                if theirs != mine:
                    raise CorrectionError(
                        f"another correction of this turn was accepted with a different target "
                        f"({target_label(other.kind, other.target, options)}); reject one of them")
        # Only an open row changes: two admins deciding at once cannot both win.
        updated = connection.execute(db.corrections.update().where(c.id == correction_id, c.status == "open")
                                     .values(status="accepted" if accept else "rejected", decided_by=admin,
                                             decided_at=time.time()))
        if not updated.rowcount:
            raise CorrectionError("this correction was decided meanwhile")
        return row


def for_turns(engine: Engine, sender_id: str) -> dict[int, list[sa.engine.Row]]:
    """All corrections of one conversation, by event id (for the transcript)."""
    c = db.corrections.c
    found: dict[int, list[sa.engine.Row]] = defaultdict(list)
    with engine.connect() as connection:
        for row in connection.execute(sa.select(db.corrections).where(c.sender_id == sender_id)
                                      .order_by(c.created_at)):
            found[row.event_id].append(row)
    return dict(found)


def disagreements(rows: list[sa.engine.Row]) -> bool:
    """Do the (not rejected) corrections of one turn say different things?"""
    return len({(r.kind, r.target) for r in rows if r.status != "rejected"}) > 1


@dataclass
class Listing:
    """One page of the Improve list plus what its header shows."""

    rows: list[dict[str, Any]]
    total: int
    groups: list[dict[str, Any]]
    reviewers: list[str]
    pages: int


def listing(engine: Engine, *, status: str = "open", key: str = "", reviewer: str = "", kind: str = "",
            page: int = 1) -> Listing:
    """Corrections filtered by status / target / reviewer, emergencies first, then newest.

    The groups (target, counts per status) cover every correction so that the header
    answers "what do reviewers keep correcting" whatever the filter.
    """
    options = choices()
    c = db.corrections.c
    where: list[Any] = []
    if status in STATUSES:
        where.append(c.status == status)
    if key and ":" in key:
        kind, target = key.split(":", 1)
        where += [c.kind == kind, c.target == target]
    if reviewer:
        where.append(c.reviewer == reviewer)
    if kind in KINDS:
        where.append(c.kind == kind)
    emergency_first = sa.case((c.kind == "emergency", 0), else_=1)
    with engine.connect() as connection:
        total = int(connection.execute(sa.select(sa.func.count()).select_from(db.corrections).where(*where))
                    .scalar() or 0)
        rows = list(connection.execute(
            sa.select(db.corrections, db.conversations.c.id.label("conversation_id"))
            .select_from(db.corrections.outerjoin(db.conversations,
                                                  db.conversations.c.sender_id == c.sender_id))
            .where(*where).order_by(emergency_first, c.created_at.desc(), c.id.desc())
            .limit(PAGE_SIZE).offset((max(page, 1) - 1) * PAGE_SIZE)))
        # Other reviewers' corrections of the same turns: what makes a disagreement.
        turns = {(r.sender_id, r.event_id) for r in rows}
        siblings: dict[tuple[str, int], list[Any]] = defaultdict(list)
        senders = sorted({s for s, _ in turns})
        for start in range(0, len(senders), 500):
            for other in connection.execute(
                    sa.select(c.sender_id, c.event_id, c.kind, c.target, c.status, c.reviewer)
                    .where(c.sender_id.in_(senders[start:start + 500]))):
                if (other.sender_id, other.event_id) in turns:
                    siblings[(other.sender_id, other.event_id)].append(other)
        group_rows = list(connection.execute(
            sa.select(c.kind, c.target, c.status, sa.func.count().label("n"))
            .group_by(c.kind, c.target, c.status)))
        reviewers = [r[0] for r in connection.execute(sa.select(c.reviewer).distinct().order_by(c.reviewer))]
    groups: dict[str, dict[str, Any]] = {}
    for g in group_rows:
        entry = groups.setdefault(target_key(g.kind, g.target), {
            "key": target_key(g.kind, g.target), "label": target_label(g.kind, g.target, options),
            "kind": g.kind, "intent": training_intent(g.kind, g.target, options),
            "open": 0, "accepted": 0, "rejected": 0})
        entry[g.status] = entry.get(g.status, 0) + int(g.n)
    ordered = sorted(groups.values(), key=lambda g: (g["kind"] != "emergency", -g["open"], g["label"]))
    shown = []
    for r in rows:
        others = siblings.get((r.sender_id, r.event_id), [])
        views = {(o.kind, o.target) for o in others if o.status != "rejected"}
        shown.append({
            "row": r, "label": target_label(r.kind, r.target, options),
            "intent": training_intent(r.kind, r.target, options),
            "disagreement": len(views) > 1,
            "others": [f"{o.reviewer}: {target_label(o.kind, o.target, options)} ({o.status})"
                       for o in others if o.reviewer != r.reviewer],
        })
    return Listing(shown, total, ordered, reviewers, max(1, -(-total // PAGE_SIZE)))


def open_emergencies(engine: Engine) -> int:
    """Turns reviewers called emergencies that no admin has decided on yet (the list page's banner)."""
    c = db.corrections.c
    with engine.connect() as connection:
        return int(connection.execute(sa.select(sa.func.count()).select_from(db.corrections)
                                      .where(c.kind == "emergency", c.status == "open")).scalar() or 0)


def senders_with_open_emergencies(engine: Engine, senders: list[str]) -> set[str]:
    """Which of these conversations have an undecided "this was an emergency" correction."""
    c = db.corrections.c
    if not senders:
        return set()
    with engine.connect() as connection:
        return {r[0] for r in connection.execute(sa.select(c.sender_id).distinct().where(
            c.kind == "emergency", c.status == "open", c.sender_id.in_(senders)))}


def short_model(model_id: str | None) -> str:
    """The first 8 hex digits of Rasa's model id: enough to tell models apart on a page."""
    return (model_id or "")[:8] or "unknown"
