"""Every emergency category of bot/safety/red_flags.yml, in lay, typo and third-person
wording, and the first message each kind gets (written here, not taken from the
evaluation rounds)."""

import numpy as np
import pytest

from bot.safety.detect import find_red_flags
from bot.safety.early_reply import pick_variation
from bot.safety.flags import first_message_kind
from bot.safety.rules import load_rules

CASES = {
    "breathing": [
        "i cant breathe properly and its getting worse",          # lay
        "cant breth, lips lookin blue",                            # typos
        "my newborn isnt breathing right, he keeps grunting",      # third person, infant
        "pt sats 86% on 4L, RR 34, can't finish a sentence",       # clinician (vital signs)
    ],
    "choking": [
        "something is stuck in my throat and i cant get it out",
        "my son is chokeing on a grape",
        "grandad is clutching his throat and making no noise after a bite of steak",
    ],
    "swallowing": [
        "i cant swallow anything at all, not even water",
        "cant swalow my own spit",
        "my wife is drooling and can't get her saliva down",
    ],
    "fainting": [
        "i passed out in the shower",
        "he colapsed and wont wake up",
        "found my neighbour on the floor, she isn't responding",
        "GCS 7, unresponsive to voice",
    ],
    "seizure": [
        "im having a seizure",
        "my daughter is shaking all over and her eyes rolled back",
        "he went stiff and started jerking after taking extra firdapse",
    ],
    "allergic_swelling": [
        "my throat is closing up",
        "my tounge is swelling after the ivig",
        "her lips blew up after eating shrimp and she is wheezing",
    ],
    "chest_pain": [
        "crushing pain in my chest going down my left arm",
        "chest is reallly tight and heavy",
        "dad says his heart hurts and he is sweating",
    ],
    "stroke": [
        "one side of my face is drooping and my arm is numb",
        "my mom suddenly cant talk right and her smile is crooked",
        "woke up and cant move my right leg",
        "out of nowhere my vision went black in one eye",
        "worst headache of my life came on just now",
    ],
    "poisoning": [
        "i took too many of my pills",
        "my toddler drank some bleach",
        "she took 30 of her sleeping pills",
        "the co alarm is going off and we all feel sick and dizzy",
        "grandpa took his mestinon three times by mistake",
    ],
    "bleeding": [
        "my cut wont stop bleeding",
        "he is coughing up a lot of blood",
        "blood is pouring from her leg",
    ],
    "self_harm": [
        "i want to end my life",
        "everyone would be better off without me",
        "my brother says goodbye and has a gun ready",
        "i have my pills lined up for tonight",
        "34M deliberate overdose of sertraline, drowsy",              # clinician: on purpose
    ],
}


@pytest.mark.parametrize("category,text", [(c, t) for c, texts in CASES.items() for t in texts])
def test_every_category_is_reported(nlp, category, text):
    assert category in find_red_flags(nlp(text)).reported


@pytest.mark.parametrize("text,category", [
    ("she took all her mestinon at once an hour ago", "poisoning"),          # all of a medicine
    ("during the albumin replacement he broke out in urticaria and started to wheeze", "allergic_swelling"),
    ("pt hypotensive 76/40 after the infusion", "fainting"),
])
def test_clinical_and_treatment_reactions_are_reported(nlp, text, category):
    assert category in find_red_flags(nlp(text)).reported


@pytest.mark.parametrize("text", [
    "no trouble breathing at all",
    "if my husband ever chokes what should we do",
    "i choked on a pill last year but it was fine",
    "can LES cause breathing problems?",
    "what does a seizure look like so i know what to watch for",
    "whats the number for poison control, i want it on the fridge",
    "what's the dose of prednisone for poison ivy",
    "i had a seizure as a kid and none since",
    "saw a stroke on a tv show, is that like LES?",
    "my legs are weak when i climb stairs",
    "i don't have any chest pain or pressure",
    "he was shaking all over in the movie, how do you treat that",
    "no hives on his face or lips after the infusion, all good",
    "none of the grandkids drank the bleach, the cap was still on",
    "neither of them swallowed the pills, i found every one",
])
def test_mentions_that_are_not_reports(nlp, text):
    assert find_red_flags(nlp(text)).reported == []


