"""Review console: retention deletes expired conversations and nothing else (fixture in conftest.py)."""

from __future__ import annotations

import re
import time

import sqlalchemy as sa

from tests.support.console_pages import RUN, SENDERS, answered_long_ago, imported, listed, post_review
from tests.support.review import cli, events_snapshot

EXPIRED_TS = time.time() - 200 * 86400


def test_retention_deletes_old_conversations_and_nothing_else(console):
    """A conversation of its own, 200 days old, goes; the shared ones (100 days old at most) stay."""
    engine, url, reviewer = console["engine"], console["url"], console["reviewer"]
    expired = f"expired-{RUN}"
    imported(console["bot"], expired, answered_long_ago(EXPIRED_TS, "what causes lems"))
    listing = console["admin"].get(f"{url}/?per_page=100", timeout=30).text
    found = dict(re.findall(r'data-sender="([^"]+)">\s*<td><a href="/conversations/(\d+)', listing))
    conversation = int(found[expired])
    assert post_review(reviewer, console, conversation, "tags", tag="old case").status_code == 200
    assert post_review(reviewer, console, conversation, "notes", text="Seen long ago.").status_code == 200
    assert post_review(reviewer, console, conversation, "status", reviewed="yes").status_code == 200

    before = {r[0]: r[1:] for r in events_snapshot(engine)}
    dry = cli(console["db_url"], "retention", "--days", "150", "--dry-run")
    assert dry.returncode == 0 and "would delete 1 conversations" in dry.stdout
    assert {r[0]: r[1:] for r in events_snapshot(engine)} == before
    result = cli(console["db_url"], "retention", "--days", "150")
    assert result.returncode == 0 and "deleted 1 conversations" in result.stdout, result.stderr
    after = {r[0]: r[1:] for r in events_snapshot(engine)}
    assert expired not in after and SENDERS["old"] in after
    assert after == {s: v for s, v in before.items() if s != expired}
    with engine.connect() as connection:
        for table in ("console_conversations", "console_tags", "console_reviews", "console_notes"):
            left = connection.execute(sa.text(f"select count(*) from {table} where sender_id = :s"),
                                      {"s": expired}).scalar()
            assert left == 0, table
        kept_tags = connection.execute(sa.text("select count(*) from console_tags where sender_id = :s"),
                                       {"s": SENDERS["emergency"]}).scalar()
        assert kept_tags == 1
        orphans = connection.execute(sa.text(
            "select count(*) from console_conversation_days where conversation_id = :i"),
            {"i": conversation}).scalar()
        assert orphans == 0
    assert listed(reviewer, console, "sort=oldest") == set(SENDERS)
