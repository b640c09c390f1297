"""The NLU components that decide the intent after the classifier: the red-flag component
(bot/safety/rasa_component.py) and the verdict-request guard (bot/language/rasa_component.py)."""

from __future__ import annotations

from typing import Any

import pytest
from rasa.nlu.constants import SPACY_DOCS
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.language import pipeline
from bot.safety.rasa_component import RedFlagClassifier


@pytest.fixture(scope="module")
def nlp():
    return pipeline.load()


@pytest.fixture(scope="module")
def component() -> RedFlagClassifier:
    return RedFlagClassifier({"fallback_threshold": 0.35})


def _parsed(nlp, text: str, intent: dict[str, Any], ranking: list[dict[str, Any]]) -> Message:
    message = Message(data={TEXT: text, INTENT: intent, INTENT_RANKING_KEY: ranking})
    message.set(SPACY_DOCS[TEXT], nlp(text))
    return message


def _guess(name: str, confidence: float) -> dict[str, Any]:
    return {"name": name, "confidence": confidence}


def _intent(message: Message) -> str:
    return message.get(INTENT)["name"]


def test_a_reported_red_flag_becomes_the_intent(nlp, component):
    guess = _guess("ask_symptoms", 0.9)
    message = _parsed(nlp, "my dad cant breathe and his lips are blue", guess, [guess])
    component.process([message])
    assert _intent(message) == "emergency"


def test_an_emergency_guess_the_detector_does_not_share_gives_way(nlp, component):
    ranking = [_guess("emergency", 0.6), _guess("ask_complications", 0.3)]
    message = _parsed(nlp, "can lems make breathing hard later on", ranking[0], ranking)
    component.process([message])
    assert _intent(message) == "ask_complications"


def test_a_fallback_caused_by_an_overruled_emergency_guess_gives_way_too(nlp, component):
    # the emergency guess (0.51) was too close to the question's (0.48) for the fallback
    ranking = [_guess("nlu_fallback", 0.35), _guess("emergency_self_harm", 0.51), _guess("ask_outlook", 0.48)]
    text = "not suicidal, only low since the news. how do people do long term"
    message = _parsed(nlp, text, ranking[0], ranking)
    component.process([message])
    assert _intent(message) == "ask_outlook"


def test_a_fallback_stays_when_the_next_guess_is_weak_too(nlp, component):
    ranking = [_guess("nlu_fallback", 0.35), _guess("emergency_self_harm", 0.4), _guess("ask_outlook", 0.2)]
    message = _parsed(nlp, "not suicidal, only low since the news", ranking[0], ranking)
    component.process([message])
    assert _intent(message) == "nlu_fallback"


def test_a_request_to_start_the_symptom_check_is_not_taken_for_a_verdict_request(nlp):
    from bot.language.rasa_component import DiagnosisRequestGuard

    guess = _guess("start_screening", 0.9)
    message = _parsed(nlp, "check my symptoms", guess, [guess])
    DiagnosisRequestGuard({}).process([message])
    assert _intent(message) == "start_screening"


def test_the_verdict_guard_marks_the_request_it_found(nlp):
    from bot.language.entities import VERDICT_KEY
    from bot.language.rasa_component import DiagnosisRequestGuard

    guess = _guess("ask_uncovered", 0.9)
    asked = _parsed(nlp, "tell me i don't have lambert eaton", guess, [guess])
    not_asked = _parsed(nlp, "is coffee ok with lambert eaton", guess, [guess])
    DiagnosisRequestGuard({}).process([asked, not_asked])
    assert _intent(asked) == "ask_diagnosis" and asked.get(VERDICT_KEY) is True
    assert _intent(not_asked) == "ask_uncovered" and not not_asked.get(VERDICT_KEY)


@pytest.mark.parametrize("text", [
    "¿mi esposo tiene Lambert-Eaton?",
    "tengo la boca seca y me cuesta subir escaleras, ¿será Lambert-Eaton?",
    "¿es LES o no?",
    "est-ce que mon père a le syndrome de Lambert-Eaton ? il a du mal à monter l'escalier",
    "ai-je une LEMS ?",
    "Hat meine Mutter das Lambert-Eaton-Syndrom?",
    "será que tenho a síndrome de Lambert-Eaton?",
])
def test_a_verdict_request_in_another_language_is_refused_not_only_told_english(nlp, text):
    assert _after_language_guards(nlp, text, "out_of_scope") == "ask_diagnosis"


