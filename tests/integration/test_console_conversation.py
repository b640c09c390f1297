"""Review console: one conversation's page (transcript, screening, reveal, the reviewer's marks)."""

from __future__ import annotations

import re

from tests.support.console_pages import PII_STRINGS, SENDERS, ids, post_review
from tests.support.review import csrf_token, events_snapshot


def test_reviewer_actions_never_touch_the_events(console):
    url, reviewer, found = console["url"], console["reviewer"], ids(console)
    # The fixture's marks (tags, status, a note) left Rasa's events as they were ...
    assert events_snapshot(console["engine"]) == console["events_before_review"]
    page = reviewer.get(f"{url}/conversations/{found['emergency']}", timeout=10).text
    assert "call back" in page and "Called the patient" in page and "needs follow-up" in page
    # ... and so do these, on a conversation no other test counts marks on.
    for path, data in (("tags", {"tag": "Second look"}), ("notes", {"text": "Looked again."})):
        assert post_review(reviewer, console, found["negated"], path, **data).status_code == 200
    page = reviewer.get(f"{url}/conversations/{found['negated']}", timeout=10).text
    assert "second look" in page and "Looked again." in page
    assert events_snapshot(console["engine"]) == console["events_before_review"]


def test_transcript_shows_intents_and_red_flags(console):
    found = ids(console)
    page = console["reviewer"].get(f"{console['url']}/conversations/{found['emergency']}", timeout=10).text
    assert '<code class="intent">emergency</code>' in page
    assert "RED FLAG reported: trouble breathing" in page
    assert "utter_emergency" in page and "emergency reply" in page
    assert re.search(r'class="confidence">1\.00<', page)
    negated = console["reviewer"].get(f"{console['url']}/conversations/{found['negated']}", timeout=10).text
    assert "(negated)" in negated and "negated red flag (not an emergency): trouble breathing" in negated
    assert "RED FLAG reported" not in negated
    assert "action_disclaimer" in negated and ">disclaimer</span>" in negated
    diagnosis = console["reviewer"].get(f"{console['url']}/conversations/{found['diagnosis']}",
                                        timeout=10).text
    assert '<code class="intent">ask_diagnosis</code>' in diagnosis and "action_answer" in diagnosis


def test_transcript_shows_the_screening_answers_and_urgency(console):
    found = ids(console)
    page = console["reviewer"].get(f"{console['url']}/conversations/{found['slack']}", timeout=10).text
    assert "<h2>Screening</h2>" in page and ">prompt<" in page
    assert re.search(r"weakness in the legs or hips.*?</th><td class=\"answer yes\">yes<", page, re.S)
    assert re.search(r"droopy eyelids, double or blurred vision</th><td class=\"answer no\">no<", page)
    plain = console["reviewer"].get(f"{console['url']}/conversations/{found['emergency']}", timeout=10).text
    assert "<h2>Screening</h2>" not in plain


def test_transcript_is_redacted_and_admin_reveal_is_audited(console):
    url, found = console["url"], ids(console)
    page = console["reviewer"].get(f"{url}/conversations/{found['pii']}", timeout=10).text
    assert not any(s in page for s in PII_STRINGS), page
    assert "[EMAIL]" in page and "[PHONE]" in page and "[NAME]" in page and "[ADDRESS]" in page
    admin = console["admin"]
    page = admin.get(f"{url}/conversations/{found['pii']}", timeout=10).text
    assert "john.smith@example.com" not in page  # admins too see redacted text first
    revealed = admin.post(f"{url}/conversations/{found['pii']}/reveal", data={"csrf_token": csrf_token(page)},
                          timeout=10).text
    assert all(s in revealed for s in PII_STRINGS)
    audit = admin.get(f"{url}/admin/audit?action=reveal", timeout=10).text
    assert "admin" in audit and SENDERS["pii"] in audit