@pytest.mark.parametrize("text", [
    "my daughter had a seizure when she was 3, she's twelve now. could LES run in families?",
    "grandpa died of a stroke long ago, now mum has LES, should we worry?",
    "i overdosed once in my twenties, i've been in a good place for years now",
    "i fainted at a concert last month but i'm fine. what should i do from now on?",
    "imagine my wife can't breathe one night, who do i call?",
    "is chest pain a known side effect of ivig?",
    "it took all my energy to get up the stairs today",
    "the stream kept choking and freezing during my telehealth visit",
    "my husband has sleep apnea and uses a machine at night, can LES make it worse?",
    "my mouth is dry and my eyelids droop by the afternoon",
    "do people with long-term illnesses often have suicidal thoughts?",
    "if my son ever chokes at school, should the teacher still call 911?",
    "i passed out once years ago, it never happened again",
    "we keep the pills out of reach of the grandkids, is that enough?",
    "my brother choked under pressure at the final",
    "these hospital bills nearly gave me a heart attack",
    "we're bleeding money on taxis to the infusion centre",
    "my dad had a small stroke years back and made a full recovery",
    "i wrote a thriller where the villain poisons the mayor",
    "mum's face isn't drooping and her words are clear, her knees are just weak on the stairs",
    "i blacked out once at a concert back in 2015 and i've been fine ever since",
    "at cpr class tonight, do instructors still show the heimlich for choking adults?",
])
def test_past_general_and_look_alike_mentions_are_not_reports(nlp, text):
    """A bare "now" a clause away, a life event at an age, an LES symptom's words."""
    assert find_red_flags(nlp(text)).reported == []


@pytest.mark.parametrize("category,text", [
    ("stroke", "she was fine this morning, now an hour later her speech is slurred and her face is lopsided"),
    ("stroke", "my right eye went dark all of a sudden like a blind was pulled down, curtain over my eye"),
    ("self_harm", "the kids would be better off if i wasn't here anymore"),
    ("self_harm", "i keep looking at the pills and thinking about using them on myself"),
    ("self_harm", "he's standing at the edge of the bridge and won't come back"),
    ("self_harm", "my sister says she is going to shoot herself"),
    ("poisoning", "she took all her sleeping pills an hour ago"),
    ("poisoning", "grandma's pill organizer is empty and the baby is very sleepy"),
    ("fainting", "he's so drowsy we can't keep him awake"),
    ("bleeding", "his dialysis line came out and blood is pumping out"),
    ("breathing", "mum is gulping for air and her lips are grey"),
    ("swallowing", "i cannot swallowing nothing since yesterday"),
    ("breathing", "my mother not able to take the air, please what i do"),
    ("fainting", "my uncle fall down suddenly and he is not waking"),
    ("self_harm", "there is a gun in my lap and i want this to stop"),
    ("self_harm", "he texted that he's on the edge of the hospital roof"),
    ("self_harm", "honestly i don't see a reason to keep going"),
    ("seizure", "reading about LES with my son when he started shaking violently while i was typing this"),
    ("chest_pain", "my infusion went fine last week but 15 minutes ago a crushing chest pain started"),
    ("choking", "she is grabbing at her throat and no sound is coming out"),
    ("fainting", "care home resident, can't rouse him and his breathing is shallow"),
    ("swallowing", "i haven't been able to swallow since lunch, not even spit"),
    ("chest_pain", "apologies for bothering you, my chest has been hurting for half an hour"),
    ("poisoning", "my toddler got a mouthful of dish soap"),
    ("self_harm", "took a handful of pills so i don't wake up"),
    ("chest_pain", "no... sudden crushing chest pain"),
    ("chest_pain", "sorry if this is silly but my chest is hurting so bad"),
    ("self_harm", "i\nwant\nto\ndie"),
    ("self_harm", "i know exactly how much of my insulin it would take"),
])
def test_indirect_and_buried_reports(nlp, category, text):
    assert category in find_red_flags(nlp(text)).reported


