"""The gate before any article answer, and requests for a verdict in any wording
(phrasings written for these tests, not taken from the evaluation rounds)."""

import pytest

from bot.knowledge.answer import answer
from bot.knowledge.relevance import medicines_named, off_topic
from bot.language.requests import asks_for_diagnosis


@pytest.mark.parametrize("text,concepts,reason", [
    ("how many milligrams of prednisone for a bad back", {"immunosuppressant"}, "medicine"),
    ("what dose of amifampridine should i take for my LEMS", {"amifampridine", "les"}, "medicine"),
    ("is metformin safe for kidneys", set(), "medicine"),
    ("can i take tylenol with lambert eaton", {"les"}, "medicine"),
    ("what should I eat before a plasmapheresis session?", {"plasma_exchange"}, "not_covered"),
    ("are service dogs available for people with lambert eaton?", {"les"}, "not_covered"),
    ("how do I explain lambert-eaton to my 7 year old?", {"les"}, "not_covered"),
    ("what else is pyridostigmine used for", {"pyridostigmine"}, "medicine"),
    ("what are the first signs of parkinsons", set(), "condition"),
    ("how long do people live with lung cancer", {"small_cell_lung_cancer"}, "condition"),
    ("best treatment for asthma in adults", set(), "condition"),
    ("is there a diet that helps LES", {"les"}, "not_covered"),
    ("how do i bake sourdough bread", set(), "unrelated"),
    ("tips to lower blood pressure at home", set(), "condition"),
    ("what does a high ck level on my blood work mean", set(), "condition"),
    ("is pilates ok for someone with lems", {"les"}, "not_covered"),
    ("is a new LEMS drug being researched at the moment", {"les"}, "not_covered"),
    ("would a tattoo be a problem with lambert eaton", {"les"}, "not_covered"),
    ("is strong coffee bad for LEMS", {"les"}, "not_covered"),
    ("how many people in scotland have lambert eaton", {"les"}, "not_covered"),
    ("what is the normal range for sodium", set(), "condition"),
    ("how does the esophageal sphincter (LES) stop acid coming up", {"les"}, "unrelated"),
    ("is it true cats get LEMS too", {"les"}, "not_covered"),
    ("does lambert eaton happen in animals", {"les"}, "not_covered"),
    ("is someone with lambert eaton at more risk from covid", {"les"}, "not_covered"),
    ("how long does an ivig infusion take for LES", {"ivig", "les"}, "not_covered"),
    ("what side effects do lambert eaton drugs cause", {"les"}, "not_covered"),
    ("where can someone with LEMS find a counsellor to cope emotionally", {"les"}, "not_covered"),
    ("so tired lately, is iron deficiency the reason?", {"fatigue"}, "condition"),
    ("do lambert eaton symptoms flare during menstruation", {"les"}, "not_covered"),
    ("double vision since my laser eye surgery, why", {"double_vision"}, "condition"),
    ("my legs ache at night, could varicose veins do that", {"muscle_ache"}, "condition"),
    ("what helps dry mouth in toddlers", {"dry_mouth"}, "condition"),
    ("my eyes feel gritty and dry after screen time, why", {"dry_eyes"}, "condition"),
    ("always exhausted during night shift weeks, is that normal", {"fatigue"}, "condition"),
    ("i feel dizzy and sick on boats, what is motion sickness", set(), "condition"),
])
def test_not_an_article_question(text, concepts, reason):
    found = off_topic(text, concepts)
    assert found is not None and found.reason == reason


@pytest.mark.parametrize("text,concepts", [
    ("what is lambert eaton syndrome", {"les"}),
    ("is LES linked to small cell lung cancer", {"les", "small_cell_lung_cancer"}),
    ("what's the difference between LES and myasthenia gravis", {"les", "myasthenia_gravis"}),
    ("what is pyridostigmine", {"pyridostigmine"}),
    ("is there a cure", set()),
    ("how is this condition treated", set()),
    ("can they take the antibodies out of the blood", set()),
    ("my neurologist ordered nerve conduction studies, how do they help", {"les", "nerve_conduction"}),
    ("my dad got it last year, do older people get it more", set()),
])
def test_an_article_question_passes(text, concepts):
    assert off_topic(text, concepts) is None


@pytest.mark.parametrize("text,reason", [
    ("what stage is my small cell lung cancer and what's the survival rate", "condition"),
    ("what is the Beer-Lambert law", "unrelated"),
    ("when does the moro reflex go away in babies", "unrelated"),
    ("should I buy a plasma TV", "unrelated"),
    ("how is Guillain-Barré treated", "condition"),
    ("can I have an MRI with a pacemaker", "condition"),
    ("where can I see Les Misérables", "unrelated"),
    ("where is the nearest Les Schwab", "unrelated"),
    ("tickets for the les twins tour", "unrelated"),
    ("what does high LES pressure on manometry mean", "unrelated"),
    ("what year did Gibson start making the Les Paul guitar", "unrelated"),
    ("what does les mean in French", "unrelated"),
    ("why does the LES in my esophagus cause heartburn", "condition"),
    ("why does my left eyelid keep twitching after long shifts", "unrelated"),
])
def test_questions_that_only_share_a_word_with_the_article(text, reason):
    # "eyelid" alone is the lexicon's drooping eyelid
    result = off_topic(text, {"droopy_eyelids"} if "eyelid" in text else set(), intent="ask_cancer_link")
    assert result is not None and result.reason == reason


