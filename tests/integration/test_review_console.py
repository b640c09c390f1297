"""The review console against real conversations, in SQLite and in PostgreSQL.

For each store, a real action server and Rasa server (with the project's
EnvSQLTrackerStore, SQLite by its default file path or PostgreSQL by
LES_TRACKER_DB_URL) take real conversations over REST and socket.io. Two
conversations that our channels cannot produce here (a Slack one: the Slack
channel would call slack.com; and one from 100 days ago) are written through
Rasa's own HTTP API (PUT /conversations/<id>/tracker/events), so they too land
in the store by Rasa's code. Then everything is checked through the console's
HTTP interface, as the care team would use it.
"""

from __future__ import annotations

import csv
import io
import json
import random
import re
import string
import time
import uuid
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path

import pytest
import requests
import socketio
import sqlalchemy as sa

from bot.channels.session_ids import conversation_id
from tests import servers
from tests.review_support import PASSWORDS, Store, cli, csrf_token, login, start_console

# Letters only: sender ids are redacted in the console too, and a run of digits reads as an ID.
RUN = "".join(random.choices(string.ascii_lowercase, k=8))
# The widget's socket files a conversation under a hash of the browser's token.
WEB_TOKEN = uuid.uuid4().hex
SENDERS = {
    "emergency": f"em-{RUN}",
    "negated": f"neg-{RUN}",
    "diagnosis": f"dx-{RUN}",
    "weather": f"wx-{RUN}",
    "gibberish": f"gib-{RUN}",
    "pii": f"pii-{RUN}",
    "web": conversation_id(WEB_TOKEN),
    "slack": f"slack-{RUN}",
    "old": f"old-{RUN}",
}
PII_MESSAGE = ("my name is John Smith, email john.smith@example.com, phone 555-123-4567, "
               "I live at 42 Elm Street, MRN 12345678, born 03/14/1961. what is ivig")
PII_STRINGS = ["John Smith", "john.smith@example.com", "555-123-4567", "42 Elm Street", "12345678",
               "03/14/1961"]
OLD_TS = time.time() - 100 * 86400


def _say(bot_url: str, sender: str, text: str) -> list[dict]:
    response = requests.post(f"{bot_url}/webhooks/rest/webhook", json={"sender": sender, "message": text},
                             timeout=60)
    response.raise_for_status()
    return response.json()


def _say_socketio(bot_url: str, token: str, texts: list[str]) -> list[str]:
    """The web widget's path: socket.io with the browser's session token."""
    client = socketio.Client()
    replies: list[str] = []
    client.on("bot_uttered", lambda data: replies.append(data.get("text", "")))
    client.connect(bot_url, transports=["polling"], socketio_path="/socket.io")
    try:
        client.emit("session_request", {"session_id": token})
        time.sleep(0.5)
        for text in texts:
            before = len(replies)
            client.emit("user_uttered", {"message": text, "session_id": token})
            deadline = time.monotonic() + 60
            while len(replies) == before and time.monotonic() < deadline:
                time.sleep(0.2)
            time.sleep(1.0)
    finally:
        client.disconnect()
    return replies


def _imported(bot_url: str, sender: str, events: list[dict]) -> None:
    response = requests.put(f"{bot_url}/conversations/{sender}/tracker/events", json=events, timeout=60)
    assert response.status_code == 200, response.text


def _user(text: str, ts: float, channel: str, intent: str, confidence: float) -> dict:
    return {"event": "user", "timestamp": ts, "text": text, "input_channel": channel,
            "parse_data": {"text": text, "intent": {"name": intent, "confidence": confidence},
                           "intent_ranking": [{"name": intent, "confidence": confidence}], "entities": [],
                           "red_flags": {"reported": [], "negated": [], "generic": []}}}