@pytest.mark.parametrize("category,text", [
    ("fainting", "grandadfelloverandwontwakeup"),
    ("breathing", "icantbreathehelpme"),
    ("self_harm", "iwanttoendmylifetonight"),
    # wordninja's own list cuts "doi" and "i vig"; ours keeps lexicon words whole
    ("allergic_swelling", "justhadmyivigandmylipsareswelling"),
    ("breathing", "mydadcantbreathewhatdoido"),
])
def test_words_typed_without_spaces(nlp, category, text):
    assert category in find_red_flags(nlp(text)).reported


@pytest.mark.parametrize("text", [
    "nobody here has ever had a seizure, i'm asking about my legs",
    "no one fainted, she's just worn out after the shops",
    "no he isn't choking, he just coughs when he drinks",
    "her arms are a bit weak since she started the new tablets",
    "hearing it might be cancer was a bitter pill to swallow",
    "my phone screen is having a seizure again, time for a new one",
    "my mum will have a heart attack when she sees my grades",
    "that sunset took my breath away",
    "my back seized up after gardening, any stretches?",
    "the housing market collapsed in 2008",
    "in the book the hero has a seizure, could that happen with LES?",
    "mum had a funny reaction to the IVIg drip, they slowed it and it settled down",
])
def test_negative_subjects_past_reactions_and_a_bit_are_not_reports(nlp, text):
    assert find_red_flags(nlp(text)).reported == []


@pytest.mark.parametrize("category,text", [
    ("choking", "no my son is choking on a grape"),
    ("poisoning", "no the gas alarm is beeping and the kids are sleepy, carbon monoxide?"),
    ("chest_pain", "me duele mucho el pecho desde hace rato"),
    ("poisoning", "me tomé todas las pastillas del frasco"),
    ("bleeding", "pt actively bleeding from the cannula site, direct pressure not controlling it"),
])
def test_an_answer_no_before_a_report_and_more_spanish(nlp, category, text):
    """"no" answering the bot's question, then a report of its own, is not a negation."""
    assert category in find_red_flags(nlp(text)).reported


def _sure(monkeypatch, emergency: float, scores: dict[str, float]) -> None:
    from bot.language import message_model
    from bot.safety import detect

    labels = list(scores)
    logits = np.log(np.array(list(scores.values())) / (1 - np.array(list(scores.values()))))
    assessment = message_model.Assessment(np.array([emergency, 0.0, 0.0, 0.0]), logits, labels)
    monkeypatch.setattr(detect, "assess", lambda text: assessment)


def test_the_model_alone_does_not_overrule_a_writer_who_says_it_is_over(nlp, monkeypatch):
    _sure(monkeypatch, 0.95, {"fainting": 0.9, "self_harm": 0.01, "poisoning": 0.01})
    assert find_red_flags(nlp("grandad had a funny turn in the garden")).reported == ["fainting"]
    assert find_red_flags(nlp("grandad had a funny turn in the garden, he's fine now")).reported == []


@pytest.mark.parametrize("self_harm,expected", [(0.75, True), (0.6, False)])
def test_a_poisoning_gets_988_from_a_lower_self_harm_score(nlp, monkeypatch, self_harm, expected):
    _sure(monkeypatch, 0.95, {"poisoning": 0.95, "self_harm": self_harm, "fainting": 0.01})
    reported = find_red_flags(nlp("she swallowed all of her sleeping tablets")).reported
    assert "poisoning" in reported and ("self_harm" in reported) is expected


def test_self_harm_gets_poison_help_from_a_lower_poisoning_score(nlp, monkeypatch):
    _sure(monkeypatch, 0.95, {"self_harm": 0.95, "poisoning": 0.55, "fainting": 0.01})
    reported = find_red_flags(nlp("i want to die, i took a lot tonight")).reported
    assert "self_harm" in reported and "poisoning" in reported


def test_a_cut_with_a_tool_is_bleeding_not_self_harm(nlp):
    reported = find_red_flags(nlp("cut my hand with the grinder and it's pouring blood")).reported
    assert "bleeding" in reported and "self_harm" not in reported


