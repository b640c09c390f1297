"""action_disclaimer: the provider/911 disclaimer, last, after every medical answer.

It is one action rather than text pasted into every response, so that no answer
can be added without it and greetings never get it (behaviour contract 3).
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.knowledge.article import load_article
from bot.knowledge.messages import message

MEDICAL_KINDS = {"article", "no_diagnosis", "not_covered", "medicine", "condition", "emergency"}


def disclaimer_text() -> str:
    review_date = str(load_article().meta.get("review_date", "unknown"))
    return message("disclaimer", review_date=review_date)


class ActionDisclaimer(Action):
    def name(self) -> str:
        return "action_disclaimer"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: dict[str, Any]) -> list[dict[str, Any]]:
        if tracker.get_slot("answer_kind") in MEDICAL_KINDS:
            dispatcher.utter_message(text=disclaimer_text())
        return [SlotSet("answer_kind", None)]