def _have_conversations(bot_url: str) -> None:
    _say(bot_url, SENDERS["emergency"], "i cant breathe")
    _say(bot_url, SENDERS["negated"], "no trouble breathing, what are the symptoms of lems")
    _say(bot_url, SENDERS["diagnosis"], "do i have LES?")
    _say(bot_url, SENDERS["weather"], "what's the weather in denver")
    _say(bot_url, SENDERS["gibberish"], "asdfgh jkl")
    _say(bot_url, SENDERS["pii"], PII_MESSAGE)
    assert _say_socketio(bot_url, WEB_TOKEN, ["hello", "what are the symptoms of lems"])
    now = time.time()
    _imported(bot_url, SENDERS["slack"], [
        {"event": "action", "name": "action_session_start", "timestamp": now - 5},
        {"event": "session_started", "timestamp": now - 5},
        _user("my legs are weak going up stairs", now - 4, "slack", "ask_symptoms", 0.91),
        {"event": "action", "name": "action_answer", "timestamp": now - 3},
        {"event": "bot", "text": "From the article's section *Symptoms*: ...", "timestamp": now - 3},
        {"event": "slot", "name": "sx_legs", "value": "yes", "timestamp": now - 2},
        {"event": "slot", "name": "sx_eyes", "value": "no", "timestamp": now - 2},
        {"event": "slot", "name": "screening_summary", "timestamp": now - 2, "value": {
            "reported": ["sx_legs"], "denied": ["sx_eyes"], "unsure": [], "skipped": [], "context": [],
            "urgency": "prompt"}},
    ])
    _imported(bot_url, SENDERS["old"], [
        {"event": "action", "name": "action_session_start", "timestamp": OLD_TS},
        {"event": "session_started", "timestamp": OLD_TS},
        _user("what is lems", OLD_TS + 1, "rest", "ask_what_is", 0.88),
        {"event": "action", "name": "action_answer", "timestamp": OLD_TS + 2},
        {"event": "bot", "text": "From the article's section *Introduction*: ...", "timestamp": OLD_TS + 2},
    ])


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def console(request: pytest.FixtureRequest, model_path: Path,
            tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    """Real bot + console on one store; yields URLs, the store URL and logged-in sessions."""
    workdir = tmp_path_factory.mktemp(f"review-{request.param}")
    with Store(request.param, workdir) as (db_url, rasa_env):
        actions, action_url = servers.start_action_server(workdir)
        processes = [actions]
        try:
            endpoints = servers.write_endpoints(workdir, action_url,
                                                servers.env_sql_store(workdir / "conversations.db"))
            rasa, bot_url = servers.start_rasa(workdir, model_path, endpoints, env=rasa_env,
                                               args=("--enable-api",))
            processes.append(rasa)
            _have_conversations(bot_url)
            for role, password in PASSWORDS.items():
                result = cli(db_url, "add-user", role, "--role", role, "--password-stdin", stdin=password)
                assert result.returncode == 0, result.stderr
            assert cli(db_url, "add-user", "limited", "--role", "reviewer", "--password-stdin",
                       stdin="paper-river-cloud-77").returncode == 0
            process, url = start_console(workdir, db_url, LES_CONSOLE_LOGIN_MAX_FAILURES="3")
            processes.append(process)
            engine = sa.create_engine(db_url)
            yield {"url": url, "bot": bot_url, "db_url": db_url, "engine": engine, "store": request.param,
                   "admin": login(url, "admin", PASSWORDS["admin"]),
                   "reviewer": login(url, "reviewer", PASSWORDS["reviewer"])}
            engine.dispose()
        finally:
            for process in reversed(processes):
                process.stop()


def _ids(console: dict) -> dict[str, int]:
    """Index row id per test sender, read from the console's list (all on one page)."""
    page = console["admin"].get(f"{console['url']}/?per_page=100", timeout=30).text
    found = dict(re.findall(r'data-sender="([^"]+)">\s*<td><a href="/conversations/(\d+)', page))
    return {name: int(found[sender]) for name, sender in SENDERS.items() if sender in found}


def _listed(session: requests.Session, console: dict, query: str) -> set[str]:
    """Names of the test conversations a filtered list shows (following every page)."""
    names = {v: k for k, v in SENDERS.items()}
    shown: set[str] = set()
    page = 1
    while True:
        response = session.get(f"{console['url']}/?{query}&per_page=5&page={page}", timeout=30)
        assert response.status_code == 200
        shown |= {names[s] for s in re.findall(r'data-sender="([^"]+)"', response.text) if s in names}
        if 'rel="next"' not in response.text:
            return shown
        page += 1


def _events_snapshot(engine: sa.engine.Engine) -> list[tuple]:
    with engine.connect() as connection:
        return list(connection.execute(sa.text(
            "select sender_id, count(*), max(id), sum(length(data)) from events group by sender_id "
            "order by sender_id")))


def test_the_store_holds_every_conversation(console):
    with console["engine"].connect() as connection:
        senders = {r[0] for r in connection.execute(sa.text("select distinct sender_id from events"))}
        channels = {r[0] for r in connection.execute(sa.text(
            "select data from events where type_name = 'user'"))}
    assert set(SENDERS.values()) <= senders
    assert any('"input_channel": "socketio"' in c for c in channels)
    assert console["engine"].dialect.name == console["store"]


@pytest.mark.parametrize("path", ["/", "/overview", "/conversations/1", "/admin/users", "/admin/audit"])
def test_pages_need_a_login(console, path):
    response = requests.get(console["url"] + path, allow_redirects=False, timeout=10)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login?next=")


@pytest.mark.parametrize("path", ["/export.csv", "/export.jsonl?emergency=yes"])
def test_exports_need_a_login(console, path):
    response = requests.get(console["url"] + path, allow_redirects=False, timeout=10)
    assert response.status_code == 401
    assert "conversation" not in response.text


def test_posts_need_a_login(console):
    response = requests.post(f"{console['url']}/conversations/1/tags", data={"tag": "x"}, timeout=10,
                             allow_redirects=False)
    assert response.status_code == 401


def test_wrong_password_and_rate_limit(console):
    url = console["url"]
    session = requests.Session()
    for _ in range(3):
        token = csrf_token(session.get(f"{url}/login", timeout=10).text)
        response = session.post(f"{url}/login", data={"username": "limited", "password": "wrong-password-1",
                                                      "csrf_token": token}, timeout=10)
        assert response.status_code == 401
    token = csrf_token(session.get(f"{url}/login", timeout=10).text)
    response = session.post(f"{url}/login", data={"username": "limited", "password": "paper-river-cloud-77",
                                                  "csrf_token": token}, timeout=10, allow_redirects=False)
    assert response.status_code == 429 and int(response.headers["retry-after"]) > 0


def test_login_form_needs_its_csrf_token(console):
    response = requests.post(f"{console['url']}/login", data={"username": "admin",
                             "password": PASSWORDS["admin"]}, timeout=10, allow_redirects=False)
    assert response.status_code == 403


def test_session_cookie_is_httponly_and_samesite(console):
    session = requests.Session()
    token = csrf_token(session.get(f"{console['url']}/login", timeout=10).text)
    response = session.post(f"{console['url']}/login", data={
        "username": "reviewer", "password": PASSWORDS["reviewer"], "csrf_token": token},
        allow_redirects=False, timeout=10)
    cookie = response.headers["set-cookie"]
    assert response.status_code == 303 and "les_console_session=" in cookie
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Secure" not in cookie


def test_reviewer_cannot_use_admin_pages(console):
    reviewer, url = console["reviewer"], console["url"]
    assert reviewer.get(f"{url}/admin/users", timeout=10).status_code == 403
    assert reviewer.get(f"{url}/admin/audit", timeout=10).status_code == 403
    token = csrf_token(reviewer.get(f"{url}/", timeout=10).text)
    response = reviewer.post(f"{url}/admin/users", data={"csrf_token": token, "action": "create",
                             "username": "mallory", "password": "mallory-password-1", "role": "admin"},
                             timeout=10)
    assert response.status_code == 403
    conversation = _ids(console)["pii"]
    response = reviewer.post(f"{url}/conversations/{conversation}/reveal", data={"csrf_token": token},
                             timeout=10)
    assert response.status_code == 403
    assert reviewer.get(f"{url}/export.csv?redacted=no", timeout=10).status_code == 403


def test_forms_need_the_session_csrf_token(console):
    url, reviewer = console["url"], console["reviewer"]
    conversation = _ids(console)["emergency"]
    for data in ({"tag": "sneaky"}, {"tag": "sneaky", "csrf_token": "forged"}):
        response = reviewer.post(f"{url}/conversations/{conversation}/tags", data=data, timeout=10)
        assert response.status_code == 403
    # Another user's token is not this session's token either.
    admin_token = csrf_token(console["admin"].get(f"{url}/", timeout=10).text)
    response = reviewer.post(f"{url}/conversations/{conversation}/tags",
                             data={"tag": "sneaky", "csrf_token": admin_token}, timeout=10)
    assert response.status_code == 403
    assert "sneaky" not in reviewer.get(f"{url}/conversations/{conversation}", timeout=10).text


def test_reviewer_actions_never_touch_the_events(console):
    url, reviewer = console["url"], console["reviewer"]
    before = _events_snapshot(console["engine"])
    ids = _ids(console)
    page = reviewer.get(f"{url}/conversations/{ids['emergency']}", timeout=10).text
    token = csrf_token(page)
    post = lambda path, **data: reviewer.post(f"{url}/conversations/{ids['emergency']}/{path}",  # noqa: E731
                                             data={"csrf_token": token, **data}, timeout=10)
    assert post("tags", tag="Call back").status_code == 200
    assert post("status", reviewed="yes").status_code == 200
    assert post("status", follow_up="yes").status_code == 200
    assert post("notes", text="Called the patient, she is fine.").status_code == 200
    old = reviewer.post(f"{url}/conversations/{ids['old']}/tags",
                        data={"csrf_token": token, "tag": "old case"}, timeout=10)
    assert old.status_code == 200
    page = reviewer.get(f"{url}/conversations/{ids['emergency']}", timeout=10).text
    assert "call back" in page and "Called the patient" in page and "needs follow-up" in page
    assert _events_snapshot(console["engine"]) == before


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
    assert _listed(console["reviewer"], console, query) == expected


def test_fallback_filter(console):
    shown = _listed(console["reviewer"], console, "fallback=yes")
    # The PII message is free text whose intent is the classifier's call; everything else is fixed.
    assert shown - {"pii"} == {"weather", "gibberish"}


def test_review_filters(console):
    reviewer = console["reviewer"]
    assert _listed(reviewer, console, "reviewed=yes") == {"emergency"}
    assert _listed(reviewer, console, "follow_up=yes") == {"emergency"}
    assert _listed(reviewer, console, "tag=call+back") == {"emergency"}
    assert _listed(reviewer, console, "reviewed=no") == set(SENDERS) - {"emergency"}


def test_date_range_filter(console):
    old_day = datetime.fromtimestamp(OLD_TS, tz=timezone.utc).strftime("%Y-%m-%d")
    today = datetime.now(timezone.utc).strftime("%Y-%m-%d")
    assert _listed(console["reviewer"], console, f"date_from={old_day}&date_to={old_day}") == {"old"}
    assert _listed(console["reviewer"], console, f"date_from={today}") == set(SENDERS) - {"old"}


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
    assert "gibberish" in _listed(reviewer, console, f"low_confidence=yes&threshold={above}")
    assert "gibberish" not in _listed(reviewer, console, f"low_confidence=yes&threshold={below}")
    assert _listed(reviewer, console, "low_confidence=yes&threshold=0") == set()


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


def test_transcript_shows_intents_and_red_flags(console):
    ids = _ids(console)
    page = console["reviewer"].get(f"{console['url']}/conversations/{ids['emergency']}", timeout=10).text
    assert '<code class="intent">emergency</code>' in page
    assert "RED FLAG reported: trouble breathing" in page
    assert "utter_emergency" in page and "emergency reply" in page
    assert re.search(r'class="confidence">1\.00<', page)
    negated = console["reviewer"].get(f"{console['url']}/conversations/{ids['negated']}", timeout=10).text
    assert "(negated)" in negated and "negated red flag (not an emergency): trouble breathing" in negated
    assert "RED FLAG reported" not in negated
    assert "action_disclaimer" in negated and ">disclaimer</span>" in negated
    diagnosis = console["reviewer"].get(f"{console['url']}/conversations/{ids['diagnosis']}", timeout=10).text
    assert '<code class="intent">ask_diagnosis</code>' in diagnosis and "action_answer" in diagnosis


def test_transcript_shows_the_screening_answers_and_urgency(console):
    ids = _ids(console)
    page = console["reviewer"].get(f"{console['url']}/conversations/{ids['slack']}", timeout=10).text
    assert "<h2>Screening</h2>" in page and ">prompt<" in page
    assert re.search(r"weakness in the legs or hips.*?</th><td class=\"answer yes\">yes<", page, re.S)
    assert re.search(r"droopy eyelids, double or blurred vision</th><td class=\"answer no\">no<", page)
    plain = console["reviewer"].get(f"{console['url']}/conversations/{ids['emergency']}", timeout=10).text
    assert "<h2>Screening</h2>" not in plain


def test_transcript_is_redacted_and_admin_reveal_is_audited(console):
    url, ids = console["url"], _ids(console)
    page = console["reviewer"].get(f"{url}/conversations/{ids['pii']}", timeout=10).text
    assert not any(s in page for s in PII_STRINGS), page
    assert "[EMAIL]" in page and "[PHONE]" in page and "[NAME]" in page and "[ADDRESS]" in page
    admin = console["admin"]
    page = admin.get(f"{url}/conversations/{ids['pii']}", timeout=10).text
    assert "john.smith@example.com" not in page  # admins too see redacted text first
    revealed = admin.post(f"{url}/conversations/{ids['pii']}/reveal", data={"csrf_token": csrf_token(page)},
                          timeout=10).text
    assert all(s in revealed for s in PII_STRINGS)
    audit = admin.get(f"{url}/admin/audit?action=reveal", timeout=10).text
    assert "admin" in audit and SENDERS["pii"] in audit


def test_exports_are_redacted(console):
    url, reviewer = console["url"], console["reviewer"]
    response = reviewer.get(f"{url}/export.csv", timeout=30)
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert {r["conversation"] for r in rows} == {str(i) for i in _ids(console).values()}
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
    url, admin = console["url"], console["admin"]
    response = admin.get(f"{url}/export.jsonl?q=ivig&redacted=no", timeout=30)
    assert response.status_code == 200
    assert "john.smith@example.com" in response.text
    audit = admin.get(f"{url}/admin/audit?action=export", timeout=10).text
    assert "redacted=False" in audit and "reviewer" in audit and SENDERS["pii"] in audit
    views = admin.get(f"{url}/admin/audit?action=view", timeout=10).text
    assert "reviewer" in views and SENDERS["emergency"] in views


def test_overview_counts_and_charts(console):
    page = console["reviewer"].get(f"{console['url']}/overview", timeout=10).text
    assert re.search(r'id="stat-conversations">8<', page)  # the 100-day-old one is outside 30 days
    assert re.search(r'id="stat-emergencies"><a href="/\?emergency=yes">1</a>', page)
    assert page.count("<svg") == 3 and "emergency" in page and "ask_diagnosis" in page


def test_admin_manages_users(console):
    url, admin = console["url"], console["admin"]
    token = csrf_token(admin.get(f"{url}/admin/users", timeout=10).text)
    response = admin.post(f"{url}/admin/users", data={"csrf_token": token, "action": "create",
                          "username": "nurse", "password": "blue-harbor-stone-5", "role": "reviewer"},
                          timeout=10)
    assert response.status_code == 200 and "nurse" in response.text
    nurse = login(url, "nurse", "blue-harbor-stone-5")
    assert nurse.get(f"{url}/", timeout=10).status_code == 200
    admin.post(f"{url}/admin/users", data={"csrf_token": token, "action": "disable", "username": "nurse"},
               timeout=10)
    assert nurse.get(f"{url}/", allow_redirects=False, timeout=10).status_code == 303
    weak = admin.post(f"{url}/admin/users", data={"csrf_token": token, "action": "create",
                      "username": "weak", "password": "short", "role": "reviewer"}, timeout=10)
    assert weak.status_code == 400


def test_browser_login_filter_emergencies_and_open_transcript(console):
    """Debian's Chromium driven by Playwright, as a nurse would click through."""
    from playwright.sync_api import sync_playwright

    from tests.review_support import CHROMIUM, CHROMIUM_ARGS

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
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


def test_retention_deletes_old_conversations_and_nothing_else(console):
    engine, ids = console["engine"], _ids(console)
    before = dict((r[0], r[1:]) for r in _events_snapshot(engine))
    dry = cli(console["db_url"], "retention", "--days", "30", "--dry-run")
    assert dry.returncode == 0 and "would delete 1 conversations" in dry.stdout
    assert dict((r[0], r[1:]) for r in _events_snapshot(engine)) == before
    result = cli(console["db_url"], "retention", "--days", "30")
    assert result.returncode == 0 and "deleted 1 conversations" in result.stdout, result.stderr
    after = dict((r[0], r[1:]) for r in _events_snapshot(engine))
    assert SENDERS["old"] not in after
    assert after == {s: v for s, v in before.items() if s != SENDERS["old"]}
    with engine.connect() as connection:
        for table in ("console_conversations", "console_tags", "console_reviews", "console_notes"):
            left = connection.execute(sa.text(f"select count(*) from {table} where sender_id = :s"),
                                      {"s": SENDERS["old"]}).scalar()
            assert left == 0, table
        kept_tags = connection.execute(sa.text("select count(*) from console_tags where sender_id = :s"),
                                       {"s": SENDERS["emergency"]}).scalar()
        assert kept_tags == 1
        orphans = connection.execute(sa.text(
            "select count(*) from console_conversation_days where conversation_id = :i"),
            {"i": ids["old"]}).scalar()
        assert orphans == 0
    assert _listed(console["reviewer"], console, "sort=oldest") == set(SENDERS) - {"old"}
