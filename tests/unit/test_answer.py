"""Choosing and rendering the passages that answer a question."""

from bot.knowledge.answer import answer, render, select
from bot.knowledge.article import load_article
from bot.language.entities import OUTSIDE, UNCOVERED


def test_a_named_symptom_narrows_the_answer_to_its_item():
    result = answer("ask_symptoms", {"dry_eyes"}, "gritty eyes?")
    assert [p.id for p in result.passages] == ["symptoms.autonomic.dry_eyes"]
    assert result.messages[0].startswith("From the article's section *Symptoms*:")


def test_no_concept_gives_the_default_answer():
    ids = [p.id for p in answer("ask_symptoms", set(), "symptoms?").passages]
    assert "symptoms.overview" in ids


def test_other_sources_are_attributed_not_presented_as_the_article():
    result = answer("ask_medicines", {"amifampridine"}, "firdapse?")
    joined = "\n".join(result.messages)
    assert "Other trusted sources, such as the US FDA drug label, add that" in joined
    assert joined.index("From the article's section *Treatment*") < joined.index("Other trusted")


def test_attributed_only_answer_says_the_article_does_not_mention_it():
    article = load_article()
    msgs = render([article.passage("symptoms.other")])
    assert msgs[0].startswith("The article's section *Symptoms* does not mention that.")


def test_diagnosis_request_gets_facts_not_a_verdict():
    result = answer("ask_diagnosis", {"leg_weakness"}, "do i have les?")
    assert result.kind == "no_diagnosis"
    sections = result.sections
    assert "Exams and Tests" in sections and "When to Contact a Medical Professional" in sections
    assert all(p.is_article for p in result.passages)


def test_a_linked_condition_beside_listed_symptoms_is_part_of_the_verdict_request():
    text = "can you diagnose me? legs weak, arms ok, a few vitiligo patches"
    assert answer("ask_diagnosis", {"leg_weakness", "vitiligo"}, text).kind == "no_diagnosis"
    # without a symptom the article lists, it is a question about the other condition
    assert answer("ask_diagnosis", {"vitiligo"}, "do i have vitiligo?").kind != "no_diagnosis"


def test_a_listed_symptom_under_another_section_brings_its_own_passage():
    result = answer("ask_outlook", {"les", "chewing_trouble"}, "do people with LES have trouble chewing")
    assert "Symptoms" in result.sections and "Outlook (Prognosis)" in result.sections


def test_an_uncovered_question_naming_a_listed_test_answers_it():
    result = answer("ask_uncovered", {"les", "mri"}, "will i need an MRI for LES")
    assert result.kind == "article" and result.sections == ["Exams and Tests"]


def test_a_verdict_about_something_else_gets_what_the_bot_covers():
    text = "i have an itchy rash on my elbow what is it"
    assert answer("ask_diagnosis", set(), text, scope=OUTSIDE).kind == "none"
    assert answer("ask_diagnosis", {"leg_weakness"}, "my legs are weak, what is it",
                  scope=OUTSIDE).kind == "no_diagnosis"


def test_a_verdict_between_les_and_another_disease_is_refused_even_with_les_negated():
    text = "how sure can you be that mine is myasthenia gravis and not LES?"
    assert answer("ask_diagnosis", {"myasthenia_gravis"}, text).kind != "no_diagnosis"
    assert answer("ask_diagnosis", {"myasthenia_gravis"}, text, negated={"les"}).kind == "no_diagnosis"


def test_uncovered_topic_is_said_honestly():
    assert answer("ask_uncovered", set(), "is it contagious").kind == "not_covered"


def test_uncovered_intent_naming_a_listed_symptom_answers_it():
    result = answer("ask_uncovered", {"blood_pressure_change"}, "can it mess with blood pressure")
    assert result.kind == "article" and "blood pressure" in result.messages[0]


def test_fallback_without_les_concepts_is_out_of_scope():
    assert answer("nlu_fallback", set(), "pizza near me").kind == "none"


def test_fallback_with_a_concept_uses_retrieval():
    result = answer("nlu_fallback", {"ivig"}, "ivig how")
    assert result.kind == "article" and any("IVIg" in m for m in result.messages)


def test_select_keeps_article_order():
    article = load_article()
    ids = [p.id for p in select(article, "ask_treatment", set())]
    assert ids == ["treatment.goals", "treatment.options"]


def test_a_listed_symptom_asked_as_a_complication_is_answered_from_symptoms():
    result = answer("ask_complications", {"constipation"}, "can it cause constipation")
    assert [p.id for p in result.passages] == ["symptoms.autonomic.constipation"]


def test_generic_symptoms_do_not_move_an_answer():
    result = answer("ask_complications", {"weakness"}, "can the weakness be dangerous")
    assert result.passages[0].id == "complications.list"


