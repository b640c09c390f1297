"""The conversation list's filters, sorting and paging, as one query over the index.

A :class:`Filters` is parsed from the page's query string and is also what the
export uses, so "export what I see" exports exactly the filtered set. Unknown or
malformed values are ignored rather than rejected: a bookmarked URL from an older
console must still open.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from datetime import datetime, timedelta, timezone
from typing import Any
from urllib.parse import urlencode

import sqlalchemy as sa
from sqlalchemy.sql import Select

from bot.review import db

CHANNELS = ("web", "slack", "rest")
SORTS = {
    "recent": (db.conversations.c.last_ts.desc(), db.conversations.c.id.desc()),
    "oldest": (db.conversations.c.last_ts.asc(), db.conversations.c.id.asc()),
    "started": (db.conversations.c.first_ts.desc(), db.conversations.c.id.desc()),
    "messages": (db.conversations.c.n_user.desc(), db.conversations.c.id.desc()),
    "confidence": (db.conversations.c.min_confidence.asc(), db.conversations.c.id.asc()),
}
PAGE_SIZES = (25, 50, 100)
YES_NO = ("", "yes", "no")


def _day(value: str) -> datetime | None:
    try:
        return datetime.strptime(value, "%Y-%m-%d").replace(tzinfo=timezone.utc)
    except ValueError:
        return None


def _float(value: str, default: float) -> float:
    try:
        number = float(value)
    except ValueError:
        return default
    return number if 0.0 <= number <= 1.0 else default


def _int(value: str, default: int, low: int = 1) -> int:
    try:
        return max(low, int(value))
    except ValueError:
        return default


@dataclass
class Filters:
    """Everything the list page can filter on; empty string means "any"."""

    date_from: str = ""
    date_to: str = ""
    channel: str = ""
    emergency: str = ""
    fallback: str = ""
    low_confidence: str = ""
    threshold: float = 0.5
    diagnosis: str = ""
    screening: str = ""
    reviewed: str = ""
    follow_up: str = ""
    tag: str = ""
    q: str = ""
    sort: str = "recent"
    page: int = 1
    per_page: int = 25

    @classmethod
    def from_query(cls, params: Any) -> Filters:
        """Parse request query params, dropping values the console does not know."""
        get = lambda key: (params.get(key) or "").strip()  # noqa: E731
        filters = cls(
            date_from=get("date_from") if _day(get("date_from")) else "",
            date_to=get("date_to") if _day(get("date_to")) else "",
            channel=get("channel") if get("channel") in CHANNELS else "",
            threshold=_float(get("threshold"), 0.5),
            tag=get("tag")[:60],
            q=get("q")[:200],
            sort=get("sort") if get("sort") in SORTS else "recent",
            page=_int(get("page"), 1),
            per_page=min(_int(get("per_page"), 25, low=5), 100),
        )
        for name in ("emergency", "fallback", "low_confidence", "diagnosis", "screening", "reviewed",
                     "follow_up"):
            setattr(filters, name, get(name) if get(name) in YES_NO else "")
        return filters

    def query_string(self, **changes: Any) -> str:
        """This filter set as a URL query, with some values changed (for links)."""
        values = {**asdict(self), **changes}
        defaults = {f.name: f.default for f in fields(self)}
        return urlencode({k: v for k, v in values.items() if v != defaults[k] and v != ""})

    def without_paging(self) -> str:
        return self.query_string(page=1)

    @property
    def active(self) -> bool:
        plain = Filters(sort=self.sort, page=self.page, per_page=self.per_page, threshold=self.threshold)
        return self != plain


def _flag(column: sa.Column, value: str) -> Any:
    return column.is_(True) if value == "yes" else sa.or_(column.is_(False), column.is_(None))


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def where_clauses(filters: Filters, search_raw: bool = False) -> list[Any]:
    """SQL conditions for the filter set; ``search_raw`` only for admins (unredacted text)."""
    c = db.conversations.c
    # An alias: the page query also outer-joins reviews, and EXISTS must not correlate to it.
    review = db.reviews.alias("review_filter").c
    clauses: list[Any] = []
    if start := _day(filters.date_from):
        clauses.append(c.last_ts >= start.timestamp())
    if end := _day(filters.date_to):
        clauses.append(c.first_ts < (end + timedelta(days=1)).timestamp())
    if filters.channel:
        clauses.append(c.channel == filters.channel)
    for name in ("emergency", "fallback", "diagnosis", "screening"):
        value = getattr(filters, name)
        if value:
            clauses.append(_flag(getattr(c, name), value))
    if filters.low_confidence == "yes":
        clauses.append(c.min_confidence < filters.threshold)
    elif filters.low_confidence == "no":
        clauses.append(sa.or_(c.min_confidence >= filters.threshold, c.min_confidence.is_(None)))
    for name in ("reviewed", "follow_up"):
        value = getattr(filters, name)
        if value:
            exists = sa.exists().where(review.sender_id == c.sender_id).where(getattr(review, name).is_(True))
            clauses.append(exists if value == "yes" else ~exists)
    if filters.tag:
        clauses.append(sa.exists().where(db.tags.c.sender_id == c.sender_id)
                       .where(db.tags.c.tag == filters.tag.lower()))
    if filters.q:
        column = c.search_text if search_raw else c.search_redacted
        for word in filters.q.lower().split()[:8]:
            clauses.append(column.like(f"%{_like_escape(word)}%", escape="\\"))
    return clauses


def select_page(filters: Filters, search_raw: bool = False) -> Select:
    """One page of index rows with their review status, sorted."""
    c = db.conversations.c
    query = (
        sa.select(db.conversations, db.reviews.c.reviewed, db.reviews.c.follow_up)
        .select_from(db.conversations.outerjoin(db.reviews, db.reviews.c.sender_id == c.sender_id))
        .where(*where_clauses(filters, search_raw))
        .order_by(*SORTS[filters.sort])
        .limit(filters.per_page)
        .offset((filters.page - 1) * filters.per_page)
    )
    return query


def select_all_senders(filters: Filters, search_raw: bool = False) -> Select:
    """Every matching conversation (for export), in the list's order."""
    return (sa.select(db.conversations.c.id, db.conversations.c.sender_id)
            .where(*where_clauses(filters, search_raw)).order_by(*SORTS[filters.sort]))
