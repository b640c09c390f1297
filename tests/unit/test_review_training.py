"""The training export's text rules: redaction, Rasa-safe text, entity annotations, expectations."""

import json

from bot import paths
from bot.review import corrections, training


def test_texts_are_redacted_one_line_and_never_read_as_entity_syntax():
    text = training.safe_text("call me at 555-123-4567\nabout [ivig](treatment) {x}")
    assert "555-123-4567" not in text and "(PHONE)" in text
    assert "[" not in text and "{" not in text and "\n" not in text


def test_examples_compare_without_case_spaces_or_annotations():
    assert training.normalize("What  is [IVIG](treatment)") == training.normalize("what is ivig")


def test_entities_are_annotated_only_where_the_span_is_still_there_once():
    found = json.dumps([{"entity": "symptom", "text": "dry mouth", "negated": False},
                        {"entity": "red_flag", "text": "trouble breathing", "negated": True},
                        {"entity": "symptom", "text": "legs", "negated": False},
                        {"entity": "not_in_domain", "text": "mouth", "negated": False}])
    allowed = training.domain_entities(paths.ROOT)
    text = training.annotate("no trouble breathing but dry mouth, legs and legs", found, allowed)
    assert text == ('no [trouble breathing]{"entity": "red_flag", "role": "negated"} but '
                    '[dry mouth](symptom), legs and legs')
    # Edited away: no annotation rather than a wrong one.
    assert training.annotate("my mouth is dry", found, allowed) == "my mouth is dry"


def test_every_nlu_example_of_the_project_is_known_to_the_conflict_check():
    existing = training.existing_examples(paths.ROOT)
    assert "ask_what_is" in existing[training.normalize("what is lambert eaton syndrome")]
    assert len(existing) > 500


def test_what_follows_an_intent_comes_from_the_rules():
    follows = training.simple_rules(paths.ROOT)
    assert follows["emergency"] == ["utter_emergency", "action_emergency_context", "action_disclaimer"]
    assert follows["ask_plasma_exchange"] == ["action_answer", "action_disclaimer"]


def test_regression_expectations_follow_the_behaviour_contract():
    options = corrections.choices()
    category, expect = training._expect("emergency", "self_harm", "emergency_self_harm", options)
    assert category == "emergency" and expect["emergency"] is True and expect["expect_988"] is True
    assert training._expect("diagnosis", "", "ask_diagnosis", options)[1]["no_verdict"] is True
    assert training._expect("out_of_scope", "", "out_of_scope", options)[1]["fallback"] is True
    assert training._expect("answer", "exams", "ask_tests", options)[1]["section"] == "Exams and Tests"
    assert training._expect("intent", "ask_plasma_exchange", "ask_plasma_exchange",
                            options)[1]["section"] == "Treatment"
    assert training._expect("intent", "greet", "greet", options)[1]["disclaimer"] is False


def test_targets_map_to_the_intents_they_teach():
    options = corrections.choices()
    assert corrections.training_intent("emergency", "choking", options) == "emergency"
    assert corrections.training_intent("emergency", "self_harm", options) == "emergency_self_harm"
    assert corrections.training_intent("answer", "symptoms", options) == "ask_symptoms"
    assert corrections.training_intent("diagnosis", "", options) == "ask_diagnosis"


def _accepted(engine, rows):
    import time

    from bot.review import db

    now = time.time()
    with engine.begin() as connection:
        connection.execute(db.corrections.insert(), [{
            "sender_id": sender, "event_id": i + 1, "turn_index": 0, "turn_ts": now, "example_text": text,
            "original_intent": "nlu_fallback", "original_confidence": 0.3, "model_id": "m", "entities": "[]",
            "kind": kind, "target": target, "note": "", "reviewer": f"r{i}", "created_at": now,
            "updated_at": now, "status": "accepted", "decided_by": "admin", "decided_at": now}
            for i, (sender, text, kind, target) in enumerate(rows)])


def test_export_writes_each_text_once_leaves_conflicts_out_and_redacts(tmp_path):
    import yaml

    from bot.review import db, schema
    from tests.support.review import project_copy

    engine = db.make_engine(f"sqlite:///{tmp_path / 'store.db'}")
    schema.upgrade(engine)
    _accepted(engine, [
        ("a", "is the bloodwash thing safe", "intent", "ask_plasma_exchange"),
        ("b", "Is the  bloodwash thing SAFE", "intent", "ask_plasma_exchange"),  # the same text again
        ("c", "what about the zapper", "intent", "ask_treatment"),
        ("d", "what about the zapper", "out_of_scope", ""),  # the same text, another intent
        ("e", "mail me at jo@example.org, i want to end it all", "emergency", "self_harm"),
    ])
    root = project_copy(tmp_path / "project")
    report = training.export(engine, root)
    nlu = yaml.safe_load((root / "data/nlu/reviewed.yml").read_text())["nlu"]
    assert {item["intent"]: item["examples"] for item in nlu} == {
        "ask_plasma_exchange": "- is the bloodwash thing safe\n",
        "emergency_self_harm": "- mail me at (EMAIL), i want to end it all\n"}
    assert len(report.conflicts) == 1 and "what about the zapper" in report.conflicts[0]
    [case] = yaml.safe_load((root / "tests/eval/reviewed_red_flags.yml").read_text())["items"]
    assert case["text"] == "mail me at [EMAIL], i want to end it all" and case["expect"]["expect_988"] is True
    assert not any("jo@example.org" in (root / name).read_text() for name in report.files)
    # quality over time goes with the export (the Quality page's table)
    assert (root / "reports/review-quality.csv").read_text().splitlines()[0].startswith("week,")
