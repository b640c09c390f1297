"""action_show_source: the last answer's passages in the article data's own words.

Answers are sent in plain language; a reader who wants the wording they came from
asks for it (the "Show the article's words" button, or "show the source"). The same
sections are named, and attributed passages keep their attribution. It is a medical
answer like any other, so action_disclaimer follows it.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.answer import LAST_PASSAGES
from bot.knowledge.answer import render
from bot.knowledge.article import Passage, load_article
from bot.knowledge.messages import message


def last_passages(tracker: Tracker) -> list[Passage]:
    """The passages of the last answer that still exist (the article data may have changed)."""
    article = load_article()
    known = {p.id: p for p in article.passages}
    return [known[pid] for pid in tracker.get_slot(LAST_PASSAGES) or [] if pid in known]


def send_source(dispatcher: CollectingDispatcher, tracker: Tracker) -> str:
    """Send the source text of the last answer; return the answer kind (for the disclaimer)."""
    passages = last_passages(tracker)
    if not passages:
        dispatcher.utter_message(text=message("source_none"))
        return "none"
    dispatcher.utter_message(text=message("source_intro"))
    for text in render(passages, plain=False):
        dispatcher.utter_message(text=text)
    return "article"


class ActionShowSource(Action):
    def name(self) -> str:
        return "action_show_source"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: dict[str, Any]) -> list[dict[str, Any]]:
        return [SlotSet("answer_kind", send_source(dispatcher, tracker))]
