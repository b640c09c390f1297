"""Every text a patient reads stays within its reading-level limit (data/readability.yml).

One test per kind of text, so that a failure names the kind and each text over its
limit. The scorer itself is tested too: hard text scores high, names are not scored,
and scoring needs nothing from the network.
"""

import socket
import statistics

import pytest

from bot.plain import readability

SCORED = readability.score_all()


@pytest.mark.parametrize("kind", readability.KINDS)
def test_every_kind_of_text_is_within_its_reading_level(kind):
    assert [s for s in SCORED if s.kind == kind], f"no {kind} texts found"
    assert readability.too_hard(SCORED, kind) == []


def test_answers_meet_the_issue_s_targets():
    grades = [s.grade for s in SCORED if s.kind == "answers"]
    assert statistics.median(grades) <= 7 and max(grades) <= 9
    assert len(grades) == len(readability.load_article().passages)


def test_every_patient_facing_text_is_scored():
    names = {s.name for s in SCORED}
    assert {"messages.yml disclaimer", "domain.yml utter_emergency #1", "domain.yml utter_emergency #2",
            "domain.yml utter_ask_sx_legs",
            "messages.yml screening_summary_intro", "questions.yml sx_legs label",
            "article.yml treatment.medicines", "domain.yml utter_greet"} <= names
    assert sum(n.startswith("domain.yml utter_ask_") for n in names) == 15


def test_hard_text_scores_above_the_limits():
    source = readability.load_article().passage("treatment.medicines").text
    assert readability.grade(source) > 9
    assert readability.too_hard([readability.Scored("answers", "x", source, readability.grade(source), 0)],
                                "answers")


def test_drug_and_test_names_are_not_scored():
    text = "The doctor may give you pyridostigmine or order electromyography."
    assert "pyridostigmine" not in readability.prepare(text)
    assert readability.grade(text) < readability.grade(text.replace("pyridostigmine", "hydroxychloroquine"))


def test_list_items_are_scored_as_sentences_without_their_bullets():
    assert readability.prepare("They may include:\n• dry mouth\n• *dry eyes*") == \
        "They may include: dry mouth. dry eyes."


def test_scoring_works_offline(monkeypatch):
    def no_network(*args, **kwargs):
        raise AssertionError("readability scoring tried to use the network")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    assert readability.grade("Is it hard for you to speak, chew or swallow?") < 6
    assert readability.smog("One short line. Another one here. And a third one now.") > 0