def test_a_long_paste_that_names_nothing_of_les_is_unrelated_however_sure_the_classifier():
    terms = "By using the service you agree to these terms and our privacy policy. " * 8
    found = off_topic(terms, set(), intent="ask_autoimmune_link", confidence=1.0)
    assert found is not None and found.reason == "unrelated"
    story = ("my father has lambert eaton and we are trying to understand what the doctors said. " * 6
             + "what is the outlook?")
    assert off_topic(story, {"les"}, intent="ask_outlook", confidence=1.0) is None


def test_a_sure_intent_is_overruled_as_unrelated_when_the_model_too_leans_outside():
    text = "what's the outlook for bitcoin prices this winter"  # sure ask_outlook from one word
    assert off_topic(text, set(), intent="ask_outlook", confidence=0.9) is None
    found = off_topic(text, set(), intent="ask_outlook", confidence=0.9, leans_outside=True)
    assert found is not None and found.reason == "unrelated"
    # a lean does not overrule a message that names LES
    assert off_topic("outlook for LES patients in winter", {"les"}, intent="ask_outlook", confidence=0.9,
                     leans_outside=True) is None


def test_a_conversation_about_les_keeps_short_questions_in_scope():
    assert off_topic("what about insurance for it", set(), les_context=True).reason == "not_covered"
    assert off_topic("is it contagious", set(), les_context=True).reason == "not_covered"


def test_calcium_channel_antibodies_are_a_test_result_not_a_medicine():
    assert medicines_named("my vgcc test was positive for calcium channel antibodies") == []
    assert medicines_named("is a calcium channel blocker ok with LES") == ["calcium channel blocker"]


def test_everyday_words_are_not_medicines():
    assert medicines_named("my legs sits weak and the antibodies test") == []
    assert medicines_named("i take mestinon and ibuprofen") == ["mestinon", "ibuprofen"]


def test_an_off_topic_question_never_gets_article_text():
    result = answer("ask_treatment", {"immunosuppressant"}, "what's the prednisone dose for asthma")
    assert result.kind == "medicine" and result.messages == []


def test_a_diagnosis_request_about_les_and_another_disease_is_refused_with_the_exams():
    result = answer("ask_diagnosis", {"les"}, "is it LES or multiple sclerosis that i have")
    assert result.kind == "no_diagnosis" and "Exams and Tests" in result.sections


def test_les_weighed_against_another_medicines_side_effect_is_still_a_verdict_request():
    result = answer("ask_diagnosis", {"les"},
                    "is this tiredness from LES or is it my blood pressure tablets like amlodipine")
    assert result.kind == "no_diagnosis" and "Exams and Tests" in result.sections


def test_a_verdict_request_that_asks_a_dose_gets_the_medicine_referral():
    result = answer("ask_diagnosis", {"les"}, "if i have LES how many mg of amlodipine should i stop")
    assert result.kind == "medicine" and result.messages == []


@pytest.mark.parametrize("text", [
    "what are my chances of having lambert eaton",
    "can you rule out LEMS for my mum",
    "be honest, is it LES?",
    "weak thighs, dry mouth, droopy eyes. lems?",
    "so i can't have it because i'm a woman, right?",
    "does my father have LES",
    "which one do i have, MG or LES",
    "is my husband's tiredness LES?",
    "weak hips and a smoker, so that must mean lambert-eaton?",
    "i've got every symptom on the list, so i have it",
    "given all that, what's my diagnosis?",
    "the neurologist says it could be LES, is he right?",
    "can you say for certain it's not lambert-eaton",
    "has my uncle developed LEMS?",
    "stronger after a few squats, that confirms LES?",
    "71M, hip girdle weakness, absent reflexes, ex-smoker. consistent with LEMS?",
    "clinic nurse: ptosis, dry mouth, leg fatigue. your read, LES or MG?",
    "the neurologist says MG, my sister says LES, who is right?",
    "does my brother have this disease? his thighs are weak",
    "can you diagnose my mum, she is 66 and can't get out of the bath",
    "hip weakness and a dry mouth: would you call this lambert eaton?",
    "be straight with me, how likely is LEMS for a 50 year old smoker?",
    "in your estimation does my aunt suffer from LES?",
    "is LES the reason my arms give out when i hang washing?",
    "please just tell me i dont have lambert eaton",
])
def test_requests_for_a_verdict(text):
    assert asks_for_diagnosis(text)


@pytest.mark.parametrize("text", [
    "how is LES diagnosed",
    "do i have to fast before the antibody test",
    "what is lambert eaton",
    "do people with LES live long",
])
def test_questions_that_only_look_like_requests(text):
    assert not asks_for_diagnosis(text)


def test_a_verdict_the_guard_found_keeps_the_refusal_beside_an_uncovered_topic():
    """The classifier alone filing an uncovered question as a verdict request gets "not
    covered"; the NLU's verdict guard (a cue or the learned model) keeps the refusal."""
    text = "could her weakness be a side effect of the radiotherapy rather than LES?"
    assert answer("ask_diagnosis", {"les", "weakness"}, text).kind == "not_covered"
    guarded = answer("ask_diagnosis", {"les", "weakness"}, text, verdict_asked=True)
    assert guarded.kind == "no_diagnosis" and "Exams and Tests" in guarded.sections


def test_telling_others_one_has_les_is_no_verdict_request():
    from bot.language.requests import requests_a_verdict

    assert not requests_a_verdict("how do i tell my kids that i have LEMS")
    assert not requests_a_verdict("do i need to tell my boss i have lambert eaton")
    assert requests_a_verdict("can you tell me if i have LES? i need to tell my boss")
    # telling is the reason, not the question: the learned head still decides
    assert requests_a_verdict("i'm certain it's lambert eaton, confirm it for me so i can tell my wife")

