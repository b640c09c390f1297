"""The domain spaCy pipeline: LES entities in lay words, and negation.

Phrasings here are written for the tests, not taken from the training data.
"""

import pytest
import spacy


def ents(nlp, text):
    return {(e.label_, e.ent_id_, e._.negex) for e in nlp(text.lower()).ents}


def test_pipeline_is_blank_english_with_our_components(nlp):
    assert nlp.pipe_names == ["les_run_together", "sentencizer", "les_normalizer", "entity_ruler",
                              "les_negex", "les_language"]
    assert nlp.lang == "en"


def test_saved_pipeline_loads_with_spacy_load(nlp, tmp_path):
    nlp.to_disk(tmp_path / "p")
    again = spacy.load(tmp_path / "p")
    assert ents(again, "my mouth is so dry") == {("symptom", "dry_mouth", False)}


@pytest.mark.parametrize("text,concept", [
    ("cottonmouth all day", "dry_mouth"),
    ("i see two of everything", "vision_change"),
    ("my eyelids are drooping", "droopy_eyelids"),
    ("hard to get up off the toilet", "rising_difficulty"),
    ("cant lift my arms to brush my hair", "lifting"),
    ("my jaw gets tired when i eat steak, hard to chew", "chewing_trouble"),
    ("lightheaded when i stand", "dizzy_standing"),
    ("what about plasmaferesis", "plasma_exchange"),
    ("why would they take the antibodies out of my blood", "plasma_exchange"),
    ("is mestinon any good", "pyridostigmine"),
    ("firdapse side effects", "amifampridine"),
    ("the needle test on my muscles", "emg"),
    ("do i need a cat scan", "ct_scan"),
    ("lambert eaten syndrome", "les"),
    ("my head keeps dropping forward", "head_drop"),
    ("i hardly sweat anymore", "less_sweating"),
    ("gritty eyes", "dry_eyes"),
])
def test_lay_words_map_to_concepts(nlp, text, concept):
    assert concept in {cid for _, cid, _ in ents(nlp, text)}


def test_ach_is_acetylcholine_only_with_its_words_and_ache_stays_a_symptom(nlp):
    assert "acetylcholine" in {cid for _, cid, _ in ents(nlp, "is presynaptic ACh release reduced in LEMS")}
    assert "acetylcholine" not in {cid for _, cid, _ in ents(nlp, "my legs ache")}


@pytest.mark.parametrize("text,category", [
    ("i cant breth", "breathing"),
    ("I CAN'T BREATHE", "breathing"),
    ("cannot catch my breath", "breathing"),
    ("gasping for air right now", "breathing"),
    ("my husband is chocking on a piece of meat", "choking"),
    ("she choked and is coughing", "choking"),
    ("i cant swallow my own spit", "swallowing"),
    ("he just passed out in the kitchen", "fainting"),
    ("mom collapsed", "fainting"),
    ("he is having a seizure", "seizure"),
    ("lips swelling up since the new tablet", "allergic_swelling"),
    ("my throat is closing", "allergic_swelling"),
    ("crushing chest pain", "chest_pain"),
    ("i want to end my life", "self_harm"),
])
def test_red_flags_in_lay_words_and_typos(nlp, text, category):
    assert ("red_flag", category, False) in ents(nlp, text)


@pytest.mark.parametrize("text,category", [
    ("no trouble breathing", "breathing"),
    ("i am not short of breath", "breathing"),
    ("never choked on anything", "choking"),
    ("i have not fainted", "fainting"),
    ("denies chest pain", "chest_pain"),
    ("no seizures ever", "seizure"),
])
def test_negated_red_flags_are_marked(nlp, text, category):
    assert ("red_flag", category, True) in ents(nlp, text)


def test_negation_does_not_cross_into_a_new_clause(nlp):
    found = ents(nlp, "no fever and i cant breathe")
    assert ("red_flag", "breathing", False) in found


def test_negation_stops_at_a_comma_for_red_flags(nlp):
    found = ents(nlp, "no weakness, i cant breathe")
    assert ("red_flag", "breathing", False) in found


def test_inability_is_a_symptom_not_a_negation(nlp):
    found = ents(nlp, "i cant walk far and i cant swallow")
    assert ("red_flag", "swallowing", False) in found


