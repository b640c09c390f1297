"""The screening form's actions: reading answers, going back, restarting, the summary."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import latest
from actions.answer import remembered, send_answer
from actions.disclaimer import disclaimer_text
from actions.source import send_source
from bot.knowledge.answer import medical_intents
from bot.knowledge.messages import message
from bot.language.intent_names import SHOW_SOURCE
from bot.screening.extract import answers_from_message
from bot.screening.questions import slots
from bot.screening.summary import render_summary, summarise

# Left to the rules (the form rejects, a rule takes over): stopping, restarting,
# going back; emergencies never reach the form (EmergencyPolicy).
CONTROL_INTENTS = {"stop_screening", "restart_screening", "go_back", "emergency", "emergency_self_harm"}
START_INTENTS = {"start_screening", "inform_symptoms", "restart_screening"}
EMERGENCY_INTENTS = {"emergency", "emergency_self_harm"}


class ValidateScreeningForm(Action):
    """Fills every slot the message answers; answers a question asked mid-form."""

    def name(self) -> str:
        return "validate_screening_form"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: dict[str, Any]) -> list[dict[str, Any]]:
        intent = latest.intent_name(tracker)
        if intent in CONTROL_INTENTS:
            return []
        requested = tracker.get_slot("requested_slot")
        if intent == "continue_screening":
            return [SlotSet(requested, None)] if requested else []
        ask_again = [SlotSet(requested, None)] if requested else []
        if intent == SHOW_SOURCE:
            # "Show the article's words" for an answer given in the middle: send them, ask again.
            if send_source(dispatcher, tracker) != "none":
                dispatcher.utter_message(text=disclaimer_text())
            return ask_again
        text = latest.text(tracker)
        entities = tracker.latest_message.get("entities") or []
        answers = answers_from_message(text, intent, entities, requested)
        if not answers and intent in medical_intents():
            # A question in the middle of the screening: answer it, then ask again.
            result = send_answer(dispatcher, tracker)
            if result.kind != "none":
                dispatcher.utter_message(text=disclaimer_text())
            return [remembered(result), *ask_again]
        if requested and not answers:
            dispatcher.utter_message(text=message("screening_not_understood"))
            return [SlotSet(requested, None)]
        return [SlotSet(slot, value) for slot, value in answers.items()]


class ActionScreeningSummary(Action):
    """Summarises the answers and stores the summary in the conversation."""

    def name(self) -> str:
        return "action_screening_summary"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: dict[str, Any]) -> list[dict[str, Any]]:
        values = {slot: tracker.get_slot(slot) for slot in slots()}
        summary = summarise(values, emergency_since_start(tracker.events))
        for text in render_summary(summary):
            dispatcher.utter_message(text=text)
        return [SlotSet("screening_summary", summary.as_dict()), SlotSet("answer_kind", "article")]


def emergency_since_start(events: list[dict[str, Any]]) -> bool:
    """Was there an emergency message since the screening (re)started?"""
    seen = False
    for event in events:
        if event.get("event") != "user":
            continue
        intent = ((event.get("parse_data") or {}).get("intent") or {}).get("name")
        if intent in START_INTENTS:
            seen = False
        elif intent in EMERGENCY_INTENTS:
            seen = True
    return seen


class ActionScreeningGoBack(Action):
    """Clears the last answer so that the form asks that question again."""

    def name(self) -> str:
        return "action_screening_go_back"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: dict[str, Any]) -> list[dict[str, Any]]:
        screening = set(slots())
        for event in reversed(tracker.events):
            name = event.get("name")
            if event.get("event") == "slot" and name in screening and event.get("value") is not None \
                    and tracker.get_slot(name) is not None:
                return [SlotSet(name, None)]
        dispatcher.utter_message(text=message("screening_go_back_nothing"))
        return []


class ActionScreeningReset(Action):
    """Forgets every answer, for "start over"."""

    def name(self) -> str:
        return "action_screening_reset"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: dict[str, Any]) -> list[dict[str, Any]]:
        return [SlotSet(slot, None) for slot in [*slots(), "screening_summary"]]
