"""Review console: CSV and JSONL exports, redacted by default and audited (fixture in conftest.py)."""

from __future__ import annotations

import csv
import io
import json

from tests.support.console_pages import PII_STRINGS, SENDERS, ids


def test_exports_are_redacted(console):
    url, reviewer = console["url"], console["reviewer"]
    response = reviewer.get(f"{url}/export.csv", timeout=30)
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert {r["conversation"] for r in rows} == {str(i) for i in ids(console).values()}
    assert not any(s in response.text for s in PII_STRINGS)
    assert "[EMAIL]" in response.text
    assert any(r["speaker"] == "user" and r["intent"] == "emergency" and r["red_flag"] == "breathing"
               for r in rows)
    jsonl = reviewer.get(f"{url}/export.jsonl?emergency=yes", timeout=30)
    records = [json.loads(line) for line in jsonl.text.splitlines()]
    assert [r["sender_id"] for r in records] == [SENDERS["emergency"]]
    assert records[0]["redacted"] is True and records[0]["messages"][0]["emergency"] is True
    assert records[0]["review"]["tags"] == ["call back"]
    everything = reviewer.get(f"{url}/export.jsonl", timeout=30).text
    assert not any(s in everything for s in PII_STRINGS)


def test_admin_can_export_unredacted_and_it_is_audited(console):
    url, admin, reviewer = console["url"], console["admin"], console["reviewer"]
    # What the audit log must show besides the admin's export: a reviewer's view and export.
    assert reviewer.get(f"{url}/conversations/{ids(console)['emergency']}", timeout=10).status_code == 200
    assert reviewer.get(f"{url}/export.csv?emergency=yes", timeout=30).status_code == 200
    response = admin.get(f"{url}/export.jsonl?q=ivig&redacted=no", timeout=30)
    assert response.status_code == 200
    assert "john.smith@example.com" in response.text
    audit = admin.get(f"{url}/admin/audit?action=export", timeout=10).text
    assert "redacted=False" in audit and "reviewer" in audit and SENDERS["pii"] in audit
    views = admin.get(f"{url}/admin/audit?action=view", timeout=10).text
    assert "reviewer" in views and SENDERS["emergency"] in views
