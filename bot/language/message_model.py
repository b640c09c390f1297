"""A learned reader of messages: word and character n-grams, logistic regressions.

Heads on one set of features: is this an emergency, of which kind; does it ask for a
verdict ("is that LES?"); is it about something other than LES, or about LES but outside
the article (insurance, diet). The lexicons know the phrasings someone here wrote down;
this model learns from many authors' messages (the NLU data and every safety round whose
first run is recorded, so a sealed round is never trained on) and catches wordings no
phrase covers. bot/safety/detect.py weighs the emergency heads against the red-flag
lexicon (red_flags.yml's ``learned`` section), bot/language/requests.py the verdict head
against the request cues (requests.yml's ``learned``), bot/language/scope_mark.py turns
the scope heads into a mark the answer action reads (scope.yml's ``learned``);
docs/safety/learned-detector.md says how the operating points were chosen.

    python -m bot.language.message_model     # train, write build/language/message_model.joblib
"""

from __future__ import annotations

import re
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

import joblib
import numpy as np
import sklearn
import yaml
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.multiclass import OneVsRestClassifier
from sklearn.pipeline import FeatureUnion
from sklearn.preprocessing import MultiLabelBinarizer

from bot import paths
from bot.language.entities import OUTSIDE, UNCOVERED
from bot.language.intent_names import OUT_OF_SCOPE

MODEL_FILE = paths.BUILD / "language" / "message_model.joblib"
NLU_DIR = paths.DATA / "nlu"
# Examples for this model only, in the NLU format (the intent classifier does not see them).
LEARNED_DIR = paths.DATA / "learned"
# Training sets in the rounds' format (tests/eval/rounds/FORMAT.md), written by helper
# sessions that saw only the contract and the article: more authors' wordings to learn
# from, never measured on (a round measures; these only teach).
AUTHORED_DIR = LEARNED_DIR / "authored"
EMERGENCY_INTENTS = {"emergency": (), "emergency_self_harm": ("self_harm",)}
DIAGNOSIS_INTENT = "ask_diagnosis"
DIAGNOSIS_KIND = "diagnosis"
# The scope heads' positives: NLU intents and the rounds' kinds (tests/eval/rounds/FORMAT.md).
_SCOPE_OF_INTENT = {OUT_OF_SCOPE: OUTSIDE, "ask_uncovered": UNCOVERED}
_SCOPE_OF_KIND = {"out_of_scope": OUTSIDE, "not_covered": UNCOVERED}
# The rounds' topic names (tests/eval/rounds/FORMAT.md) -> red_flags.yml category ids.
_TOPIC_CATEGORY = {"collapse": "fainting", "allergic": "allergic_swelling"}
# "[weak legs](symptom)" and "[x]{...}" annotations in Rasa's NLU examples -> "weak legs".
_ANNOTATION = re.compile(r"\[([^\]]*)\](?:\([^)]*\)|\{[^}]*\})")


class ModelMissing(RuntimeError):
    """The trained model is not on disk (or was trained by another scikit-learn)."""


@dataclass(frozen=True)
class Example:
    text: str
    emergency: bool
    categories: tuple[str, ...] = ()
    diagnosis: bool = False
    scope: str = ""  # OUTSIDE, UNCOVERED, or "" (about LES and in the article, or not a question)


def intent_examples(nlu_dir: Path = NLU_DIR) -> Iterator[tuple[str, str]]:
    """(intent, text) for every NLU training example, annotations removed."""
    for path in sorted(nlu_dir.glob("*.yml")):
        for block in (yaml.safe_load(path.read_text()) or {}).get("nlu") or ():
            intent = block.get("intent")
            if not intent:
                continue
            for line in str(block.get("examples") or "").splitlines():
                line = line.strip()
                if line.startswith("- "):
                    yield str(intent), _ANNOTATION.sub(r"\1", line[2:])


def nlu_examples(nlu_dir: Path = NLU_DIR) -> list[Example]:
    """Every NLU training example, each head's positives marked by its intent."""
    return [Example(text, intent in EMERGENCY_INTENTS, EMERGENCY_INTENTS.get(intent, ()),
                    intent == DIAGNOSIS_INTENT, _SCOPE_OF_INTENT.get(intent, ""))
            for intent, text in intent_examples(nlu_dir)]


