"""Where the project's data lives, resolved from the repository root.

Rasa and the action server may be started from any working directory (tests start
them from temporary folders), so every data path is anchored to this file's
location, with an environment override for deployments that move the data.
"""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(os.environ.get("LES_ROOT", Path(__file__).resolve().parent.parent))
DATA = ROOT / "data"
ARTICLE_FILE = DATA / "article" / "article.yml"
CONCEPTS_FILE = DATA / "lexicon" / "concepts.yml"
RED_FLAGS_FILE = ROOT / "bot" / "safety" / "red_flags.yml"
BUILD = ROOT / "build"
# The safety rounds (tests/eval/rounds/FORMAT.md): test sets, and once their first run is
# recorded, training data for the learned emergency detector.
ROUNDS = ROOT / "tests" / "eval" / "rounds"
SPACY_PIPELINE_DIR = BUILD / "spacy" / "les_en"
