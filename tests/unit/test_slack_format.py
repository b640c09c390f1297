"""Bot messages as Slack chat.postMessage arguments."""

import yaml

from bot import paths
from bot.server.channels.slack_format import (
    BUTTON_TITLE_LIMIT,
    TEXT_LIMIT,
    addressee,
    answered_blocks,
    button_message,
    split_text,
    text_messages,
    to_mrkdwn,
)
from tests.support.checks import is_emergency, names_section
from tests.support.slack_fake import block_kit_errors

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


def test_buttons_name_the_person_they_are_for_in_unique_block_ids():
    buttons = [{"title": f"option {i}", "payload": f"/choose{i}"} for i in range(30)]
    message = button_message("pick one", buttons, for_user="U123")
    ids = [b["block_id"] for b in message["blocks"] if b["type"] == "actions"]
    assert ids == ["buttons_0_for_U123", "buttons_1_for_U123"]
    assert {addressee(i) for i in ids} == {"U123"}
    assert addressee("buttons_0") is None and addressee(None) is None and addressee("b1_for_U1") is None
    assert block_kit_errors(message) == []


def test_answered_blocks_keep_the_text_and_replace_the_buttons_with_the_choice():
    message = button_message("Is your mouth often dry?", [{"title": "Yes", "payload": "/affirm"}])
    blocks = answered_blocks(message["blocks"], "Not *sure* <b>")
    assert blocks[:-1] == message["blocks"][:1]
    assert blocks[-1] == {"type": "context",
                          "elements": [{"type": "mrkdwn", "text": "Chosen: *Not sure &lt;b&gt;*"}]}
    assert block_kit_errors({"blocks": blocks}) == []


ANSWERS = [("Yes", "/affirm"), ("No", "/deny"), ("Not sure", "/unsure"), ("Skip", "/skip_question")]


def test_every_screening_question_renders_as_valid_block_kit_with_four_buttons():
    domain = yaml.safe_load((paths.ROOT / "domain.yml").read_text(encoding="utf-8"))
    asks = {name: variants for name, variants in domain["responses"].items()
            if name.startswith("utter_ask_") and any(v.get("buttons") for v in variants)}
    assert len(asks) >= 15
    for name, variants in asks.items():
        for variant in variants:
            message = button_message(variant["text"], variant["buttons"], for_user="U1")
            assert block_kit_errors(message) == [], name
            actions = [b for b in message["blocks"] if b["type"] == "actions"]
            assert len(actions) == 1, name
            assert [(e["text"]["text"], e["value"]) for e in actions[0]["elements"]] == ANSWERS, name
            assert message["text"] == variant["text"].strip(), name
