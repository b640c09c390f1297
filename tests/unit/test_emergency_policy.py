"""The EmergencyPolicy predicts the emergency turn in any state, forms included."""

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, ActiveLoop, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot import paths
from bot.safety.emergency_policy import EmergencyPolicy, emergency_sequence

DOMAIN = Domain.load(str(paths.ROOT / "domain.yml"))


def user(intent):
    return UserUttered("text", intent={"name": intent, "confidence": 1.0})


def tracker(*events):
    return DialogueStateTracker.from_events("t", [ActionExecuted("action_listen"), *events])


def test_sequence_outside_a_form():
    assert emergency_sequence("emergency", False) == [
        "utter_emergency", "action_emergency_context", "action_disclaimer"]


def test_sequence_inside_a_form_deactivates_it():
    assert emergency_sequence("emergency", True)[:2] == ["utter_emergency", "action_deactivate_loop"]


def test_self_harm_sequence():
    assert emergency_sequence("emergency_self_harm", False) == [
        "utter_emergency_self_harm", "action_disclaimer"]


def next_action(t):
    return EmergencyPolicy._next_action(t)


def test_predicts_911_first_even_with_an_active_form():
    t = tracker(ActiveLoop("screening_form"), SlotSet("requested_slot", "sx_legs"),
                ActionExecuted("action_listen"), user("emergency"))
    assert next_action(t) == "utter_emergency"
    t.update(ActionExecuted("utter_emergency"))
    assert next_action(t) == "action_deactivate_loop"
    t.update(ActionExecuted("action_deactivate_loop"))
    t.update(ActiveLoop(None))
    assert next_action(t) == "action_emergency_context"
    t.update(ActionExecuted("action_emergency_context"))
    assert next_action(t) == "action_disclaimer"
    t.update(ActionExecuted("action_disclaimer"))
    assert next_action(t) == "action_listen"


@pytest.mark.parametrize("intent", ["ask_symptoms", "greet", "affirm"])
def test_silent_for_other_intents(intent):
    assert next_action(tracker(user(intent))) is None


def test_prediction_uses_the_domain_index(tmp_path):
    from rasa.engine.graph import ExecutionContext
    from rasa.engine.storage.local_model_storage import LocalModelStorage
    from rasa.engine.storage.resource import Resource

    policy = EmergencyPolicy.create(EmergencyPolicy.get_default_config(),
                                    LocalModelStorage.create(tmp_path),
                                    Resource("p"), ExecutionContext(None))
    prediction = policy.predict_action_probabilities(tracker(user("emergency")), DOMAIN)
    best = prediction.probabilities.index(max(prediction.probabilities))
    assert DOMAIN.action_names_or_texts[best] == "utter_emergency"
    assert prediction.policy_priority == 9