def test_a_kitchen_cut_whose_bleeding_will_not_stop_is_bleeding_not_self_harm(nlp):
    # "won't stop after" is no resolved "stopped after"
    text = "i cut myself chopping onions and the blood won't stop after 20 minutes"
    reported = find_red_flags(nlp(text)).reported
    assert "bleeding" in reported and "self_harm" not in reported


def test_asking_for_a_way_to_die_is_self_harm(nlp):
    assert "self_harm" in find_red_flags(nlp("whats the easiest way to die, i cant do this anymore")).reported


def test_a_negated_red_flag_keeps_the_indirect_self_harm_path_shut(nlp, monkeypatch):
    # the model is unsure of an emergency (0.4) but sure of self-harm if it is one
    _sure(monkeypatch, 0.4, {"self_harm": 0.9, "poisoning": 0.8, "fainting": 0.01})
    assert find_red_flags(nlp("i've never overdosed, i keep my pills in a box")).reported == []
    # ... and with pills beside the self-harm, Poison Help too (self_harm_ingestion)
    assert find_red_flags(nlp("i keep my pills in a box for the day")).reported == ["self_harm", "poisoning"]


def test_an_overdose_on_purpose_in_spanish_gets_988_too(nlp):
    reported = find_red_flags(nlp("se tomó el frasco de pastillas a propósito")).reported
    assert "poisoning" in reported and "self_harm" in reported


def test_a_later_clause_that_happens_now_overtakes_a_negation(nlp, monkeypatch):
    _sure(monkeypatch, 0.95, {"seizure": 0.99, "self_harm": 0.01, "poisoning": 0.01})
    assert find_red_flags(nlp("no seizures before, but my son is having one now")).reported == ["seizure"]
    assert find_red_flags(nlp("no seizures before, my son is just very tired")).reported == []


def test_an_overdose_meant_to_end_it_gets_988_as_well(nlp):
    text = "emptied the whole bottle of my sleeping tablets into me, i just want it finished"
    reported = find_red_flags(nlp(text)).reported
    assert "poisoning" in reported and "self_harm" in reported


@pytest.mark.parametrize("text", [
    "my son is sat in his car with the doors shut and the motor running",
    "dad has the engine running in the closed shed and wont come out",
])
def test_a_running_engine_in_a_closed_space_is_poisoning(nlp, text):
    assert "poisoning" in find_red_flags(nlp(text)).reported


def test_a_running_engine_meant_to_end_it_gets_poison_help_and_988(nlp):
    text = "hes shut in the garage with the car running and says he wants to end it"
    reported = find_red_flags(nlp(text)).reported
    assert "poisoning" in reported and "self_harm" in reported


@pytest.mark.parametrize("category,text", [
    ("breathing", "ayuda mi nieta no respira y esta morada"),
    ("fainting", "mi suegro se desmayó en el baño y no responde"),
    ("seizure", "mi sobrino esta convulsionando en el sillon"),
    ("chest_pain", "tengo dolor en el pecho que me baja al brazo"),
    ("stroke", "mi mamá tiene la boca chueca y no puede mover el brazo"),
    ("poisoning", "el bebé se tragó una pila de reloj"),
    ("bleeding", "se cortó la mano y no para de sangrar"),
    ("self_harm", "ya no quiero vivir, tengo las pastillas aquí"),
])
def test_emergencies_typed_in_spanish(nlp, category, text):
    assert category in find_red_flags(nlp(text)).reported


def test_the_model_alone_takes_the_kind_of_the_lexicons_own_mention(nlp, monkeypatch):
    # the model is sure of an emergency but of no kind (its likeliest is self-harm, at 0.29):
    # the kind of the mention the lexicon found (here taken for hypothetical) is reported,
    # so 988 is not sent on the model's guess
    from bot.language import message_model
    from bot.safety import detect

    labels = ["breathing", "self_harm", "poisoning"]
    unsure = message_model.Assessment(np.array([0.95, 0.0, 0.0, 0.0]), np.array([-1.2, -0.9, -3.0]), labels)
    monkeypatch.setattr(detect, "assess", lambda text: unsure)
    assert find_red_flags(nlp("what if he stops breathing")).reported == ["breathing"]


