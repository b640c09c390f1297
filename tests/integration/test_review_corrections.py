"""Corrections from the review console, on SQLite and PostgreSQL, against real servers.

A real action server and Rasa server take conversations over REST that the bot gets
wrong; reviewers correct the turns through the console's HTTP interface, an admin
decides, and the export writes training data into a copy of the project, which
``rasa data validate --fail-on-warnings`` must accept. Roles, CSRF, audit entries,
duplicates, disagreements, emergency flags and redaction are checked along the way.
The browser and retraining half of the loop is tests/browser/test_review_loop.py.
"""

from __future__ import annotations

import json
import random
import re
import string
import subprocess
import sys
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
import sqlalchemy as sa
import yaml

from bot.review import corrections
from bot.review.training import normalize
from tests.support.review import (
    PASSWORDS,
    cli,
    console_stack,
    csrf_token,
    events_snapshot,
    login,
    project_copy,
)

RASA = str(Path(sys.executable).with_name("rasa"))
RUN = "".join(random.choices(string.ascii_lowercase, k=8))
CONVERSATIONS = {
    # name: (sender, messages); the turn reviewers correct is the last one.
    "miss": (f"miss-{RUN}", ["hello", "whats the deal with the bloodwash thing"]),
    "emergency": (f"em-{RUN}", ["my lips are going numb and tingly"]),
    "pii": (f"pii-{RUN}", ["my name is John Smith, phone 555-123-4567, will the drip of antibodies help"]),
    "conflict": (f"cf-{RUN}", ["is the bloodwash thing any good"]),
    "known": (f"kn-{RUN}", ["what is ivig"]),
    "edit": (f"ed-{RUN}", ["what does the drip do"]),
}
PII = ["John Smith", "555-123-4567", "555-987-6543"]
SECOND_REVIEWER = ("nurse", "blue-harbor-stone-5")


