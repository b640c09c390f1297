"""Bot messages as Slack chat.postMessage arguments."""

from bot.channels.slack_format import (
    BUTTON_TITLE_LIMIT,
    TEXT_LIMIT,
    button_message,
    split_text,
    text_messages,
    to_mrkdwn,
)
from tests.checks import is_emergency, names_section

EMERGENCY = ("🚨 This may be a medical emergency. Call 911 (or your local emergency number) now. "
             "Do not wait for this chat, and do not drive yourself.")
ANSWER = ("From the article's section *Symptoms*: Most people have weakness in the legs.\n\n"
          "Other trusted sources, such as the NIH, add that dry mouth is common.")


def test_slack_control_characters_are_escaped_and_markdown_converted():
    assert to_mrkdwn("a < b & c > d") == "a &lt; b &amp; c &gt; d"
    assert to_mrkdwn("see [MedlinePlus](https://medlineplus.gov/ency/article/000710.htm)") == \
        "see <https://medlineplus.gov/ency/article/000710.htm|MedlinePlus>"
    assert to_mrkdwn("**very** weak") == "*very* weak"


def test_an_answer_is_one_message_that_keeps_its_section_name():
    messages = text_messages(ANSWER)
    assert len(messages) == 1
    assert names_section([messages[0]["text"]], "Symptoms")
    assert "\n\nOther trusted sources" in messages[0]["text"]


def test_the_emergency_message_is_bold_and_still_starts_with_its_mark():
    text = text_messages(EMERGENCY)[0]["text"]
    assert text.startswith("🚨 *") and text.endswith("*")
    assert is_emergency(text)


def test_long_text_is_split_at_paragraphs_under_the_limit():
    text = "\n\n".join(f"paragraph {i} " + "word " * 200 for i in range(10))
    pieces = split_text(text)
    assert len(pieces) > 1 and all(len(p) <= TEXT_LIMIT for p in pieces)
    assert " ".join(" ".join(pieces).split()) == " ".join(text.split())
    assert split_text("x" * 7000) == ["x" * 3000, "x" * 3000, "x" * 1000]


def test_buttons_are_block_kit_buttons_carrying_the_rasa_payload():
    message = button_message("What would you like to know?", [
        {"title": "Symptoms", "payload": "/ask_symptoms"},
        {"title": "Tests", "payload": "/ask_tests"},
        {"title": "The article", "url": "https://medlineplus.gov/ency/article/000710.htm"},
    ])
    section, actions = message["blocks"]
    assert section == {"type": "section", "text": {"type": "mrkdwn", "text": "What would you like to know?"}}
    assert [b.get("value") for b in actions["elements"]] == ["/ask_symptoms", "/ask_tests", None]
    assert actions["elements"][2]["url"].startswith("https://")
    assert len({b["action_id"] for b in actions["elements"]}) == 3
    assert message["text"] == "What would you like to know?"


def test_many_buttons_fill_several_action_blocks_and_long_titles_are_cut():
    buttons = [{"title": f"option {i} " + "x" * 100, "payload": f"/choose{{\"n\": {i}}}"} for i in range(30)]
    blocks = button_message("pick one", buttons)["blocks"]
    actions = [b for b in blocks if b["type"] == "actions"]
    assert [len(a["elements"]) for a in actions] == [25, 5]
    assert all(len(e["text"]["text"]) <= BUTTON_TITLE_LIMIT for a in actions for e in a["elements"])
