"""What our untrained Rasa NLU components share: creation and overriding the intent."""

from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData


class UntrainedComponent(GraphComponent):
    """A component that learns nothing: built from its config, passes training data on."""

    def __init__(self, config: dict[str, Any]) -> None:
        self.config = config

    @classmethod
    def create(cls, config: dict[str, Any], model_storage: ModelStorage,
               resource: Resource, execution_context: ExecutionContext) -> UntrainedComponent:
        return cls(config)

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data


def set_intent(message: Message, name: str, confidence: float = 1.0) -> None:
    """Make ``name`` the message's intent, first in the ranking, the rest kept after it."""
    intent = {"name": name, "confidence": confidence}
    rest = [r for r in message.get(INTENT_RANKING_KEY) or [] if r.get("name") != name]
    message.set(INTENT, intent, add_to_output=True)
    message.set(INTENT_RANKING_KEY, [intent, *rest], add_to_output=True)
