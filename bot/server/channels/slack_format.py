"""Bot messages as Slack ``chat.postMessage`` arguments.

One bot message is one Slack message, in mrkdwn; the emergency message in bold;
buttons as a Block Kit ``actions`` block whose id names the person they are for, and
replaced by the choice once clicked. Why not Rasa's SlackBot formatting:
docs/development.md, "Channels".
"""

from __future__ import annotations

import re
from typing import Any

EMERGENCY_MARK = "🚨"
# Slack's limit for a section block's text; plain messages are kept under it too
# (Slack advises at most 4,000 characters for a message's ``text``).
TEXT_LIMIT = 3000
BUTTON_TITLE_LIMIT = 75
BUTTON_VALUE_LIMIT = 2000
BUTTONS_PER_BLOCK = 25
_FOR = "_for_"

_LINK = re.compile(r"\[([^\]\n]+)\]\((https?://[^\s)]+)\)")
_DOUBLE_BOLD = re.compile(r"\*\*([^*\n]+)\*\*")


def escape(text: str) -> str:
    """Slack's three control characters, escaped as its docs require."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def to_mrkdwn(text: str) -> str:
    text = escape(text.strip())
    text = _LINK.sub(lambda m: f"<{m.group(2)}|{m.group(1)}>", text)
    return _DOUBLE_BOLD.sub(r"*\1*", text)


def is_emergency(text: str) -> bool:
    return text.lstrip().startswith(EMERGENCY_MARK)


def mark_emergency(text: str) -> str:
    """``🚨 *...*``: every paragraph bold, the mark kept first."""
    body = text.lstrip()[len(EMERGENCY_MARK):].strip()
    paragraphs = [p.strip() for p in body.split("\n\n") if p.strip()]
    bold = "\n\n".join(p if "*" in p else f"*{p}*" for p in paragraphs)
    return f"{EMERGENCY_MARK} {bold}"


def split_text(text: str, limit: int = TEXT_LIMIT) -> list[str]:
    """Pieces of at most ``limit`` characters, cut at paragraph, line or word ends."""
    pieces: list[str] = []
    while len(text) > limit:
        cut = max(text.rfind(sep, 0, limit) for sep in ("\n\n", "\n", " "))
        cut = cut if cut > 0 else limit
        pieces.append(text[:cut].rstrip())
        text = text[cut:].lstrip()
    return [*pieces, text] if text else pieces


def render_text(text: str) -> str:
    rendered = to_mrkdwn(text)
    return mark_emergency(rendered) if is_emergency(rendered) else rendered


def text_messages(text: str) -> list[dict[str, Any]]:
    """One ``chat.postMessage`` argument set per piece of a text message."""
    return [{"text": piece, "mrkdwn": True} for piece in split_text(render_text(text))]


def _button(button: dict[str, Any], index: int) -> dict[str, Any]:
    title = str(button.get("title") or button.get("payload") or "…")
    element: dict[str, Any] = {
        "type": "button",
        "action_id": f"rasa_button_{index}",
        "text": {"type": "plain_text", "text": title[:BUTTON_TITLE_LIMIT], "emoji": True},
    }
    if button.get("url"):
        element["url"] = button["url"]
    else:
        element["value"] = str(button.get("payload") or title)[:BUTTON_VALUE_LIMIT]
    return element


def buttons_block_id(index: int, for_user: str | None = None) -> str:
    return f"buttons_{index}" + (f"{_FOR}{for_user}" if for_user else "")


def addressee(block_id: str | None) -> str | None:
    """Whom an actions block's buttons are for (None when the message does not say)."""
    if not block_id or not block_id.startswith("buttons_") or _FOR not in block_id:
        return None
    return block_id.split(_FOR, 1)[1] or None


def button_message(text: str, buttons: list[dict[str, Any]], for_user: str | None = None) -> dict[str, Any]:
    """Text as section blocks, then the buttons as actions blocks of up to 25."""
    rendered = render_text(text or "")
    blocks: list[dict[str, Any]] = [
        {"type": "section", "text": {"type": "mrkdwn", "text": piece}} for piece in split_text(rendered)
    ]
    elements = [_button(b, i) for i, b in enumerate(buttons)]
    for n, start in enumerate(range(0, len(elements), BUTTONS_PER_BLOCK)):
        blocks.append({"type": "actions", "block_id": buttons_block_id(n, for_user),
                       "elements": elements[start:start + BUTTONS_PER_BLOCK]})
    # ``text`` is what notifications and screen readers show for a message with blocks.
    return {"text": rendered or "Choose an option", "blocks": blocks}


def answered_blocks(blocks: list[dict[str, Any]], choice: str) -> list[dict[str, Any]]:
    """A message's blocks once a button was clicked: the buttons replaced by the choice."""
    kept = [b for b in blocks if b.get("type") != "actions"]
    choice = escape(choice.replace("*", "").strip())[:BUTTON_TITLE_LIMIT] or "…"
    return [*kept, {"type": "context", "elements": [{"type": "mrkdwn", "text": f"Chosen: *{choice}*"}]}]