def recorded_rounds(rounds_dir: Path = paths.ROUNDS) -> list[Path]:
    """The safety rounds whose first run is recorded: a round still sealed is never learnt from."""
    record = yaml.safe_load((rounds_dir / "first_runs.yml").read_text()) or {}
    names = {str(run["set"]) for run in record.get("rounds") or ()}
    return [rounds_dir / name for name in sorted(names) if (rounds_dir / name).exists()]


def authored_sets(authored_dir: Path = AUTHORED_DIR) -> list[Path]:
    """The training sets written in the rounds' format (data/learned/authored/)."""
    return sorted(authored_dir.glob("*.yml"))


def round_examples(rounds: list[Path]) -> list[Example]:
    """The items of sets in the rounds' format, each kind marking its heads' positives."""
    found = []
    for path in rounds:
        for item in (yaml.safe_load(path.read_text()) or {}).get("items") or ():
            emergency = str(item["kind"]).startswith("emergency")
            categories: tuple[str, ...] = ()
            if emergency:
                topic = str(item.get("topic") or "")
                categories = (_TOPIC_CATEGORY.get(topic, topic),) if topic else ()
                if item.get("self_harm") and "self_harm" not in categories:
                    categories += ("self_harm",)
            found.append(Example(str(item["text"]), emergency, categories, item["kind"] == DIAGNOSIS_KIND,
                                 _SCOPE_OF_KIND.get(str(item["kind"]), "")))
    return found


def _features() -> FeatureUnion:
    # Character n-grams within words carry typos and run-together words; word pairs carry
    # "isnt breathing" against "breathing fine".
    return FeatureUnion([
        ("chars", TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, min_df=2,
                                  max_features=200_000)),
        ("words", TfidfVectorizer(analyzer="word", ngram_range=(1, 2), sublinear_tf=True,
                                  token_pattern=r"[a-z0-9']+")),
    ])


def fit(examples: list[Example]) -> dict[str, Any]:
    """Train the yes/no heads (emergency, verdict request, outside, uncovered) and, on the
    emergencies, the category model."""
    features = _features()
    matrix = features.fit_transform([e.text for e in examples])

    def head(labels: list[bool]) -> LogisticRegression:
        model = LogisticRegression(C=10.0, class_weight="balanced", max_iter=2000)
        return model.fit(matrix, [int(x) for x in labels])

    emergency = head([e.emergency for e in examples])
    diagnosis = head([e.diagnosis for e in examples])
    outside = head([e.scope == OUTSIDE for e in examples])
    uncovered = head([e.scope == UNCOVERED for e in examples])
    rows = [i for i, e in enumerate(examples) if e.emergency and e.categories]
    labels = MultiLabelBinarizer()
    targets = labels.fit_transform([examples[i].categories for i in rows])
    categories = OneVsRestClassifier(LogisticRegression(C=10.0, class_weight="balanced", max_iter=2000))
    categories.fit(matrix[rows], targets)
    return {"features": features, "emergency": emergency, "diagnosis": diagnosis, "outside": outside,
            "uncovered": uncovered, "categories": categories,
            "labels": list(labels.classes_), "sklearn": sklearn.__version__,
            "examples": len(examples), "emergencies": sum(e.emergency for e in examples),
            "diagnosis_requests": sum(e.diagnosis for e in examples)}


def build(out: Path = MODEL_FILE) -> dict[str, Any]:
    rounds = recorded_rounds()
    authored = authored_sets()
    examples = nlu_examples() + nlu_examples(LEARNED_DIR) + round_examples(rounds + authored)
    emergencies = sum(e.emergency for e in examples)
    requests = sum(e.diagnosis for e in examples)
    print(f"training the message model on {len(examples)} messages ({emergencies} emergencies, "
          f"{requests} diagnosis requests; NLU data, {len(rounds)} recorded rounds and "
          f"{len(authored)} authored training sets)...", flush=True)
    started = time.monotonic()
    model = fit(examples)
    out.parent.mkdir(parents=True, exist_ok=True)
    joblib.dump(model, out)
    print(f"wrote {out} in {time.monotonic() - started:.0f} s", flush=True)
    return model


