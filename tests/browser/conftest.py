"""Browser fixtures: one chromium for the session, a fresh context (own localStorage) per test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, Playwright, sync_playwright

from tests.support import chromium
from tests.support.widget import Widget


# Package scope: Playwright's sync API keeps an event loop running on the main thread
# while it is open, which breaks later tests that call asyncio.run().
@pytest.fixture(scope="package")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="package")
def browser(playwright: Playwright) -> Iterator[Browser]:
    browser = chromium.launch(playwright)
    yield browser
    browser.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    context.set_default_timeout(30_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    context.close()
    assert not errors, f"script errors on the page: {errors}"


@pytest.fixture
def demo_url(bot_url: str) -> str:
    return f"{bot_url}/widget/"


@pytest.fixture
def widget(page: Page, demo_url: str) -> Widget:
    page.goto(demo_url)
    return Widget(page)