@pytest.mark.parametrize("text", ["¿qué es el síndrome de Lambert-Eaton?",
                                  "¿el síndrome de Lambert-Eaton se hereda?",
                                  "j'ai les jambes faibles le soir",
                                  "Was ist das Lambert-Eaton-Syndrom?"])
def test_a_question_about_les_in_another_language_is_still_out_of_scope(nlp, text):
    assert _after_language_guards(nlp, text, "ask_definition") == "out_of_scope"


def _after_language_guards(nlp, text: str, classified: str) -> str:
    """The intent after the verdict guard and the non-English classifier, in config order."""
    from bot.language.rasa_component import DiagnosisRequestGuard, NonEnglishClassifier

    guess = _guess(classified, 0.6)
    message = _parsed(nlp, text, guess, [guess])
    DiagnosisRequestGuard({}).process([message])
    NonEnglishClassifier({}).process([message])
    return _intent(message)


def _after_scope_marker(nlp, monkeypatch, text: str, intent: str, mark: str | None,
                        confidence: float = 0.8) -> str:
    """The intent after the ScopeMarker, for a classifier guess of ``intent`` and the
    model's scope ``mark``."""
    from bot.language import rasa_component

    monkeypatch.setattr(rasa_component, "scope_mark", lambda spaced: mark)
    guess = _guess(intent, confidence)
    message = _parsed(nlp, text, guess, [guess])
    rasa_component.ScopeMarker({}).process([message])
    return _intent(message)


@pytest.mark.parametrize("text,mark,intent", [
    ("my elbow clicks when i bend it, why", "outside", "out_of_scope"),
    ("hw do i know if i have gout", "outside", "out_of_scope"),
    ("my nose runs every spring, what can i take for it", "outside", "out_of_scope"),
    ("my legs get weak on the stairs", "outside", "inform_symptoms"),  # names an LES symptom
    ("my legs get weak on the stairs, why", None, "inform_symptoms"),  # not marked outside
    ("I have an itchy rash on my elbow", "outside", "out_of_scope"),  # a statement naming nothing
    ("my laptop won't turn on", "outside", "out_of_scope"),
    ("my back hurts", None, "inform_symptoms"),  # not marked outside: the check may ask
    ("trying to cut down on smoking this year", "outside", "out_of_scope"),  # names no symptom
    ("best gel for dry eyes after a long flight", "outside", "out_of_scope"),  # asks for a product
    ("dry eyes after a long flight", "outside", "inform_symptoms"),  # a report naming a symptom
])
def test_a_message_about_something_else_does_not_start_the_symptom_check(nlp, monkeypatch, text, mark,
                                                                         intent):
    assert _after_scope_marker(nlp, monkeypatch, text, "inform_symptoms", mark, confidence=0.6) == intent



@pytest.mark.parametrize("text,intent,after", [
    ("my cat knocked over my coffee again", "restart_screening", "out_of_scope"),
    ("best way to quit smoking", "stop_screening", "out_of_scope"),
    ("going to my grandson's soccer game later", "goodbye", "out_of_scope"),
    ("how do i quit this", "stop_screening", "stop_screening"),         # its own words
    ("let's start the questions over", "restart_screening", "restart_screening"),
    ("is it ok to take melatonin every night", "goodbye", "out_of_scope"),  # a question: one stray word
    ("bye, see you tomorrow?", "goodbye", "goodbye"),
])
def test_a_control_intent_needs_its_own_words(nlp, monkeypatch, text, intent, after):
    assert _after_scope_marker(nlp, monkeypatch, text, intent, "outside") == after


