"""`make screenshot`: pictures of the widget's demo page with a real conversation.

Starts its own action server and Rasa server on free ports (so it runs beside
`make run` or the tests), opens the demo page in Debian's chromium, talks to the
bot, and writes PNGs to build/screenshots/ (git-ignored):

    widget-desktop.png   the greeting, a quick reply's question and its answer
    widget-phone.png     a phone-sized screen after a red-flag message

docs/widget.png in the README is a copy of widget-desktop.png.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

from bot import paths
from bot.ops.train import train
from tests import servers
from tests.browser import chromium
from tests.browser.widget import Widget

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


def main() -> int:
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
                shots = [desktop(browser, f"{url}/widget/"), phone(browser, f"{url}/widget/")]
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
