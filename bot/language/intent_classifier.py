"""Rasa's LogisticRegressionClassifier with its regularisation strength configurable.

Rasa 3.6 fixes sklearn's ``C`` at 1.0, which over-regularises sparse n-gram features
on a data set of our size: the probabilities spread thin and too many questions
fall below the fallback threshold. ``C`` is set from the component config.

When loaded, the weights are stored column-major: sklearn multiplies the sparse
features by the transposed weights, which scipy needs contiguous, so row-major weights
were copied whole (features x intents) for every message. Same numbers, no copy.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier
from sklearn.linear_model import LogisticRegression


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True
)
class TunedLogisticRegressionClassifier(LogisticRegressionClassifier):
    """Logistic regression intent classifier with a configurable ``C``."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {**LogisticRegressionClassifier.get_default_config(), "C": 1.0}

    def __init__(self, config: dict[str, Any], name: str, model_storage: ModelStorage,
                 resource: Resource) -> None:
        super().__init__(config, name, model_storage, resource)
        self.clf = LogisticRegression(
            C=float(self.config["C"]),
            solver=self.config["solver"],
            max_iter=self.config["max_iter"],
            class_weight="balanced",
            tol=self.config["tol"],
            random_state=self.config["random_state"],
        )

    @classmethod
    def load(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
             execution_context: ExecutionContext, **kwargs: Any) -> LogisticRegressionClassifier:
        """Rasa's load, with the weights laid out for the per-message product."""
        component = super().load(config, model_storage, resource, execution_context, **kwargs)
        clf = getattr(component, "clf", None)
        coef = getattr(clf, "coef_", None)
        if clf is not None and coef is not None:
            clf.coef_ = np.asfortranarray(coef)
        return component
