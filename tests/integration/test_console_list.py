"""Review console: the Conversations page's filters, counts, sorting and paging (fixture in conftest.py)."""

from __future__ import annotations

import json
import re
from datetime import datetime, timezone

import pytest
import sqlalchemy as sa

from tests.support.console_pages import OLD_TS, SENDERS, listed
from tests.support.review import PASSWORDS


def test_the_store_holds_every_conversation(console):
    with console["engine"].connect() as connection:
        senders = {r[0] for r in connection.execute(sa.text("select distinct sender_id from events"))}
        channels = {r[0] for r in connection.execute(sa.text(
            "select data from events where type_name = 'user'"))}
    assert set(SENDERS.values()) <= senders
    assert any('"input_channel": "socketio"' in c for c in channels)
    assert console["engine"].dialect.name == console["store"]


@pytest.mark.parametrize("query,expected", [
    ("emergency=yes", {"emergency"}),
    ("diagnosis=yes", {"diagnosis"}),
    ("screening=yes", {"slack"}),
    ("channel=web", {"web"}),
    ("channel=slack", {"slack"}),
    ("channel=rest", {"emergency", "negated", "diagnosis", "weather", "gibberish", "pii", "old"}),
    ("q=ivig", {"pii"}),
    ("q=stairs+weak", {"slack"}),
    ("q=john.smith%40example.com", set()),  # reviewers search the redacted text
    ("emergency=no&channel=web", {"web"}),
])
def test_filters(console, query, expected):
    assert listed(console["reviewer"], console, query) == expected


def test_fallback_filter(console):
    shown = listed(console["reviewer"], console, "fallback=yes")
    # The PII message is free text whose intent is the classifier's call; everything else is fixed.
    assert shown - {"pii"} == {"weather", "gibberish"}


def test_review_filters(console):
    """The marks the fixture left (console_pages.care_team_marks) are what the review filters find."""
    reviewer = console["reviewer"]
    assert listed(reviewer, console, "reviewed=yes") == {"emergency"}
    assert listed(reviewer, console, "follow_up=yes") == {"emergency"}
    assert listed(reviewer, console, "tag=call+back") == {"emergency"}
    assert listed(reviewer, console, "reviewed=no") == set(SENDERS) - {"emergency"}


def test_date_range_filter(console):
    old_day = datetime.fromtimestamp(OLD_TS, tz=timezone.utc).strftime("%Y-%m-%d")
    today = datetime.now(timezone.utc).strftime("%Y-%m-%d")
    assert listed(console["reviewer"], console, f"date_from={old_day}&date_to={old_day}") == {"old"}
    assert listed(console["reviewer"], console, f"date_from={today}") == set(SENDERS) - {"old"}


def test_low_confidence_threshold_is_adjustable(console):
    """Against the classifier's own score in the store (the best non-fallback intent)."""
    with console["engine"].connect() as connection:
        data = json.loads(connection.execute(sa.text(
            "select data from events where sender_id = :s and type_name = 'user'"),
            {"s": SENDERS["gibberish"]}).scalar())
    ranking = [r for r in data["parse_data"]["intent_ranking"] if r["name"] != "nlu_fallback"]
    score = ranking[0]["confidence"] if data["parse_data"]["intent"]["name"] == "nlu_fallback" \
        else data["parse_data"]["intent"]["confidence"]
    reviewer = console["reviewer"]
    assert score < 1.0, "a classifier's score, not a rule's"
    above, below = f"{min(score + 0.01, 1.0):.4f}", f"{max(score - 0.01, 0):.4f}"
    assert "gibberish" in listed(reviewer, console, f"low_confidence=yes&threshold={above}")
    assert "gibberish" not in listed(reviewer, console, f"low_confidence=yes&threshold={below}")
    assert listed(reviewer, console, "low_confidence=yes&threshold=0") == set()


def test_counts_sorting_and_paging(console):
    reviewer, url = console["reviewer"], console["url"]
    page = reviewer.get(f"{url}/?per_page=5", timeout=10).text
    assert re.search(r'id="total">9<', page)
    assert len(re.findall(r'data-sender="', page)) == 5
    second = reviewer.get(f"{url}/?per_page=5&page=2", timeout=10).text
    assert len(re.findall(r'data-sender="', second)) == 4
    oldest = reviewer.get(f"{url}/?sort=oldest", timeout=10).text
    assert re.findall(r'data-sender="([^"]+)"', oldest)[0] == SENDERS["old"]
    emergencies = reviewer.get(f"{url}/?emergency=yes", timeout=10).text
    assert re.search(r'id="total">1<', emergencies)


def test_browser_login_filter_emergencies_and_open_transcript(console):
    """Debian's Chromium driven by Playwright, as a nurse would click through."""
    from playwright.sync_api import sync_playwright

    from tests.support import chromium

    with sync_playwright() as playwright:
        browser = chromium.launch(playwright)
        try:
            page = browser.new_page()
            page.goto(console["url"] + "/")
            assert "/login" in page.url
            page.fill("input[name=username]", "reviewer")
            page.fill("input[name=password]", PASSWORDS["reviewer"])
            page.click("button:has-text('Log in')")
            page.wait_for_selector("h1:has-text('Conversations')")
            page.select_option("select[name=emergency]", "yes")
            with page.expect_navigation():
                page.click("button:has-text('Apply filters')")
            assert "emergency=yes" in page.url, page.url
            assert page.inner_text("#total") == "1"
            page.click("table.conversations tbody tr >> nth=0 >> td >> nth=4 >> a")
            page.wait_for_selector("section.transcript")
            assert "RED FLAG reported: trouble breathing" in page.inner_text("section.transcript")
            assert page.inner_text("code.intent >> nth=0") == "emergency"
        finally:
            browser.close()
