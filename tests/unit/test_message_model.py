"""The learned message model (bot/language/message_model.py), how detect.py weighs it against
the lexicon and requests.py against the verdict cues (phrasings written here, not taken from
the evaluation rounds)."""

from pathlib import Path

import joblib
import pytest

from bot.language import message_model, pipeline
from bot.language.entities import OUTSIDE, UNCOVERED
from bot.language.requests import asks_for_diagnosis, requests_a_verdict
from bot.language.run_together import spaced_text
from bot.language.scope_mark import scope_mark
from bot.safety.detect import find_red_flags
from bot.safety.rules import load_rules


@pytest.fixture(scope="module")
def nlp():
    return pipeline.load()


def _write(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


def test_a_round_without_a_recorded_first_run_is_never_learnt_from(tmp_path: Path) -> None:
    _write(tmp_path / "first_runs.yml", "rounds:\n  - set: round1.yml\n  - set: round1.yml\n")
    _write(tmp_path / "round1.yml", "items: []\n")
    _write(tmp_path / "round2.yml", "items: []\n")  # sealed: written, not yet run
    assert message_model.recorded_rounds(tmp_path) == [tmp_path / "round1.yml"]


def test_round_items_become_examples_with_their_categories(tmp_path: Path) -> None:
    path = _write(tmp_path / "round1.yml", """items:
- {text: "he swallowed drain cleaner on purpose", kind: emergency, topic: poisoning, self_harm: true}
- {text: "she fell and is not waking", kind: emergency_midform, topic: collapse}
- {text: "if he ever chokes what do we do", kind: context, topic: choking}
- {text: "what is LES", kind: les_question, sections: [Introduction]}
- {text: "is it LES, yes or no", kind: diagnosis}
- {text: "best pizza in town", kind: out_of_scope}
- {text: "does insurance pay for IVIg", kind: not_covered}
""")
    examples = message_model.round_examples([path])
    assert [(e.emergency, e.categories, e.diagnosis, e.scope) for e in examples] == [
        (True, ("poisoning", "self_harm"), False, ""), (True, ("fainting",), False, ""),
        (False, (), False, ""), (False, (), False, ""), (False, (), True, ""),
        (False, (), False, "outside"), (False, (), False, "uncovered")]


def test_nlu_examples_lose_their_entity_annotations(tmp_path: Path) -> None:
    _write(tmp_path / "x.yml", """nlu:
- intent: emergency_self_harm
  examples: |
    - i want to [hurt myself](act)
- intent: ask_symptoms
  examples: |
    - are [weak legs]{"entity": "symptom"} a sign
- intent: ask_diagnosis
  examples: |
    - so is it lems or not
- intent: out_of_scope
  examples: |
    - who won the match
- intent: ask_uncovered
  examples: |
    - is there an LES diet
""")
    examples = message_model.nlu_examples(tmp_path)
    assert [(e.text, e.emergency, e.categories, e.diagnosis, e.scope) for e in examples] == [
        ("i want to hurt myself", True, ("self_harm",), False, ""),
        ("are weak legs a sign", False, (), False, ""),
        ("so is it lems or not", False, (), True, ""), ("who won the match", False, (), False, "outside"),
        ("is there an LES diet", False, (), False, "uncovered")]


def test_a_missing_or_stale_model_stops_with_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(message_model.ModelMissing, match="make pipeline"):
        message_model.load.__wrapped__(tmp_path / "absent.joblib")
    stale = tmp_path / "stale.joblib"
    joblib.dump({"sklearn": "0.0"}, stale)
    with pytest.raises(message_model.ModelMissing, match=r"scikit-learn 0\.0"):
        message_model.load.__wrapped__(stale)


@pytest.mark.parametrize("text", [
    "my grandson went grey and floppy in the bath and hes not crying",
    "mum keeps saying goodbye to everyone and gave away her cat, she has the bottle of pills",
    "wife fell off the ladder, cant feel her legs and theres blood coming from her ear",
])
def test_the_model_scores_emergencies_high(text: str) -> None:
    assert message_model.assess(text).probability >= load_rules().learned.alone


@pytest.mark.parametrize("text", [
    "what is lambert eaton syndrome",
    "my name is Ann Lee, 07700 900123, born 12/05/1958, when is my next appointment",
    "i get tired walking up the hill by the end of the week",
    "how much ibuprofen can i take for a headache",
])
def test_the_model_scores_ordinary_messages_low(text: str) -> None:
    assert message_model.assess(text).probability < load_rules().learned.confirm


@pytest.mark.parametrize("text", [
    "the plot twist in that film took my breath away",
    "finishing my tax return was a stroke of genius",
    "this traffic is killing me",
])
def test_an_idiom_with_an_emergency_word_is_not_reported(nlp, text: str) -> None:
    assert not find_red_flags(nlp(text)).reported


def test_the_model_adds_the_kind_the_lexicon_missed(nlp) -> None:
    finding = find_red_flags(nlp("grandpa's words are all jumbled since lunch and his left hand wont grip"))
    assert "stroke" in finding.reported


@pytest.mark.parametrize("text", [
    "my uncle is slumped over the table and his lips are going grey",
    "what is lambert eaton syndrome",
    "",
    "zzzz qqqq",
    "i'm not choking, just asking how the heimlich works",
])
def test_the_fast_scorer_gives_scikit_learns_numbers(text: str) -> None:
    fast = message_model.assess(text)
    heads, scores = message_model.assess_with_sklearn(text)
    assert [fast.probability, fast.diagnosis, fast.outside, fast.uncovered] == pytest.approx(
        [heads["emergency"], heads["diagnosis"], heads["outside"], heads["uncovered"]], abs=1e-9)
    assert dict(fast.scores) == pytest.approx(scores, abs=1e-9)


@pytest.mark.parametrize("text", [
    "hips weak, mouth like sandpaper, eyelids heavy by teatime. lems, yes?",
    "be honest with me, am i one of the lambert eaton people",
])
def test_the_model_recognises_verdict_requests_no_cue_covers(nlp, text: str) -> None:
    assert not asks_for_diagnosis(text)
    assert requests_a_verdict(text, spaced_text(nlp(text)))


@pytest.mark.parametrize("text", [
    "what tests confirm lambert eaton",
    "my dad was diagnosed with LES last year, how is it treated",
    "is lambert eaton contagious",
    "how much ibuprofen can i take for a headache",
])
def test_questions_about_les_are_not_verdict_requests(nlp, text: str) -> None:
    assert not requests_a_verdict(text, spaced_text(nlp(text)))


@pytest.mark.parametrize(("text", "mark"), [
    ("what time does the pharmacy on main street close", OUTSIDE),
    ("how do i get my toddler to sleep through the night", OUTSIDE),
    ("will my employer have to let me work from home because of my LES", UNCOVERED),
    ("what is lambert eaton syndrome", None),
    ("how do doctors test for LES", None),
    ("my legs are weak and my mouth is dry", None),
])
def test_the_scope_heads_mark_questions_outside_les_or_the_article(text: str, mark: str | None) -> None:
    assert scope_mark(text) == mark


def test_authored_training_sets_are_read_in_the_rounds_format(tmp_path: Path) -> None:
    (tmp_path / "lookalikes.yml").write_text(
        'version: 1\nitems:\n- text: "my phone is dying"\n  kind: context\n  topic: collapse\n'
        '- text: "he swallowed the whole bottle, bye"\n  kind: emergency\n  topic: poisoning\n'
        '  self_harm: true\n')
    sets = message_model.authored_sets(tmp_path)
    assert sets == [tmp_path / "lookalikes.yml"]
    phone, bottle = message_model.round_examples(sets)
    assert not phone.emergency and bottle.emergency
    assert bottle.categories == ("poisoning", "self_harm")
