"""Debian's chromium driven by Playwright: the one way tests and `make screenshot` open a browser.

Playwright's own browser download is not used (`playwright install` cannot reach its
host here); `make chromium` installs Debian's package instead.
"""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Browser, Playwright

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]


def launch(playwright: Playwright) -> Browser:
    if not CHROMIUM.exists():
        raise RuntimeError(f"{CHROMIUM} is missing: run `make chromium` (installs Debian's chromium)")
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
