"""The web widget in Debian's chromium, against the real Rasa and action servers.

Each test gets a fresh browser context (empty localStorage), opens the demo page the
Rasa server serves, and talks to the bot the way a patient would.
"""

from __future__ import annotations

import re
import sqlite3
import time

from playwright.sync_api import Browser, expect

from bot.server.channels.session_ids import conversation_id
from tests.support.checks import greeting_buttons, is_disclaimer, is_emergency
from tests.support.widget import Widget

GREETING_BUTTONS = greeting_buttons()
SHADOW = "document.querySelector('[data-les-widget]').shadowRoot"


def test_article_question_gets_the_answer_then_the_disclaimer(widget: Widget):
    widget.open().greeting()
    replies = widget.ask("how does plasmapheresis work")
    assert "section Treatment" in replies[0] and "albumin" in replies[0], replies
    assert is_disclaimer(replies[-1]) and sum(map(is_disclaimer, replies)) == 1
    # *Treatment* is shown bold, not with asterisks.
    expect(widget.bubble("plasmapheresis|albumin").locator("strong", has_text="Treatment")).to_be_visible()


def test_typing_indicator_shows_until_the_reply(widget: Widget):
    widget.open().greeting()
    widget.wait_until_online()
    # Submit and look in the same task, so a fast reply cannot hide the indicator first.
    shown = widget.page.evaluate(f"""() => {{
        const root = {SHADOW};
        root.querySelector('.input').value = 'what is ivig';
        root.querySelector('.composer').requestSubmit();
        return !root.querySelector('.typing').hidden;
    }}""")
    assert shown
    widget.replies_to("what is ivig")
    expect(widget.page.locator(".typing")).to_be_hidden()


def test_red_flag_gets_the_emergency_message_first_and_marked(widget: Widget):
    widget.open().greeting()
    replies = widget.ask("i cant breathe")
    assert is_emergency(replies[0]), replies  # the first bot message after the user's
    emergency = widget.page.locator(".msg.emergency")
    expect(emergency).to_have_count(1)
    expect(emergency).to_have_attribute("role", "alert")
    expect(emergency.get_by_role("link", name="Call 911")).to_have_attribute("href", "tel:911")
    styles = widget.page.evaluate(f"""() => {{
        const root = {SHADOW};
        const style = (sel) => getComputedStyle(root.querySelector(sel));
        const normal = style('.msg.bot:not(.emergency) .bubble'), alarm = style('.msg.emergency .bubble');
        return {{normal: [normal.backgroundColor, normal.borderTopWidth],
                 alarm: [alarm.backgroundColor, alarm.borderTopWidth]}};
    }}""")
    assert styles["alarm"][0] != styles["normal"][0] and styles["alarm"][1] != "0px", styles


def test_greeting_quick_reply_button_asks_that_question(widget: Widget):
    widget.open().greeting()
    buttons = widget.page.locator(".quick-replies button")
    expect(buttons).to_have_text(GREETING_BUTTONS)
    widget.page.get_by_role("button", name="Symptoms", exact=True).click()
    replies = widget.replies_to("Symptoms")
    assert "section Symptoms" in replies[0] and is_disclaimer(replies[-1]), replies
    # Answered: the greeting's choices go away; the answer brings its own button.
    expect(buttons).to_have_text(["Show the article's words"])
    expect(widget.input).to_be_focused()


def test_the_article_s_words_are_one_click_under_a_plain_answer(widget: Widget):
    widget.open().greeting()
    replies = widget.ask("what drugs are used for lems")
    assert "anticholinesterase drugs, such as pyridostigmine" in replies[0], replies
    answer = widget.bubble("anticholinesterase drugs, such as")
    button = answer.get_by_role("button", name="Show the article's words")
    expect(button).to_be_visible()  # under the answer itself, not under the disclaimer
    expect(widget.page.locator(".quick-replies button")).to_have_count(1)
    button.click()
    replies = widget.replies_to("Show the article's words")
    assert replies[0].startswith("Here is the last answer in the article's own words"), replies
    assert "section Treatment" in replies[1]
    assert "anticholinesterase drugs such as pyridostigmine, which on their own usually help only a little" \
        in replies[1], replies
    assert is_disclaimer(replies[-1]) and sum(map(is_disclaimer, replies)) == 1
    expect(widget.page.locator(".quick-replies button")).to_have_count(0)  # the source view has none


