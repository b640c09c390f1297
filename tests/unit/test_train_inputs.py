"""`rasa train` reads only the training data the model's fingerprint names (bot/ops/train.py)."""

from __future__ import annotations

from rasa.shared.importers.importer import TrainingDataImporter

from bot import paths
from bot.language.message_model import LEARNED_DIR, intent_examples
from bot.ops import train


def test_the_message_models_own_examples_never_reach_the_intent_classifier() -> None:
    importer = TrainingDataImporter.load_from_config(
        str(paths.ROOT / "config.yml"), str(paths.ROOT / "domain.yml"),
        [str(paths.ROOT / d) for d in train.TRAINING_DATA])
    trained = {m.get("text") for m in importer.get_nlu_data().training_examples}
    learned = {text for _, text in intent_examples(LEARNED_DIR)}
    assert trained and learned and not trained & learned