@lru_cache(maxsize=1)
def load(path: Path = MODEL_FILE) -> dict[str, Any]:
    """The trained model, read once per process; a clear error if it is missing or stale."""
    if not path.exists():
        raise ModelMissing(f"{path} is missing: build it with `make pipeline` "
                           "(python -m bot.language.message_model)")
    model = joblib.load(path)
    if model.get("sklearn") != sklearn.__version__:
        raise ModelMissing(f"{path} was trained with scikit-learn {model.get('sklearn')}, this is "
                           f"{sklearn.__version__}: rebuild it with `make pipeline`")
    return model


_HEADS = ("emergency", "diagnosis", "outside", "uncovered")  # then the categories


class _Scorer:
    """The trained model as plain arrays: the same numbers as scikit-learn's pipeline
    (a unit test compares them) in a tenth of the time, without its per-call input checks
    (it runs on every message, before the reply)."""

    def __init__(self, model: dict[str, Any]) -> None:
        self.parts = []
        offset = 0
        for _, vectorizer in model["features"].transformer_list:
            self.parts.append((vectorizer.build_analyzer(), vectorizer.vocabulary_, vectorizer.idf_,
                               bool(vectorizer.sublinear_tf), offset))
            offset += len(vectorizer.vocabulary_)
        heads = [model[name] for name in _HEADS] + list(model["categories"].estimators_)
        self.weights = np.vstack([np.asarray(h.coef_).ravel() for h in heads]).T  # features x heads
        self.bias = np.array([float(np.asarray(h.intercept_).ravel()[0]) for h in heads])
        self.labels = [str(label) for label in model["labels"]]

    def logits(self, text: str) -> np.ndarray:
        columns: list[int] = []
        values: list[float] = []
        for analyzer, vocabulary, idf, sublinear, offset in self.parts:
            counts: dict[int, int] = {}
            for term in analyzer(text):
                j = vocabulary.get(term)
                if j is not None:
                    counts[j] = counts.get(j, 0) + 1
            if not counts:
                continue
            index = np.fromiter(counts, dtype=np.int64, count=len(counts))
            tf = np.fromiter(counts.values(), dtype=np.float64, count=len(counts))
            weights = (np.log(tf) + 1.0 if sublinear else tf) * idf[index]
            weights /= np.linalg.norm(weights)
            columns.extend((index + offset).tolist())
            values.extend(weights.tolist())
        if not columns:
            return self.bias.copy()
        return np.asarray(values) @ self.weights[columns] + self.bias


@lru_cache(maxsize=1)
def _scorer() -> _Scorer:
    return _Scorer(load())


class Assessment:
    """The model's view of one message: how likely an emergency (``probability``), a verdict
    request, a question outside LES or outside the article, and the categories' scores only
    when asked (most messages are not emergencies)."""

    def __init__(self, heads: np.ndarray, category_logits: np.ndarray, labels: list[str]) -> None:
        self.probability, self.diagnosis, self.outside, self.uncovered = (float(p) for p in heads)
        self._logits = category_logits
        self._labels = labels

    @cached_property
    def scores(self) -> tuple[tuple[str, float], ...]:
        """Each red-flag category's score, highest first."""
        scores = _sigmoid(self._logits)
        return tuple(sorted(zip(self._labels, (float(x) for x in scores), strict=True), key=lambda p: -p[1]))


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


@lru_cache(maxsize=64)
def assess(text: str) -> Assessment:
    """How likely ``text`` reports an emergency (and of which kind) or asks for a verdict.
    Kept for a few messages: the verdict guard and the red-flag component ask about the
    same text one after the other."""
    scorer = _scorer()
    logits = scorer.logits(text)
    return Assessment(_sigmoid(logits[:len(_HEADS)]), logits[len(_HEADS):], scorer.labels)


def assess_with_sklearn(text: str) -> tuple[dict[str, float], dict[str, float]]:
    """The reference: scikit-learn's own pipeline (for the parity test): each yes/no head's
    probability, each category's."""
    model = load()
    matrix = model["features"].transform([text])
    heads = {name: float(model[name].predict_proba(matrix)[0, 1]) for name in _HEADS}
    scores = model["categories"].predict_proba(matrix)[0]
    pairs = zip(model["labels"], scores, strict=True)
    return heads, {str(label): float(score) for label, score in pairs}


if __name__ == "__main__":
    build()
    sys.exit(0)
