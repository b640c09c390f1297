"""A page object for the chat widget, so tests read like what a person does.

The widget lives in an open shadow root; Playwright's CSS locators pierce it, and
``transcript()`` reads it from inside the page.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass

from playwright.sync_api import Locator, Page, expect

from tests.support.checks import is_disclaimer

REPLY_TIMEOUT_S = 60

_TRANSCRIPT_JS = """() => {
  const root = document.querySelector('[data-les-widget]').shadowRoot;
  return [...root.querySelectorAll('.msg')].map(m => ({
    who: m.classList.contains('user') ? 'user' : 'bot',
    emergency: m.classList.contains('emergency'),
    text: m.querySelector('.text') ? m.querySelector('.text').textContent : '',
  }));
}"""


def _part(selector: str) -> property:
    """A part of the widget, found by its CSS selector."""
    return property(lambda self: self.page.locator(selector))


@dataclass
class Widget:
    page: Page

    launcher = _part(".launcher")
    panel = _part(".panel")
    input = _part(".input")
    send_button = _part(".send")
    banner = _part(".status .offline")

    def open(self) -> Widget:
        self.launcher.click()
        expect(self.panel).to_be_visible()
        expect(self.input).to_be_focused()
        return self

    def transcript(self) -> list[dict]:
        return self.page.evaluate(_TRANSCRIPT_JS)

    def token(self) -> str:
        return self.page.evaluate(
            "() => JSON.parse(localStorage.getItem(Object.keys(localStorage)"
            ".find(k => k.startsWith('les-widget:')))).token")

    def wait_until_online(self) -> None:
        expect(self.send_button).to_be_enabled(timeout=REPLY_TIMEOUT_S * 1000)

    def send(self, text: str) -> None:
        self.wait_until_online()
        self.input.fill(text)
        self.input.press("Enter")

    def wait_for(self, done, timeout: float = REPLY_TIMEOUT_S) -> list[dict]:
        """Polls the transcript until ``done(transcript)``; returns it."""
        deadline = time.monotonic() + timeout
        while True:
            transcript = self.transcript()
            if done(transcript):
                return transcript
            if time.monotonic() > deadline:
                raise AssertionError(f"widget transcript did not get there: {transcript}")
            self.page.wait_for_timeout(200)

    def greeting(self) -> list[dict]:
        """Waits for the bot's greeting (the widget's initial message asks for it)."""
        return self.wait_for(lambda t: any(m["who"] == "bot" for m in t))

    def replies_to(self, text: str, until=None) -> list[str]:
        """The bot messages after the user's last ``text``, once ``until(replies)`` holds
        (by default: the turn ended with the disclaimer)."""
        until = until or (lambda replies: bool(replies) and is_disclaimer(replies[-1]))

        def after(transcript: list[dict]) -> list[str]:
            last = max((i for i, m in enumerate(transcript) if m["who"] == "user" and m["text"] == text),
                       default=None)
            return [] if last is None else [m["text"] for m in transcript[last + 1:] if m["who"] == "bot"]

        self.wait_for(lambda t: until(after(t)))
        return after(self.transcript())

    def ask(self, text: str) -> list[str]:
        """Types ``text``, presses Enter and returns the bot's whole answer to it."""
        self.send(text)
        return self.replies_to(text)

    def bubble(self, pattern: str) -> Locator:
        return self.page.locator(".msg").filter(has_text=re.compile(pattern))