def test_mixed_message_keeps_each_negation(nlp):
    found = ents(nlp, "weak legs and dry mouth but no double vision")
    assert ("symptom", "leg_weakness", False) in found
    assert ("symptom", "dry_mouth", False) in found
    assert ("symptom", "vision_change", True) in found


def test_following_negation(nlp):
    assert ("symptom", "swallowing_trouble", True) in ents(nlp, "swallowing is fine")


@pytest.mark.parametrize("text,category", [
    ("oh no my husband can't breathe", "breathing"),
    ("uh no no no, the baby is choking", "choking"),
    ("omg no he's having a seizure", "seizure"),
])
def test_the_no_of_an_exclamation_negates_nothing(nlp, text, category):
    assert ("red_flag", category, False) in ents(nlp, text)


def test_a_negation_after_an_exclamation_still_negates(nlp):
    assert ("red_flag", "breathing", True) in ents(nlp, "oh no worries, no trouble breathing here")


def test_pseudo_negation_no_longer_is_not_a_negation(nlp):
    assert ("red_flag", "breathing", False) in ents(nlp, "i can no longer breathe")


@pytest.mark.parametrize("text", [
    '{"name": "test", "values": [4, 5, 6], "ok": true}',
    "<p class=\"note\">see attached</p><br/><br/>",
    "10:42:07 ERROR db-pool size=0 retry=3 timeout=30s [conn-7]",
    "Quo usque tandem abutere patientia nostra quamdiu etiam furor iste tuus nos eludet quem ad finem "
    "sese effrenata iactabit audacia nihilne te nocturnum praesidium",
])
def test_pasted_machine_text_and_no_language_are_not_english(nlp, text):
    from bot.language.english import looks_english

    assert not looks_english(nlp(text))


@pytest.mark.parametrize("text", [
    "pt sats 84% on RA, RR 34, HR 130, BP 80/50",
    "BP 120/80, HR 72, LEMS dx 2019, on 3,4-DAP 10 mg tid",
    "hlp my dad cnt brth rite nw his lps r blu",
    "wat is lems",
    # few common words ("of", "non"): the article's words count as English
    "prognosis of paraneoplastic vs non-paraneoplastic LEMS?",
])
def test_clinical_shorthand_and_texting_stay_english(nlp, text):
    from bot.language.english import looks_english

    assert looks_english(nlp(text))



@pytest.mark.parametrize("text,words", [
    ("mymumcantbreatheproperly", ["my", "mum", "cant", "breathe", "properly"]),
    ("pleasehelpmydadisnotwakingup", ["please", "help", "my", "dad", "is", "not", "waking", "up"]),
])
def test_words_typed_without_spaces_are_split(nlp, text, words):
    from bot.language.run_together import spaced_text

    doc = nlp(text)
    assert [t.text for t in doc] == words and spaced_text(doc) == " ".join(words)


@pytest.mark.parametrize("text", ["areflexia and metformin", "hydroxychloroquine", "plasmapheresis",
                                  "myasthenia", "diffcultly breathing", "mestinone", "haematemesis"])
def test_medical_words_and_typos_stay_whole(nlp, text):
    assert [t.text for t in nlp(text)] == text.split()


def test_a_number_is_not_a_medicine(nlp):
    # "3,4-dap" in a YAML flow list was two phrases, "3" and "4-dap"
    assert ents(nlp, "we waited 3 hours at the clinic") == set()
    assert ("medicine", "amifampridine", False) in ents(nlp, "is 3,4-diaminopyridine the same as firdapse")


def test_a_phrase_cut_at_its_comma_is_refused(tmp_path):
    from bot.language.lexicon import load_concepts

    path = tmp_path / "concepts.yml"
    path.write_text("concepts:\n  - id: amifampridine\n    label: medicine\n    patterns: [3,4-dap]\n")
    with pytest.raises(ValueError, match="quote phrases"):
        load_concepts(path)


def test_a_language_guesser_saved_without_the_wide_english_list_still_loads(tmp_path):
    import json

    from bot.language.language_id import LanguageGuesser

    (tmp_path / "top_words.json").write_text(json.dumps({"en": ["the", "of"], "it": ["non", "di"]}))
    guesser = LanguageGuesser().from_disk(tmp_path)
    assert guesser.wide_english == frozenset() and guesser.guess(["the", "of", "the"]) == "en"