def test_reload_keeps_the_conversation_and_it_goes_on(widget: Widget, stack: dict):
    widget.open().greeting()
    widget.ask("what is ivig")
    before = widget.transcript()
    token = widget.token()

    widget.page.reload()
    expect(widget.panel).to_be_visible()  # it was open, so it opens again
    assert widget.transcript() == before
    assert widget.token() == token
    widget.ask("what is plasmapheresis")

    # The server filed both turns under the hash of this browser's token, never the token.
    # (Rasa saves the tracker just after the turn's last message: poll briefly.)
    wanted = {"what is ivig", "what is plasmapheresis"}
    for _ in range(50):
        with sqlite3.connect(stack["db"]) as db:
            texts = {row[0] for row in db.execute(
                "select json_extract(data, '$.text') from events where sender_id = ? and type_name = 'user'",
                (conversation_id(token),))}
            leaked = db.execute("select count(*) from events where sender_id = ?", (token,)).fetchone()[0]
        if wanted <= texts:
            break
        time.sleep(0.2)
    assert wanted <= texts, texts
    assert leaked == 0


def test_session_tokens_are_random_and_each_browser_has_its_own(browser: Browser, demo_url: str):
    tokens, transcripts = [], []
    for question in ["what is ivig", "what is plasmapheresis"]:
        context = browser.new_context()
        widget = Widget(context.new_page())
        widget.page.goto(demo_url)
        widget.open().greeting()
        widget.ask(question)
        tokens.append(widget.token())
        transcripts.append(" ".join(m["text"] for m in widget.transcript()))
        context.close()
    assert all(re.fullmatch(r"[0-9a-f]{32}", token) for token in tokens)
    assert tokens[0] != tokens[1]
    assert "plasmapheresis" not in transcripts[0] and "ivig" not in transcripts[1]


def test_html_in_a_message_is_shown_as_text_and_never_run(widget: Widget):
    attack = "<img src=x onerror=alert(1)>"
    dialogs: list[str] = []
    requests: list[str] = []
    widget.page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    widget.page.on("request", lambda request: requests.append(request.url))
    widget.open().greeting()
    widget.send(attack)
    widget.replies_to(attack, until=lambda replies: bool(replies))
    assert {"who": "user", "emergency": False, "text": attack} in widget.transcript()
    expect(widget.page.locator(".msg.user .bubble").last).to_contain_text(attack)
    images = widget.page.evaluate(f"() => {SHADOW}.querySelectorAll('img').length")
    assert images == 0 and dialogs == []
    assert not any(url.rstrip("/").endswith("/x") for url in requests), requests


HOSTILE_HISTORY = [
    {"from": "bot", "text": "See *Treatment* and https://medlineplus.gov/ency/article/000710.htm.\n"
                            "[click](javascript:alert(1)) <script>alert(2)</script> call 911",
     "buttons": [{"title": "bad link", "url": "javascript:alert(3)"},
                 {"title": "MedlinePlus", "url": "https://medlineplus.gov/"}]},
]


def test_bot_text_formatting_is_built_safely(widget: Widget):
    """Bot text from stored history (the same drawing path as live messages): bold, line
    breaks and safe links are made; script URLs and markup stay text."""
    dialogs: list[str] = []
    widget.page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    widget.page.evaluate("""(messages) => localStorage.setItem('les-widget:' + location.origin,
        JSON.stringify({version: 1, token: 'ab'.repeat(16), messages, greeted: true, open: true,
                        updatedAt: Date.now()}))""", HOSTILE_HISTORY)
    widget.page.reload()
    bubble = widget.page.locator(".msg.bot").first
    expect(bubble.locator("strong")).to_have_text("Treatment")
    expect(bubble.locator("br")).to_have_count(1)
    links = bubble.locator("a").evaluate_all(
        "links => links.map(a => [a.textContent, a.getAttribute('href'), a.target, a.rel])")
    assert links == [
        ["https://medlineplus.gov/ency/article/000710.htm", "https://medlineplus.gov/ency/article/000710.htm",
         "_blank", "noopener noreferrer"],
        ["911", "tel:911", "", ""],
        ["MedlinePlus", "https://medlineplus.gov/", "_blank", "noopener noreferrer"],
    ]
    expect(bubble).to_contain_text("[click](javascript:alert(1)) <script>alert(2)</script>")
    assert widget.page.evaluate(f"() => {SHADOW}.querySelectorAll('script').length") == 0
    assert dialogs == []


