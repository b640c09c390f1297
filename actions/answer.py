"""action_answer: the article passage that answers the question, naming its section."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import latest
from bot.knowledge.answer import answer
from bot.knowledge.messages import message

_LEADS = {"no_diagnosis", "not_covered", "medicine", "condition"}


def send_answer(dispatcher: CollectingDispatcher, tracker: Tracker) -> str:
    """Send the answer to the latest message; return its kind (for the disclaimer)."""
    result = answer(latest.intent_name(tracker), latest.concepts(tracker), latest.text(tracker),
                    les_context=latest.les_conversation(tracker),
                    mentions_domain=latest.mentions_domain(tracker))
    if result.kind == "none":
        dispatcher.utter_message(text=message("out_of_scope"))
    if result.kind in _LEADS:
        dispatcher.utter_message(text=message(result.kind))
    for text in result.messages:
        dispatcher.utter_message(text=text)
    return result.kind


class ActionAnswer(Action):
    def name(self) -> str:
        return "action_answer"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: dict[str, Any]) -> list[dict[str, Any]]:
        return [SlotSet("answer_kind", send_answer(dispatcher, tracker))]
