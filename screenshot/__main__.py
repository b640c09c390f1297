"""`make screenshot`: pictures of the widget's demo page with a real conversation.

    python -m screenshot [--console]

Starts its own action server and Rasa server on free ports (so it runs beside
`make run` or the tests), opens the demo page in Debian's chromium, talks to the
bot, and writes PNGs to build/screenshots/ (git-ignored):

    widget-desktop.png   the greeting, a quick reply's question and its answer
    widget-phone.png     a phone-sized screen after a red-flag message
    review-correct.png   the review console: a reviewer correcting a misunderstood turn
    review-improve.png   the review console's Improve page as an admin sees it

docs/widget.png in the README is a copy of widget-desktop.png, docs/review-*.png of
the console's. ``--console`` makes only the console's (no widget build needed).
"""

from __future__ import annotations

import re
import sys
import tempfile
from pathlib import Path

import requests
from playwright.sync_api import Browser, sync_playwright

from bot import paths
from bot.ops.train import train
from tests.support import chromium, servers
from tests.support.review import PASSWORDS, browser_login, cli, csrf_token, login, start_console
from tests.support.widget import Widget

OUT = paths.BUILD / "screenshots"


def desktop(browser, demo_url: str) -> Path:
    context = browser.new_context(viewport={"width": 1280, "height": 860})
    widget = Widget(context.new_page())
    widget.page.goto(demo_url)
    widget.open().greeting()
    widget.page.locator(".quick-replies button", has_text="What is LES?").click()
    widget.replies_to("What is LES?")
    # From the top: the greeting, the button's question and the start of the answer.
    widget.page.evaluate("() => { document.querySelector('[data-les-widget]').shadowRoot"
                         ".querySelector('.scroller').scrollTop = 0; }")
    widget.page.wait_for_timeout(300)
    path = OUT / "widget-desktop.png"
    widget.page.screenshot(path=str(path))
    context.close()
    return path


def phone(browser, demo_url: str) -> Path:
    context = browser.new_context(viewport={"width": 390, "height": 780}, device_scale_factor=2,
                                  is_mobile=True, has_touch=True)
    widget = Widget(context.new_page())
    widget.page.goto(demo_url)
    widget.open().greeting()
    widget.ask("i cant breathe")
    widget.page.wait_for_timeout(300)
    path = OUT / "widget-phone.png"
    widget.page.screenshot(path=str(path))
    context.close()
    return path


def console(browser: Browser, workdir: Path, bot_url: str, db: Path) -> list[Path]:
    """Misunderstood turns, two reviewers' corrections (one disagreeing), then the two pages."""
    say = lambda sender, text: requests.post(  # noqa: E731
        f"{bot_url}/webhooks/rest/webhook", json={"sender": sender, "message": text}, timeout=60)
    for sender, texts in {"shot-a": ["hello", "whats the deal with the bloodwash thing"],
                          "shot-b": ["my lips are going numb and tingly"],
                          "shot-c": ["will the drip of antibodies help"]}.items():
        for text in texts:
            say(sender, text).raise_for_status()
    db_url = f"sqlite:///{db}"
    for role, password in [*PASSWORDS.items(), ("nurse", "blue-harbor-stone-5")]:
        cli(db_url, "add-user", role, "--role", "admin" if role == "admin" else "reviewer",
            "--password-stdin", stdin=password)
    process, url = start_console(workdir, db_url)
    try:
        ids = dict(re.findall(r'data-sender="([^"]+)">\s*<td><a href="/conversations/(\d+)',
                              login(url, "admin", PASSWORDS["admin"]).get(f"{url}/", timeout=30).text))
        nurse = login(url, "nurse", "blue-harbor-stone-5")
        for sender, kind, fields in [("shot-b", "emergency", {"red_flag": "allergic_swelling",
                                                              "note": "numb lips after a new pill"}),
                                     ("shot-c", "intent", {"intent": "ask_ivig", "note": "the drip = IVIg"}),
                                     ("shot-a", "out_of_scope", {})]:
            page = nurse.get(f"{url}/conversations/{ids[sender]}", timeout=30).text
            event = re.findall(r'name="event_id" value="(\d+)"', page)[-1]
            nurse.post(f"{url}/conversations/{ids[sender]}/corrections", timeout=30, data={
                "csrf_token": csrf_token(page), "event_id": event, "kind": kind, **fields}).raise_for_status()
        reviewer = browser_login(browser, url, "reviewer")
        reviewer.goto(f"{url}/conversations/{ids['shot-a']}")
        turn = reviewer.locator("article.msg.user", has_text="bloodwash")
        turn.locator("summary").click()
        turn.locator("input[name=kind][value=intent]").check()
        turn.locator("select[name=intent]").select_option("ask_plasma_exchange")
        turn.locator("textarea[name=note]").fill("patients call plasma exchange 'bloodwash'")
        turn.scroll_into_view_if_needed()
        shots = [OUT / "review-correct.png", OUT / "review-improve.png"]
        reviewer.screenshot(path=str(shots[0]))
        with reviewer.expect_navigation():
            turn.locator("button:has-text('Propose correction')").click()
        admin = browser_login(browser, url, "admin")
        admin.goto(f"{url}/improve")
        admin.screenshot(path=str(shots[1]), full_page=True)
        return shots
    finally:
        process.stop()


def main() -> int:
    only_console = "--console" in sys.argv[1:]
    OUT.mkdir(parents=True, exist_ok=True)
    model = train()
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        actions, action_url = servers.start_action_server(workdir)
        rasa = None
        try:
            endpoints = servers.write_endpoints(workdir, action_url,
                                                servers.sqlite_store(workdir / "conversations.db"))
            rasa, url = servers.start_rasa(workdir, model, endpoints)
            with sync_playwright() as playwright:
                browser = chromium.launch(playwright)
                shots = [] if only_console else [desktop(browser, f"{url}/widget/"),
                                                 phone(browser, f"{url}/widget/")]
                shots += console(browser, workdir, url, workdir / "conversations.db")
                browser.close()
        finally:
            if rasa:
                rasa.stop()
            actions.stop()
    for shot in shots:
        print(shot.relative_to(paths.ROOT))
    return 0


if __name__ == "__main__":
    sys.exit(main())