def test_start_over_forgets_the_conversation(widget: Widget):
    widget.open().greeting()
    widget.ask("what is ivig")
    old_token = widget.token()
    widget.page.locator(".header").get_by_role("button", name="Start over").click()
    widget.wait_for(lambda t: len(t) == 1 and t[0]["who"] == "bot")  # only the new greeting
    assert widget.token() != old_token
    expect(widget.page.locator(".quick-replies button")).to_have_count(len(GREETING_BUTTONS))


def _focused(widget: Widget) -> dict:
    """What has keyboard focus inside the widget, and whether it shows a focus outline."""
    return widget.page.evaluate(f"""() => {{
        const el = {SHADOW}.activeElement;
        if (!el) return {{}};
        const style = getComputedStyle(el);
        return {{cls: el.className, text: el.textContent.trim(),
                 outline: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2}};
    }}""")


def _tab_to(widget: Widget, wanted, key: str = "Tab") -> dict:
    """Presses Tab (or Shift+Tab) until ``wanted(focused)``; the focused element must show it."""
    for _ in range(25):
        widget.page.keyboard.press(key)
        focused = _focused(widget)
        if focused and wanted(focused):
            assert focused["outline"], f"no visible focus on {focused}"
            return focused
    raise AssertionError(f"{key} never reached it; focus is on {_focused(widget)}")


def test_keyboard_only(widget: Widget):
    keys = widget.page.keyboard
    _tab_to(widget, lambda f: f["cls"] == "launcher")  # through the page's own links
    keys.press("Enter")
    expect(widget.panel).to_be_visible()
    expect(widget.input).to_be_focused()
    widget.greeting()
    widget.wait_until_online()

    keys.type("what is ivig")
    keys.press("Enter")
    assert "immunoglobulin" in " ".join(widget.replies_to("what is ivig"))

    _tab_to(widget, lambda f: f["text"] == "Start over", key="Shift+Tab")
    keys.press("Enter")  # a new conversation, and the greeting's buttons again
    widget.wait_for(lambda t: len(t) == 1)
    expect(widget.input).to_be_focused()
    focused = _tab_to(widget, lambda f: f["cls"] == "reply", key="Shift+Tab")
    assert focused["text"] == GREETING_BUTTONS[-1]  # the nearest one, right above the input
    keys.press("Enter")
    assert GREETING_BUTTONS[-1] == "Check my symptoms"  # the screening starts
    replies = widget.replies_to(GREETING_BUTTONS[-1], until=lambda r: any("legs or hips" in m for m in r))
    assert "Do your legs or hips feel weak" in replies[-1], replies
    expect(widget.input).to_be_focused()
    focused = _tab_to(widget, lambda f: f["cls"] == "reply", key="Shift+Tab")
    assert focused["text"] == "Skip"  # the question's own buttons, nearest first
    keys.press("Enter")
    assert "Do your arms feel weak" in widget.replies_to(
        "Skip", until=lambda r: any("arms feel weak" in m for m in r))[-1]

    keys.press("Escape")
    expect(widget.panel).to_be_hidden()
    assert _focused(widget)["cls"] == "launcher"


def test_screen_reader_structure(widget: Widget):
    widget.open().greeting()
    page = widget.page
    expect(page.get_by_role("dialog", name="LES questions")).to_be_visible()
    expect(page.get_by_role("log", name="Conversation")).to_be_visible()
    expect(page.get_by_role("textbox", name="Your message")).to_be_visible()
    expect(page.get_by_role("button", name="Close chat")).to_be_visible()
    expect(page.locator(".launcher")).to_have_attribute("aria-expanded", "true")
    # Each message says who said it (hidden text for screen readers).
    expect(page.locator(".msg.bot .sr-only").first).to_have_text("Bot said: ")


def test_phone_layout_fills_the_screen(browser: Browser, demo_url: str):
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    widget = Widget(context.new_page())
    widget.page.goto(demo_url)
    widget.launcher.tap()
    expect(widget.panel).to_be_visible()
    box = widget.panel.bounding_box()
    assert box == {"x": 0, "y": 0, "width": 390, "height": 844}, box
    expect(widget.launcher).to_be_hidden()  # the panel's own close button takes over
    widget.greeting()
    widget.page.get_by_role("button", name="Close chat").tap()
    expect(widget.panel).to_be_hidden()
    expect(widget.launcher).to_be_visible()
    context.close()
