"""action_emergency_context: what the article says about the reported red flag.

Runs after utter_emergency (a domain response, sent even when this server is
down). It adds grounded context, never first aid the article does not give.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import latest
from bot.knowledge.answer import render
from bot.knowledge.article import load_article
from bot.knowledge.messages import message
from bot.safety.flags import red_flag_labels

# Red flags the article itself talks about, and the passages that do.
_CONTEXT = {
    "breathing": ["complications.list"],
    "choking": ["symptoms.weakness.chewing", "complications.list"],
    "swallowing": ["symptoms.weakness.chewing", "complications.list"],
}


class ActionEmergencyContext(Action):
    def name(self) -> str:
        return "action_emergency_context"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: dict[str, Any]) -> list[dict[str, Any]]:
        labels = red_flag_labels()
        flags = latest.reported_red_flags(tracker)
        named = [labels.get(f, f) for f in flags]
        if named:
            dispatcher.utter_message(text=message("emergency_context", flags=", ".join(named)))
        article = load_article()
        passage_ids = list(dict.fromkeys(pid for f in flags for pid in _CONTEXT.get(f, [])))
        for text in render([article.passage(pid) for pid in passage_ids]):
            dispatcher.utter_message(text=text)
        if _form_paused_this_turn(tracker):
            dispatcher.utter_message(text=message("screening_paused"), buttons=[
                {"title": "Continue the questions", "payload": "/continue_screening"},
                {"title": "Stop", "payload": "/stop_screening"},
            ])
        return [SlotSet("answer_kind", "emergency")]


def _form_paused_this_turn(tracker: Tracker) -> bool:
    """Did the EmergencyPolicy deactivate the screening form in this turn?"""
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            return False
        if event.get("event") == "action" and event.get("name") == "action_deactivate_loop":
            return True
    return False