@pytest.mark.parametrize("text,intent,after", [
    ("beginner course in watercolour painting", "continue_screening", "out_of_scope"),
    ("intro to organic chemistry", "start_screening", "out_of_scope"),
    ("keep going with the questions", "continue_screening", "continue_screening"),
    ("my legs are weak, check my symptoms", "start_screening", "start_screening"),  # names a term
    ("why is the lawn going brown in patches", "goodbye", "out_of_scope"),
    ("my cucumber seedlings keep wilting", "greet", "out_of_scope"),
    ("bye for now, see you later", "goodbye", "goodbye"),
    ("how do i go back to the earlier question on LES", "go_back", "go_back"),  # names LES
])
def test_unmarked_a_control_intent_needs_its_own_words_or_a_term(nlp, monkeypatch, text, intent, after):
    """No symptom check from none of its words; no other control reply from none of its
    words and nothing the lexicon knows."""
    assert _after_scope_marker(nlp, monkeypatch, text, intent, None) == after


@pytest.mark.parametrize("leans", [True, False])
def test_a_lean_outside_short_of_a_mark_is_added_to_the_message(nlp, monkeypatch, leans):
    from bot.language import rasa_component
    from bot.language.entities import LEANS_OUTSIDE_KEY, SCOPE_KEY

    monkeypatch.setattr(rasa_component, "scope_mark", lambda spaced: None)
    monkeypatch.setattr(rasa_component, "leans_outside", lambda spaced: leans)
    guess = _guess("ask_outlook", 0.9)
    message = _parsed(nlp, "outlook for the bond market", guess, [guess])
    rasa_component.ScopeMarker({}).process([message])
    assert message.get(LEANS_OUTSIDE_KEY) is (True if leans else None)
    assert message.get(SCOPE_KEY) is None and _intent(message) == "ask_outlook"


def test_an_overruled_emergency_guess_does_not_resume_the_symptom_check(nlp, component):
    ranking = [_guess("emergency_self_harm", 0.69), _guess("continue_screening", 0.14),
               _guess("ask_outlook", 0.1)]
    message = _parsed(nlp, "I like gardening on weekends", ranking[0], ranking)
    component.process([message])
    assert _intent(message) == "nlu_fallback"


@pytest.mark.parametrize("intent", ["greet", "bot_challenge", "deny"])
def test_a_question_about_something_else_gets_no_greeting(nlp, monkeypatch, intent):
    text = "how do you say thank you in german"
    assert _after_scope_marker(nlp, monkeypatch, text, intent, "outside") == "out_of_scope"


@pytest.mark.parametrize("text,asks", [
    ("dx me pls", True),
    ("any chance what i have is lambert eaton", True),
    ("¿hay probabilidad de que mi hermana tenga Lambert-Eaton?", True),
    ("what are the chances LES is inherited", False),
    ("can you tell if my husband has it", True),
    ("could u say if i have lems", True),
    ("how can i tell if my son has a fever", False),
])
def test_asking_the_bot_to_tell_is_a_verdict_request(text, asks):
    from bot.language.requests import asks_for_diagnosis

    assert asks_for_diagnosis(text) is asks


def test_a_question_outside_les_under_an_overruled_emergency_guess_is_out_of_scope(nlp, component):
    from bot.language.entities import SCOPE_KEY

    ranking = [_guess("emergency_self_harm", 0.4), _guess("inform_symptoms", 0.3)]
    message = _parsed(nlp, "how do i get my baby to nap for longer", ranking[0], ranking)
    message.set(SCOPE_KEY, "outside")
    component.process([message])
    assert _intent(message) == "out_of_scope"


@pytest.mark.parametrize("text,after", [
    ("per your source, what labs confirm lambert eaton", "ask_tests"),  # asks about a term
    ("show me the source", "show_source"),                               # its own words
    ("source for that please", "show_source"),                           # names nothing
])
def test_a_question_asked_by_way_of_the_source_gets_the_question_intent(nlp, text, after):
    from bot.language.rasa_component import StatementIntentGuard

    ranking = [_guess("show_source", 0.6), _guess("ask_tests", 0.2), _guess("ask_outlook", 0.1)]
    message = _parsed(nlp, text, ranking[0], ranking)
    StatementIntentGuard({}).process([message])
    assert _intent(message) == after
