"""Review console: the Overview page (fixture in conftest.py)."""

from __future__ import annotations

import re


def test_overview_counts_and_charts(console):
    page = console["reviewer"].get(f"{console['url']}/overview", timeout=10).text
    assert re.search(r'id="stat-conversations">8<', page)  # the 100-day-old one is outside 30 days
    assert re.search(r'id="stat-emergencies"><a href="/\?emergency=yes">1</a>', page)
    assert page.count("<svg") == 3 and "emergency" in page and "ask_diagnosis" in page
