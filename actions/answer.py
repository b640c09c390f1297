"""action_answer: the article passage that answers the question, naming its section.

Answers go out in plain language; the last message of an answer carries a "Show the
article's words" button, and the passages it was built from are kept in the slot
``last_passages`` so that action_show_source can send their source text.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import latest
from bot.knowledge.answer import Answer, answer
from bot.knowledge.messages import message
from bot.language.intent_names import SHOW_SOURCE

_LEADS = {"no_diagnosis", "not_covered", "medicine", "condition"}
LAST_PASSAGES = "last_passages"
SOURCE_BUTTON = {"title": "Show the article's words", "payload": f"/{SHOW_SOURCE}"}


def send_answer(dispatcher: CollectingDispatcher, tracker: Tracker) -> Answer:
    """Send the answer to the latest message; return it (its kind decides the disclaimer)."""
    result = answer(latest.intent_name(tracker), latest.concepts(tracker), latest.text(tracker),
                    les_context=latest.les_conversation(tracker),
                    mentions_domain=latest.mentions_domain(tracker),
                    confidence=latest.intent_confidence(tracker), english=latest.is_english(tracker),
                    scope=latest.scope_mark(tracker), leans_outside=latest.leans_outside(tracker),
                    likeliest=latest.likeliest_question(tracker),
                    negated=latest.negated_concepts(tracker), verdict_asked=latest.verdict_asked(tracker))
    if result.kind == "none":
        dispatcher.utter_message(text=message("out_of_scope"))
    if result.kind in _LEADS:
        dispatcher.utter_message(text=message(result.kind))
    for n, text in enumerate(result.messages, 1):
        if n == len(result.messages) and result.passages:
            # Under the answer, before the disclaimer (which stays the turn's last message).
            dispatcher.utter_message(text=text, buttons=[SOURCE_BUTTON])
        else:
            dispatcher.utter_message(text=text)
    return result


def remembered(result: Answer) -> SlotSet:
    """The passages of this answer, for "show the article's words" (none: nothing to show)."""
    return SlotSet(LAST_PASSAGES, [p.id for p in result.passages])


class ActionAnswer(Action):
    def name(self) -> str:
        return "action_answer"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: dict[str, Any]) -> list[dict[str, Any]]:
        result = send_answer(dispatcher, tracker)
        return [SlotSet("answer_kind", result.kind), remembered(result)]
