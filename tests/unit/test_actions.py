"""Custom actions run with a real rasa_sdk Tracker and CollectingDispatcher."""

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.answer import ActionAnswer
from actions.disclaimer import ActionDisclaimer
from actions.emergency import ActionEmergencyContext
from actions.screening import ValidateScreeningForm
from actions.source import ActionShowSource
from bot.knowledge.article import load_article


def tracker(intent: str, text: str, entities=(), slots=None, red_flags=None) -> Tracker:
    latest = {"intent": {"name": intent, "confidence": 0.9}, "entities": list(entities), "text": text}
    if red_flags is not None:
        latest["red_flags"] = red_flags
    return Tracker.from_dict({
        "sender_id": "unit", "slots": slots or {}, "latest_message": latest,
        "events": [], "paused": False, "followup_action": None, "active_loop": {},
        "latest_action_name": "action_listen",
    })


def run(action, t):
    dispatcher = CollectingDispatcher()
    events = action.run(dispatcher, t, {})
    return [m["text"] for m in dispatcher.messages], events


def test_answer_names_the_section_and_sets_the_kind():
    texts, events = run(ActionAnswer(), tracker(
        "ask_symptoms", "does it cause cottonmouth",
        [{"entity": "symptom", "value": "dry_mouth"}]))
    assert texts[0].startswith("From the article's section *Symptoms*: Dry mouth")
    assert events == [{"event": "slot", "timestamp": None, "name": "answer_kind", "value": "article"},
                      {"event": "slot", "timestamp": None, "name": "last_passages",
                       "value": ["symptoms.autonomic.dry_mouth"]}]


def test_negated_concepts_do_not_narrow_the_answer():
    texts, _ = run(ActionAnswer(), tracker(
        "ask_symptoms", "no dry mouth, what else",
        [{"entity": "symptom", "value": "dry_mouth", "role": "negated"}]))
    assert "The main symptom is weakness" in texts[0]


def test_diagnosis_request_starts_with_the_refusal_to_diagnose():
    texts, events = run(ActionAnswer(), tracker("ask_diagnosis", "do i have lems"))
    assert texts[0].startswith("I can't tell you whether you have LES")
    assert events[0]["value"] == "no_diagnosis"


def test_out_of_scope_says_what_the_bot_can_do():
    texts, events = run(ActionAnswer(), tracker("out_of_scope", "weather tomorrow"))
    assert "I can only help with questions about Lambert-Eaton syndrome" in texts[0]
    assert events[0]["value"] == "none"


def test_disclaimer_follows_medical_answers_only():
    texts, events = run(ActionDisclaimer(), tracker("ask_symptoms", "x", slots={"answer_kind": "article"}))
    assert len(texts) == 1 and "not a diagnosis" in texts[0] and "911" in texts[0]
    assert "4/30/2018" in texts[0]
    assert events[0]["value"] is None
    texts, _ = run(ActionDisclaimer(), tracker("out_of_scope", "x", slots={"answer_kind": "none"}))
    assert texts == []


def test_emergency_context_names_the_flag_and_the_article_passage():
    texts, events = run(ActionEmergencyContext(), tracker(
        "emergency", "i cant breathe", red_flags={"reported": ["breathing"], "negated": [], "generic": []}))
    assert texts[0].startswith("You mentioned: trouble breathing.")
    assert any("section *Possible Complications*" in t for t in texts)
    assert events[0]["value"] == "emergency"


def test_answer_is_plain_with_the_article_words_button_under_its_last_message():
    dispatcher = CollectingDispatcher()
    events = ActionAnswer().run(dispatcher, tracker("ask_medicines", "what medicines are used"), {})
    article = load_article()
    medicines = article.passage("treatment.medicines")
    texts = [m["text"] for m in dispatcher.messages]
    assert medicines.plain in texts[0] and medicines.text not in texts[0]
    assert [m["buttons"] for m in dispatcher.messages][-1] == [
        {"title": "Show the article's words", "payload": "/show_source"}]
    assert all(not m["buttons"] for m in dispatcher.messages[:-1])
    assert events[1]["name"] == "last_passages" and "treatment.medicines" in events[1]["value"]


def test_show_source_sends_the_last_answers_source_text_with_sections_and_attribution():
    ids = ["treatment.medicines", "treatment.pyridostigmine"]
    texts, events = run(ActionShowSource(), tracker("show_source", "show the source",
                                                    slots={"last_passages": ids}))
    article = load_article()
    assert texts[0].startswith("Here is the last answer in the article's own words")
    assert texts[1].startswith("From the article's section *Treatment*: " + article.passage(ids[0]).text)
    assert "Other trusted sources, such as the MDA, add that " + article.passage(ids[1]).text in texts[1]
    assert events == [{"event": "slot", "timestamp": None, "name": "answer_kind", "value": "article"}]


def test_show_source_without_an_earlier_answer_says_so_without_a_disclaimer():
    for slots in ({}, {"last_passages": []}, {"last_passages": ["no.such_passage"]}):
        texts, events = run(ActionShowSource(), tracker("show_source", "original wording", slots=slots))
        assert texts == ["There is no answer to show in the article's words yet. "
                         "Ask me a question about LES first."]
        assert events[0]["value"] == "none"


def test_show_source_in_the_middle_of_the_screening_then_the_question_again():
    t = tracker("show_source", "show the source",
                slots={"last_passages": ["treatment.ivig"], "requested_slot": "sx_arms"})
    texts, events = run(ValidateScreeningForm(), t)
    assert load_article().passage("treatment.ivig").text in texts[1]
    assert "This is general information" in texts[-1]
    assert events == [{"event": "slot", "timestamp": None, "name": "sx_arms", "value": None}]  # asked again


def test_a_fallback_naming_les_is_answered_from_the_classifiers_likeliest_question():
    t = tracker("nlu_fallback", "zzq wob LES", [{"entity": "condition", "value": "les"}])
    t.latest_message["intent_ranking"] = [{"name": "nlu_fallback", "confidence": 0.35},
                                          {"name": "ask_outlook", "confidence": 0.3},
                                          {"name": "ask_complications", "confidence": 0.28}]
    texts, _ = run(ActionAnswer(), t)
    assert texts[0].startswith("From the article's section *Outlook (Prognosis)*")
