"""The whole loop, end to end with real servers: misunderstood -> corrected -> retrained -> understood.

A message goes to the bot over REST and is misunderstood; a reviewer corrects the
turn in the console in Debian's chromium; an admin accepts it and presses the
export button (which writes into a copy of the project); ``rasa data validate
--fail-on-warnings`` accepts the result; a model is trained from the copy into a
temporary directory; a Rasa server with that model now gives the same message the
corrected intent and the answer from the right article section, and the exported
test story passes ``rasa test core``.
"""

from __future__ import annotations

import json
import random
import string
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
import sqlalchemy as sa

from bot.ops.train import train
from tests.support import checks, servers
from tests.support.review import PASSWORDS, browser_login, cli, project_copy, start_console

RASA = str(Path(sys.executable).with_name("rasa"))
RUN = "".join(random.choices(string.ascii_lowercase, k=8))
MISUNDERSTOOD = "whats the deal with the bloodwash thing"
TARGET = "ask_plasma_exchange"


def _say(url: str, sender: str, text: str) -> list[str]:
    response = requests.post(f"{url}/webhooks/rest/webhook", json={"sender": sender, "message": text},
                             timeout=60)
    response.raise_for_status()
    return checks.texts(response.json())


def _user_events(db_url: str, sender: str) -> list[dict]:
    engine = sa.create_engine(db_url)
    try:
        with engine.connect() as connection:
            return [json.loads(r[0]) for r in connection.execute(sa.text(
                "select data from events where sender_id = :s and type_name = 'user' order by id"),
                {"s": sender})]
    finally:
        engine.dispose()


@pytest.fixture(scope="module")
def loop(model_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    workdir = tmp_path_factory.mktemp("review-loop")
    root = project_copy(workdir / "project")
    db = workdir / "conversations.db"
    db_url = f"sqlite:///{db}"
    actions, action_url = servers.start_action_server(workdir)
    processes = [actions]
    try:
        endpoints = servers.write_endpoints(workdir, action_url, servers.env_sql_store(db))
        rasa, bot_url = servers.start_rasa(workdir, model_path, endpoints, env={"LES_TRACKER_DB_URL": ""})
        processes.append(rasa)
        for role, password in PASSWORDS.items():
            result = cli(db_url, "add-user", role, "--role", role, "--password-stdin", stdin=password)
            assert result.returncode == 0, result.stderr
        console, console_url = start_console(workdir, db_url, LES_TRAINING_EXPORT_ROOT=str(root))
        processes.append(console)
        yield {"workdir": workdir, "root": root, "db_url": db_url, "bot": bot_url, "console": console_url,
               "endpoints": endpoints, "rasa": rasa}
    finally:
        for process in reversed(processes):
            process.stop()


def test_a_correction_made_in_the_browser_teaches_the_retrained_bot(loop, browser):
    sender = f"loop-{RUN}"
    _say(loop["bot"], sender, "hello")
    _say(loop["bot"], sender, MISUNDERSTOOD)
    before = _user_events(loop["db_url"], sender)[-1]
    assert before["parse_data"]["intent"]["name"] != TARGET, "the bot already understands it: pick another"

    # A reviewer finds the conversation and corrects the turn.
    reviewer = browser_login(browser, loop["console"], "reviewer")
    reviewer.goto(f"{loop['console']}/?q=bloodwash")
    reviewer.click("table.conversations tbody tr >> nth=0 >> td >> nth=0 >> a")
    turn = reviewer.locator("article.msg.user", has_text="bloodwash")
    turn.locator("summary:has-text('Correct this turn')").click()
    turn.locator("input[name=kind][value=intent]").check()
    turn.locator("select[name=intent]").select_option(TARGET)
    turn.locator("textarea[name=note]").fill("'bloodwash' is what patients call plasma exchange")
    with reviewer.expect_navigation():
        turn.locator("button:has-text('Propose correction')").click()
    shown = reviewer.locator("article.msg.user", has_text="bloodwash").locator(".corrections")
    assert f"intent {TARGET}" in shown.inner_text() and "open" in shown.inner_text()
    reviewer.context.close()

    # An admin accepts it on the Improve page and exports.
    admin = browser_login(browser, loop["console"], "admin")
    admin.goto(f"{loop['console']}/improve")
    row = admin.locator("tr[data-correction]", has_text="bloodwash")
    assert "reviewer" in row.inner_text() and TARGET in row.inner_text()
    with admin.expect_navigation():
        row.locator("button:has-text('Accept')").click()
    assert "accepted" in admin.inner_text("p.ok")
    with admin.expect_navigation():
        admin.click("button:has-text('Export accepted corrections')")
    assert admin.inner_text("#stat-examples") == "1"
    admin.context.close()

    root = loop["root"]
    assert MISUNDERSTOOD in (root / "data/nlu/reviewed.yml").read_text()
    validate = subprocess.run([RASA, "data", "validate", "--fail-on-warnings"], cwd=root, capture_output=True,
                              text=True, timeout=600)
    assert validate.returncode == 0, validate.stdout[-3000:] + validate.stderr[-3000:]

    # Retrain from the copy into a temporary directory, serve the new model, ask again.
    model = train(root, out=loop["workdir"] / "models")
    assert model.parent == loop["workdir"] / "models"
    rasa, url = servers.start_rasa(loop["workdir"], model, loop["endpoints"], env={"LES_TRACKER_DB_URL": ""})
    try:
        again = f"again-{RUN}"
        replies = _say(url, again, MISUNDERSTOOD)
        after = _user_events(loop["db_url"], again)[-1]
    finally:
        rasa.stop()
    assert after["parse_data"]["intent"]["name"] == TARGET
    assert checks.names_section(replies, "Treatment") and checks.is_disclaimer(replies[-1]), replies
    assert after["metadata"]["model_id"] != before["metadata"]["model_id"]

    story = subprocess.run(
        [RASA, "test", "core", "--model", str(model), "--stories", "tests/test_reviewed_stories.yml",
         "--fail-on-prediction-errors", "--out", str(loop["workdir"] / "results")],
        cwd=root, capture_output=True, text=True, timeout=900)
    assert story.returncode == 0, story.stdout[-3000:] + story.stderr[-3000:]
