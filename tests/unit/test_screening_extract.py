"""Screening answers read from lay phrasings, with negation (written for this test,
not taken from the training data)."""

import pytest

from bot.language.entities import entities_from_doc
from bot.screening.extract import answers_from_entities, answers_from_message


def read(nlp, text, intent="inform_symptoms", requested=None):
    return answers_from_message(text, intent, entities_from_doc(nlp(text.lower())), requested)


CASES = [
    ("my legs are weak", {"sx_legs": "yes"}),
    ("stairs are a real struggle now", {"sx_legs": "yes"}),
    ("i have to push myself up out of the armchair", {"sx_legs": "yes"}),
    ("getting off the toilet is hard", {"sx_legs": "yes"}),
    ("legs give out after a short walk", {"sx_legs": "yes"}),
    ("i cant lift my arms to wash my hair", {"sx_arms": "yes"}),
    ("carrying the groceries wears my arms out", {"sx_arms": "yes"}),
    ("my grip gets stronger after a few squeezes", {"sx_improves_with_exercise": "yes"}),
    ("im tired all the time", {"sx_fatigue": "yes"}),
    ("no stamina at all", {"sx_fatigue": "yes"}),
    ("my thighs ache", {"sx_aching": "yes"}),
    ("sore muscles every evening", {"sx_aching": "yes"}),
    ("my head keeps dropping forward", {"sx_head_drop": "yes"}),
    ("neck feels weak by the afternoon", {"sx_head_drop": "yes"}),
    ("im seeing double", {"sx_eyes": "yes"}),
    ("my eyelids droop in the evening", {"sx_eyes": "yes"}),
    ("blurry vision when reading", {"sx_eyes": "yes"}),
    ("my speech gets slurred", {"sx_bulbar": "yes"}),
    ("my jaw gets tired when i chew", {"sx_bulbar": "yes"}),
    ("food sticks when i swallow sometimes", {"sx_bulbar": "yes"}),
    ("cottonmouth all day", {"sx_dry_mouth": "yes"}),
    ("my mouth is so dry", {"sx_dry_mouth": "yes"}),
    ("lightheaded when i stand up", {"sx_dizzy": "yes"}),
    ("dizzy getting out of bed", {"sx_dizzy": "yes"}),
    ("i hardly sweat anymore", {"sx_autonomic_other": "yes"}),
    ("constipated for weeks", {"sx_autonomic_other": "yes"}),
    ("gritty eyes", {"sx_autonomic_other": "yes"}),
    ("i smoked for 30 years", {"ctx_smoking": "yes"}),
    ("they found a tumour in my lung last year", {"ctx_lung_cancer": "yes"}),
    ("i have vitiligo", {"ctx_autoimmune": "yes"}),
    # negation
    ("no double vision", {"sx_eyes": "no"}),
    ("never smoked", {"ctx_smoking": "no"}),
    ("i dont have a dry mouth", {"sx_dry_mouth": "no"}),
    ("not dizzy at all", {"sx_dizzy": "no"}),
    ("swallowing is fine", {"sx_bulbar": "no"}),
    ("my speech is normal", {"sx_bulbar": "no"}),
    # several at once
    ("weak legs and dry mouth but no double vision",
     {"sx_legs": "yes", "sx_dry_mouth": "yes", "sx_eyes": "no"}),
    ("my legs feel like lead and my eyelids droop, never smoked",
     {"sx_legs": "yes", "sx_eyes": "yes", "ctx_smoking": "no"}),
    ("achy muscles, constipated, and i get lightheaded standing up",
     {"sx_aching": "yes", "sx_autonomic_other": "yes", "sx_dizzy": "yes"}),
    ("stairs are hard. no trouble chewing. mouth is dry",
     {"sx_legs": "yes", "sx_bulbar": "no", "sx_dry_mouth": "yes"}),
    # typos
    ("my mouht is dry", {"sx_dry_mouth": "yes"}),
    ("dizy when i stand", {"sx_dizzy": "yes"}),
    ("troubel swalowing", {"sx_bulbar": "yes"}),
    ("constipatd", {"sx_autonomic_other": "yes"}),
]


@pytest.mark.parametrize("text,expected", CASES)
def test_lay_phrasings_fill_the_right_slots(nlp, text, expected):
    assert read(nlp, text) == expected


def test_at_least_forty_phrasings():
    assert len(CASES) >= 40


def test_yes_wins_within_one_slot(nlp):
    assert read(nlp, "no dry eyes but im constipated") == {"sx_autonomic_other": "yes"}


@pytest.mark.parametrize("intent,value", [("affirm", "yes"), ("deny", "no"), ("unsure", "unsure"),
                                          ("skip_question", "skipped")])
def test_bare_replies_answer_the_requested_question(nlp, intent, value):
    assert read(nlp, "whatever", intent=intent, requested="sx_arms") == {"sx_arms": value}


def test_a_reply_with_details_fills_both(nlp):
    assert read(nlp, "yes and my mouth is dry too", intent="affirm", requested="sx_legs") == {
        "sx_legs": "yes", "sx_dry_mouth": "yes"}


def test_skipping_is_not_an_answer_about_what_is_skipped(nlp):
    assert read(nlp, "skip the smoking one", intent="skip_question", requested="ctx_smoking") == {
        "ctx_smoking": "skipped"}


def test_questions_are_not_answers(nlp):
    assert read(nlp, "does lems cause dry mouth?", intent="ask_symptoms") == {}


def test_negated_red_flag_answers_the_bulbar_question():
    entities = [{"entity": "red_flag", "value": "swallowing", "role": "negated"}]
    assert answers_from_entities(entities) == {"sx_bulbar": "no"}