def test_a_message_that_is_not_english_is_never_matched_against_the_article():
    # a JSON paste shares words with the article ("items"), but gets the what-I-can-do reply
    assert answer("out_of_scope", set(), '{"items": [1, 2], "treatment": null}', english=False).kind == "none"


def test_a_question_the_model_marks_outside_les_is_refused():
    # "smoking" is an LES concept (a cause) and the gate's lists name nothing else here:
    # without the learned model's mark the nearest article passage was the answer
    text = "what's the best way to give up cigarettes for good"
    assert answer("out_of_scope", {"smoking"}, text).kind == "article"
    assert answer("out_of_scope", {"smoking"}, text, scope=OUTSIDE).kind == "none"


def test_a_follow_up_in_an_les_conversation_is_answered_whatever_the_mark():
    result = answer("ask_treatment", set(), "and what do they do for it", les_context=True, scope=OUTSIDE)
    assert result.kind == "article" and "Treatment" in result.sections


def test_a_marked_question_naming_les_or_its_medicine_is_at_most_not_covered():
    assert answer("ask_medicines", {"pyridostigmine"}, "pyridostigmine and grapefruit?",
                  scope=OUTSIDE).kind == "not_covered"
    assert answer("ask_treatment", {"les"}, "will LES treatment be paid by my plan",
                  scope=UNCOVERED).kind == "not_covered"


def test_a_verdict_request_is_refused_as_one_whatever_the_scope_mark():
    assert answer("ask_diagnosis", {"les"}, "is it LES?", scope=UNCOVERED).kind == "no_diagnosis"


def test_a_fallback_naming_les_that_retrieval_cannot_place_takes_the_likeliest_reading():
    text = "zzq wob LES"  # no passage is close to these words
    assert answer("nlu_fallback", {"les"}, text).kind == "none"
    result = answer("nlu_fallback", {"les"}, text, likeliest="ask_complications")
    assert result.kind == "article" and result.sections == ["Possible Complications"]
    # not without a name of the disease, and never a verdict request's or "not covered"
    assert answer("nlu_fallback", set(), text, likeliest="ask_complications").kind == "none"
    assert answer("nlu_fallback", {"les"}, text, likeliest="ask_diagnosis").kind == "none"


def test_a_fallback_after_an_les_answer_takes_the_likeliest_reading():
    # "what are the symptoms" in an LES conversation, marked outside and under the fallback
    text = "what are the symptoms"
    assert answer("nlu_fallback", set(), text, scope=OUTSIDE, likeliest="ask_symptoms").kind == "none"
    result = answer("nlu_fallback", set(), text, les_context=True, scope=OUTSIDE, likeliest="ask_symptoms")
    assert result.kind == "article" and result.sections == ["Symptoms"]


def test_a_listed_test_under_another_section_brings_its_own_passage():
    chosen = select(load_article(), "ask_treatment", {"les", "mri"})
    ids = [p.id for p in chosen]
    assert "treatment.goals" in ids and "exams.cancer_scans" in ids


def test_a_verdict_request_about_another_les_is_not_refused_as_one():
    text = "my chart says LES, which there means lupus. do i have lupus?"
    assert answer("ask_diagnosis", {"les", "autoimmune"}, text).kind != "no_diagnosis"


def test_a_treatment_named_under_another_section_brings_its_own_passage():
    chosen = select(load_article(), "ask_what_is", {"les", "ivig"})
    assert "treatment.ivig" in [p.id for p in chosen]


def test_a_cause_named_under_another_section_brings_its_own_passage():
    chosen = select(load_article(), "ask_symptoms", {"les", "acetylcholine"})
    assert "Causes" in {p.section.title for p in chosen}


def test_whether_les_brings_on_a_symptom_is_answered_from_symptoms_not_causes():
    brings_on = answer("ask_cause", {"les", "fatigue"}, "can lambert eaton cause tiredness?")
    assert brings_on.sections[0] == "Symptoms"
    cause_of_les = answer("ask_cause", {"les"}, "does smoking cause LES?")
    assert cause_of_les.sections[0] == "Causes"
    why = answer("ask_cause", {"les", "dry_mouth"}, "why does LES cause a dry mouth?")
    assert why.sections[0] == "Causes"


def test_whether_les_brings_on_a_complication_names_the_complications_too():
    failing = answer("ask_cause", {"les", "breathing_problems"}, "could LEMS cause your breathing to fail?")
    assert failing.sections[:2] == ["Symptoms", "Possible Complications"]
    tired = answer("ask_cause", {"les", "fatigue"}, "can lambert eaton cause tiredness?")
    assert "Possible Complications" not in tired.sections


def test_a_complication_named_under_another_section_brings_the_complications_list():
    chosen = select(load_article(), "ask_outlook", {"les", "breathing_problems"})
    assert "Possible Complications" in {p.section.title for p in chosen}
