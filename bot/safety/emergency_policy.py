"""Dialogue policy that puts the 911 message first, in any conversation state.

Rasa's RulePolicy runs an active form before any rule: in the middle of the
screening form a red-flag message would first go to the form's validation action
(on the action server) and, if that server is down, never reach the emergency
rule. This policy outranks the others (priority 9): after a message the
RedFlagClassifier made ``emergency`` / ``emergency_self_harm`` it predicts

    utter_emergency[_self_harm] -> action_deactivate_loop (only if a form was active)
    -> action_emergency_context (not for self-harm) -> action_disclaimer -> action_listen

and stays silent otherwise. The 911 response is a domain response, so it needs
no action server.
"""

from __future__ import annotations

from typing import Any

from rasa.core.constants import POLICY_PRIORITY
from rasa.core.policies.policy import Policy, PolicyPrediction, SupportedData
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, ActiveLoop, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.safety.rasa_component import EMERGENCY, EMERGENCY_SELF_HARM

PRIORITY = 9
DEACTIVATE = "action_deactivate_loop"


def emergency_sequence(intent: str, form_was_active: bool) -> list[str]:
    """The actions of an emergency turn, in order."""
    first = "utter_emergency_self_harm" if intent == EMERGENCY_SELF_HARM else "utter_emergency"
    steps = [first]
    if form_was_active:
        steps.append(DEACTIVATE)
    if intent == EMERGENCY:
        steps.append("action_emergency_context")
    steps.append("action_disclaimer")
    return steps


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.POLICY_WITHOUT_END_TO_END_SUPPORT, is_trainable=True
)
class EmergencyPolicy(Policy):
    """Predicts the emergency turn before anything else, forms included."""

    @staticmethod
    def supported_data() -> SupportedData:
        return SupportedData.ML_AND_RULE_DATA

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {POLICY_PRIORITY: PRIORITY}

    def train(self, training_trackers: list[Any], domain: Domain, **kwargs: Any) -> Resource:
        return self._resource  # nothing to learn: the sequence is fixed

    def predict_action_probabilities(
        self, tracker: DialogueStateTracker, domain: Domain,
        rule_only_data: dict[str, Any] | None = None, **kwargs: Any,
    ) -> PolicyPrediction:
        probabilities = self._default_predictions(domain)
        next_action = self._next_action(tracker)
        if next_action is not None and next_action in domain.action_names_or_texts:
            probabilities[domain.index_for_action(next_action)] = 1.0
        return self._prediction(probabilities)

    @staticmethod
    def _next_action(tracker: DialogueStateTracker) -> str | None:
        events = list(tracker.events)  # a deque: no slicing
        user_index = next(
            (i for i in range(len(events) - 1, -1, -1) if isinstance(events[i], UserUttered)), None
        )
        if user_index is None:
            return None
        intent = events[user_index].intent_name
        if intent not in (EMERGENCY, EMERGENCY_SELF_HARM):
            return None
        done = [e.action_name for e in events[user_index + 1:] if isinstance(e, ActionExecuted)]
        form_was_active = DEACTIVATE in done or _active_loop_before(events, user_index) is not None
        for step in [*emergency_sequence(intent, form_was_active), ACTION_LISTEN_NAME]:
            if step not in done:
                return step
        return None


def _active_loop_before(events: list, index: int) -> str | None:
    """The loop that was active when the user's message arrived."""
    for event in reversed(events[:index]):
        if isinstance(event, ActiveLoop):
            return event.name
    return None