def _talk(bot_url: str) -> None:
    for sender, messages in CONVERSATIONS.values():
        for text in messages:
            response = requests.post(f"{bot_url}/webhooks/rest/webhook",
                                     json={"sender": sender, "message": text}, timeout=60)
            response.raise_for_status()


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def console(request: pytest.FixtureRequest, model_path: Path,
            tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    """This module's own bot and console (its conversations are ones the bot gets wrong)."""
    workdir = tmp_path_factory.mktemp(f"corrections-{request.param}")
    button_root = project_copy(workdir / "button-export")
    users = [("admin", "admin", PASSWORDS["admin"]), ("reviewer", "reviewer", PASSWORDS["reviewer"]),
             (SECOND_REVIEWER[0], "reviewer", SECOND_REVIEWER[1])]
    with console_stack(request.param, workdir, model_path, _talk, users,
                       LES_TRAINING_EXPORT_ROOT=str(button_root)) as stack:
        url = stack["url"]
        yield {**stack, "button_root": button_root, "events_before": events_snapshot(stack["engine"]),
               "admin": login(url, "admin", PASSWORDS["admin"]),
               "reviewer": login(url, "reviewer", PASSWORDS["reviewer"]),
               "nurse": login(url, *SECOND_REVIEWER)}


def _conversation(console: dict, name: str) -> tuple[int, list[int], str]:
    """(conversation id, user turns' event ids, transcript HTML) of a test conversation."""
    sender = CONVERSATIONS[name][0]
    listing = console["admin"].get(f"{console['url']}/?per_page=100", timeout=30).text
    found = dict(re.findall(r'data-sender="([^"]+)">\s*<td><a href="/conversations/(\d+)', listing))
    conversation = int(found[sender])
    page = console["reviewer"].get(f"{console['url']}/conversations/{conversation}", timeout=30).text
    return conversation, [int(e) for e in re.findall(r'name="event_id" value="(\d+)"', page)], page


def _correct(console: dict, who: str, name: str, kind: str, expect: int = 200, token: str | None = None,
             **fields: str) -> requests.Response:
    """One reviewer's correction of the last user turn of a test conversation."""
    conversation, turns, _ = _conversation(console, name)
    session = console[who]
    token = token if token is not None else csrf_token(
        session.get(f"{console['url']}/conversations/{conversation}", timeout=30).text)
    data = {"csrf_token": token, "event_id": str(turns[-1]), "kind": kind, **fields}
    response = session.post(f"{console['url']}/conversations/{conversation}/corrections", data=data,
                            timeout=30)
    assert response.status_code == expect, response.text[:500]
    return response


def _rows(console: dict, sender_name: str) -> list[sa.engine.Row]:
    with console["engine"].connect() as connection:
        return list(connection.execute(sa.text(
            "select id, reviewer, kind, target, status, example_text, model_id, turn_index "
            "from console_corrections where sender_id = :s order by id"),
            {"s": CONVERSATIONS[sender_name][0]}))


def _decide(console: dict, who: str, correction_id: int, decision: str) -> requests.Response:
    session = console[who]
    token = csrf_token(session.get(f"{console['url']}/improve", timeout=30).text)
    return session.post(f"{console['url']}/improve/{correction_id}/decision",
                        data={"csrf_token": token, "decision": decision}, timeout=30)


def _audit(console: dict, action: str) -> str:
    return console["admin"].get(f"{console['url']}/admin/audit?action={action}", timeout=30).text


def test_every_turn_names_the_model_that_handled_it(console):
    with console["engine"].connect() as connection:
        users = [json.loads(r[0]) for r in connection.execute(sa.text(
            "select data from events where type_name = 'user'"))]
    models = {u["metadata"].get("model_id") for u in users}
    assert len(models) == 1 and re.fullmatch(r"[0-9a-f]{32}", next(iter(models)))
    _, _, page = _conversation(console, "miss")
    assert f"model {next(iter(models))[:8]}" in page


def test_reviewer_proposes_only_admins_decide_and_both_are_audited(console):
    _, turns, page = _conversation(console, "pii")
    assert not any(s in page for s in PII[:2])  # the form's example text is redacted too
    _correct(console, "reviewer", "pii", "intent", intent="ask_ivig",
             note="IVIg is the drip; she wants a call on 555-987-6543",
             example_text="will the drip of antibodies help, ring me on 555-987-6543")
    [row] = _rows(console, "pii")
    assert (row.reviewer, row.kind, row.target, row.status) == ("reviewer", "intent", "ask_ivig", "open")
    assert "[PHONE]" in row.example_text and not any(s in row.example_text for s in PII)
    assert re.fullmatch(r"[0-9a-f]{32}", row.model_id)
    shown = console["reviewer"].get(f"{console['url']}/improve", timeout=30).text
    shown += _conversation(console, "pii")[2]
    assert "IVIg is the drip" in shown and not any(s in shown for s in PII)
    assert _decide(console, "reviewer", row.id, "accept").status_code == 403
    assert _rows(console, "pii")[0].status == "open"
    assert _decide(console, "admin", row.id, "accept").status_code == 200
    assert _rows(console, "pii")[0].status == "accepted"
    proposed = _audit(console, "correction")
    assert "reviewer" in proposed and CONVERSATIONS["pii"][0] in proposed and f"event={turns[-1]}" in proposed
    decided = _audit(console, "correction_decision")
    assert "admin" in decided and f"correction={row.id}" in decided and "decision=accept" in decided
    assert "555-987-6543" not in proposed + decided  # the audit log names, it never quotes


def test_forms_need_a_login_and_the_session_csrf_token(console):
    url = console["url"]
    conversation, turns, _ = _conversation(console, "conflict")
    anonymous = requests.post(f"{url}/conversations/{conversation}/corrections",
                              data={"event_id": turns[-1], "kind": "out_of_scope"}, timeout=10,
                              allow_redirects=False)
    assert anonymous.status_code == 401
    for token in ("", "forged"):
        _correct(console, "reviewer", "conflict", "out_of_scope", expect=403, token=token)
    admin_token = csrf_token(console["admin"].get(f"{url}/improve", timeout=10).text)
    _correct(console, "reviewer", "conflict", "out_of_scope", expect=403, token=admin_token)
    reviewer_token = csrf_token(console["reviewer"].get(f"{url}/improve", timeout=10).text)
    assert console["admin"].post(f"{url}/improve/1/decision", data={"csrf_token": reviewer_token,
                                 "decision": "accept"}, timeout=10).status_code == 403
    assert console["admin"].post(f"{url}/admin/export-training", data={}, timeout=10).status_code == 403
    assert console["reviewer"].post(f"{url}/admin/export-training", data={"csrf_token": reviewer_token},
                                    timeout=10).status_code == 403
    assert _rows(console, "conflict") == []


def test_a_second_proposal_replaces_ones_own_open_correction(console):
    _correct(console, "nurse", "miss", "out_of_scope")
    _correct(console, "nurse", "miss", "intent", intent="ask_plasma_exchange",
             note="bloodwash = plasma exchange")
    [row] = _rows(console, "miss")
    assert (row.reviewer, row.kind, row.target, row.turn_index) == (
        "nurse", "intent", "ask_plasma_exchange", 1)
    audit = _audit(console, "correction")
    assert "created=True" in audit and "created=False" in audit
    page = console["nurse"].get(f"{console['url']}/improve?reviewer=nurse", timeout=30).text
    assert f'data-correction="{row.id}"' in page and "bloodwash" in page


def test_only_the_proposer_or_an_admin_edits_the_example_and_it_stays_redacted(console):
    url = console["url"]
    _correct(console, "reviewer", "edit", "intent", intent="ask_ivig")
    [row] = _rows(console, "edit")

    def edit(who: str, text: str) -> requests.Response:
        token = csrf_token(console[who].get(f"{url}/improve", timeout=30).text)
        return console[who].post(f"{url}/improve/{row.id}/text", timeout=30,
                                 data={"csrf_token": token, "example_text": text})

    assert edit("nurse", "something else").status_code == 403
    assert edit("reviewer", "my email is jane@example.com, what does the drip do").status_code == 200
    assert _rows(console, "edit")[0].example_text == "my email is [EMAIL], what does the drip do"
    assert edit("admin", "what does the drip do for lems").status_code == 200
    edits = _audit(console, "correction_edit")
    assert edits.count(CONVERSATIONS["edit"][0]) == 2 and f"correction={row.id}" in edits
    assert _decide(console, "admin", row.id, "reject").status_code == 200
    assert edit("reviewer", "too late").status_code == 409
    assert _rows(console, "edit")[0].example_text == "what does the drip do for lems"


def test_disagreements_show_and_only_one_view_can_be_accepted(console):
    _correct(console, "reviewer", "conflict", "intent", intent="ask_plasma_exchange")
    _correct(console, "nurse", "conflict", "out_of_scope")
    mine, theirs = _rows(console, "conflict")
    page = console["admin"].get(f"{console['url']}/improve", timeout=30).text
    for row in (mine, theirs):
        cell = page.split(f'data-correction="{row.id}"', 1)[1].split("</tr>", 1)[0]
        assert "reviewers disagree" in cell
    assert _decide(console, "admin", mine.id, "accept").status_code == 200
    refused = _decide(console, "admin", theirs.id, "accept")
    assert "different target" in refused.text and _rows(console, "conflict")[1].status == "open"
    assert _decide(console, "admin", theirs.id, "reject").status_code == 200
    assert [r.status for r in _rows(console, "conflict")] == ["accepted", "rejected"]
    # Decided is final for the reviewer: no quiet re-proposal.
    _correct(console, "nurse", "conflict", "diagnosis", expect=409)
    _, _, transcript = _conversation(console, "conflict")
    assert "reviewers disagree" not in transcript  # the rejected view no longer counts


def test_emergency_corrections_are_flagged_to_admins_until_decided(console):
    url = console["url"]
    _correct(console, "reviewer", "emergency", "emergency", red_flag="allergic_swelling",
             note="lips going numb after a new drug")
    [row] = _rows(console, "emergency")
    admin_list = console["admin"].get(f"{url}/", timeout=30).text
    assert 'id="emergency-corrections"' in admin_list and "corrected as emergency: undecided" in admin_list
    assert 'id="emergency-corrections"' not in console["reviewer"].get(f"{url}/", timeout=30).text
    improve = console["admin"].get(f"{url}/improve", timeout=30).text
    assert re.findall(r'data-correction="(\d+)"', improve)[0] == str(row.id)  # emergencies first
    assert _decide(console, "admin", row.id, "accept").status_code == 200
    assert 'id="emergency-corrections"' not in console["admin"].get(f"{url}/", timeout=30).text


def test_export_is_valid_redacted_and_gives_each_example_one_intent(console, tmp_path):
    _correct(console, "reviewer", "known", "intent", intent="ask_treatment")  # data/nlu: ask_ivig
    for name in ("known", "miss"):
        for row in _rows(console, name):
            if row.status == "open":
                assert _decide(console, "admin", row.id, "accept").status_code == 200
    root = project_copy(tmp_path / "project")
    result = cli(console["db_url"], "export-training", "--root", str(root))
    assert result.returncode == 0, result.stderr
    assert "left out (one example, one intent): 'what is ivig'" in result.stdout
    written = {name: (root / name).read_text() for name in (
        "data/nlu/reviewed.yml", "tests/test_reviewed_stories.yml", "tests/eval/reviewed_set.yml",
        "tests/eval/reviewed_red_flags.yml")}
    assert not any(s in text for text in written.values() for s in PII)
    nlu = {item["intent"]: [e[2:] for e in item["examples"].splitlines()]
           for item in yaml.safe_load(written["data/nlu/reviewed.yml"])["nlu"]}
    assert nlu["ask_plasma_exchange"] == ["whats the deal with the bloodwash thing",
                                          "is the bloodwash thing any good"]
    assert any("(PHONE)" in e for e in nlu["ask_ivig"])
    # The extractor's entities, annotated where it found them.
    assert nlu["emergency"] == ["my lips are going [numb](symptom) and [tingly](symptom)"]
    assert "out_of_scope" not in nlu  # the rejected view
    intents_of: dict[str, set[str]] = defaultdict(set)
    for path in (root / "data" / "nlu").glob("*.yml"):
        for item in yaml.safe_load(path.read_text()).get("nlu") or []:
            for example in str(item.get("examples") or "").splitlines():
                if "intent" in item and example.strip().startswith("- "):
                    intents_of[normalize(example.strip()[2:])].add(item["intent"])
    assert not {text: i for text, i in intents_of.items() if len(i) > 1}
    red_flags = yaml.safe_load(written["tests/eval/reviewed_red_flags.yml"])["items"]
    assert [(c["text"], c["expect"]["emergency"]) for c in red_flags] == [
        ("my lips are going numb and tingly", True)]
    cases = yaml.safe_load(written["tests/eval/reviewed_set.yml"])["items"]
    assert {"text": "whats the deal with the bloodwash thing", "category": "ask_plasma_exchange",
            "expect": {"section": "Treatment", "emergency": False, "disclaimer": True}} in [
        {k: v for k, v in c.items() if k != "correction"} for c in cases]
    [story] = yaml.safe_load(written["tests/test_reviewed_stories.yml"])["stories"]
    assert story["steps"][:2] == [{"user": "hello", "intent": "greet"}, {"action": "utter_greet"}]
    assert story["steps"][-3:] == [{"user": "whats the deal with the bloodwash thing",
                                    "intent": "ask_plasma_exchange"},
                                   {"action": "action_answer"}, {"action": "action_disclaimer"}]
    validate = subprocess.run([RASA, "data", "validate", "--fail-on-warnings"], cwd=root,
                              capture_output=True, text=True, timeout=600)
    assert validate.returncode == 0, validate.stdout[-3000:] + validate.stderr[-3000:]
    assert "training_export" in console["admin"].get(f"{console['url']}/admin/audit", timeout=30).text


def test_admins_export_button_writes_the_same_files(console):
    url, admin = console["url"], console["admin"]
    token = csrf_token(admin.get(f"{url}/improve", timeout=30).text)
    response = admin.post(f"{url}/admin/export-training", data={"csrf_token": token}, timeout=120)
    assert response.status_code == 200 and re.search(r'id="stat-examples">4<', response.text), response.text
    reviewed = (console["button_root"] / "data/nlu/reviewed.yml").read_text()
    assert "bloodwash" in reviewed and not any(s in reviewed for s in PII)


def test_quality_over_time_counts_messages_and_corrections_per_model(console):
    page = console["reviewer"].get(f"{console['url']}/quality", timeout=30).text
    assert page.count("<svg") == 7
    rows = re.findall(r'<tr data-week="([\d-]+)" data-model="([0-9a-f]{32})">.*?class="messages">(\d+)<.*?'
                      r'class="corrected">(\d+) ', page, re.S)
    assert len(rows) == 1, rows
    _week, _model, messages, corrected = rows[0]
    # Seven REST messages; corrected turns: pii, miss, conflict, emergency, known (the rejected
    # correction of "edit" and the rejected view of "conflict" do not count).
    assert (int(messages), int(corrected)) == (7, 5)
    targets = page.split('class="targets">', 1)[1].split("</td>", 1)[0]
    swelling = corrections.choices().red_flag_label("allergic_swelling")
    assert "intent ask_plasma_exchange: 2" in targets and f"emergency: {swelling}: 1" in targets
    csv_text = console["reviewer"].get(f"{console['url']}/quality.csv", timeout=30).text
    assert csv_text.splitlines()[0].startswith("week,model,messages,fallback_rate")


def test_corrections_never_touch_rasas_events(console):
    assert events_snapshot(console["engine"]) == console["events_before"]


def test_an_export_with_nothing_accepted_still_gives_rasa_valid_files(tmp_path):
    """The export always writes reviewed.yml, so a project that never accepted anything validates too."""
    root = project_copy(tmp_path / "project")
    result = cli(f"sqlite:///{tmp_path / 'empty.db'}", "export-training", "--root", str(root))
    assert result.returncode == 0 and "0 accepted corrections" in result.stdout, result.stderr
    assert yaml.safe_load((root / "data/nlu/reviewed.yml").read_text()) == {"version": "3.1", "nlu": []}
    assert yaml.safe_load((root / "tests/eval/reviewed_set.yml").read_text())["items"] == []
    validate = subprocess.run([RASA, "data", "validate", "--fail-on-warnings"], cwd=root,
                              capture_output=True, text=True, timeout=600)
    assert validate.returncode == 0, validate.stdout[-3000:] + validate.stderr[-3000:]