def test_fits_without_waking_are_a_seizure_not_self_harm(nlp):
    text = "he keeps fitting, one after the other, and not waking up between them"
    reported = find_red_flags(nlp(text)).reported
    assert "seizure" in reported and "self_harm" not in reported


def test_an_accidental_cut_is_bleeding_not_self_harm(nlp):
    reported = find_red_flags(nlp("i cut my finger on a broken glass and it's spurting blood")).reported
    assert "bleeding" in reported and "self_harm" not in reported


def test_present_cue_wins_over_a_resolved_phrase(nlp):
    reported = find_red_flags(nlp("he was fine at lunch, now he can't lift his left arm")).reported
    assert "stroke" in reported


@pytest.mark.parametrize("reported,self_harm,kind", [
    (["breathing"], False, "general"),
    (["stroke", "fainting"], False, "stroke"),
    (["poisoning", "fainting"], False, "poisoning"),
    (["self_harm"], False, "self_harm"),
    (["poisoning", "self_harm"], False, "poisoning_self_harm"),
    ([], True, "self_harm"),
])
def test_first_message_kind(reported, self_harm, kind):
    assert first_message_kind(reported, self_harm_intent=self_harm) == kind


def test_the_domain_has_a_variation_for_every_kind():
    import yaml

    from bot import paths

    responses = yaml.safe_load((paths.ROOT / "domain.yml").read_text())["responses"]
    general = pick_variation(responses["utter_emergency"], "general")[0]["text"]
    stroke = pick_variation(responses["utter_emergency"], "stroke")[0]["text"]
    poison = pick_variation(responses["utter_emergency"], "poisoning")[0]["text"]
    harm = pick_variation(responses["utter_emergency_self_harm"], "self_harm")[0]["text"]
    both = pick_variation(responses["utter_emergency_self_harm"], "poisoning_self_harm")[0]["text"]
    assert all(t.startswith("🚨") and "911" in t for t in (general, stroke, poison, harm, both))
    assert "time" in stroke and "1-800-222-1222" in poison and "988" in harm
    assert "1-800-222-1222" in both and "988" in both
    assert "988" not in general + stroke + poison


def test_vital_signs_need_a_value_past_the_limit(nlp):
    assert find_red_flags(nlp("spo2 97% and RR 14, feeling fine")).reported == []
    assert "breathing" in find_red_flags(nlp("spo2 84%")).reported


@pytest.mark.parametrize("reading,alarming", [
    ("NIF -18 and a weakening cough", True),      # inspiratory force weaker than -30 cmH2O
    ("MIP of -22 cmH2O this morning", True),
    ("NIF -45, stable", False),
    ("FVC 0.8 L", True),                          # vital capacity under a litre
    ("FVC 2.4 L", False),
])
def test_neuromuscular_respiratory_failure_in_numbers(reading, alarming):
    rules = load_rules()
    assert any(v.category == "breathing" and v.alarming(reading) for v in rules.vital_signs) is alarming


def test_every_category_has_sources_and_a_first_message():
    import yaml

    from bot import paths

    data = yaml.safe_load((paths.ROOT / "bot" / "safety" / "red_flags.yml").read_text())
    for cid, body in data["categories"].items():
        assert body.get("sources"), cid
        assert body.get("first_message") in {"general", "stroke", "poisoning", "self_harm"}, cid
    assert load_rules().onset_category in data["categories"]


def test_a_co_occurrence_rule_with_a_lone_group_is_refused_at_load(tmp_path):
    """A comment put between two groups once split a rule, and "mixing up words" became
    poisoning: a rule needs at least two groups, or the file does not load."""
    import yaml

    from bot.paths import RED_FLAGS_FILE

    data = yaml.safe_load(RED_FLAGS_FILE.read_text())
    data["categories"]["poisoning"]["together"].append([["mix up", "too much"]])
    broken = tmp_path / "red_flags.yml"
    broken.write_text(yaml.safe_dump(data, allow_unicode=True))
    with pytest.raises(ValueError, match="at least two"):
        load_rules.__wrapped__(broken)
    assert all(len(rule.groups) >= 2 for rule in load_rules().together)
