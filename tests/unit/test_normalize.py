"""The forgiving normal form that lexicon patterns and input share."""

import pytest

from bot.language.normalize import Normalizer, edit_distance, stem


@pytest.mark.parametrize("a,b", [
    ("choking", "choked"), ("choke", "chokes"), ("breathing", "breathe"),
    ("swallowing", "swallow"), ("seizures", "seizure"), ("legs", "leg"), ("dizziness", "dizzy"),
])
def test_inflections_share_a_stem(a, b):
    assert stem(a) == stem(b)


def test_short_and_non_alpha_words_are_kept():
    assert stem("eye") == "eye"
    assert stem("3,4-dap") == "3,4-dap"


@pytest.mark.parametrize("a,b,expected", [
    ("breath", "breth", 1), ("seizure", "siezure", 1), ("swallow", "swalow", 1),
    ("abc", "abc", 0), ("kitten", "sitting", 3),
])
def test_edit_distance(a, b, expected):
    assert edit_distance(a, b, limit=5) == expected


def test_edit_distance_stops_early_above_limit():
    assert edit_distance("plasmapheresis", "cat", limit=2) == 3


@pytest.fixture(scope="module")
def normalizer():
    return Normalizer(["breath", "breathe", "swallow", "seizure", "choking", "faint", "mouth"])


@pytest.mark.parametrize("typo,word", [("breth", "breath"), ("swalow", "swallow"), ("siezure", "seizure")])
def test_typos_of_lexicon_words_are_corrected(normalizer, typo, word):
    assert normalizer.correct(typo) == word


@pytest.mark.parametrize("word", ["paint", "month", "point", "faith"])
def test_known_english_words_are_never_corrected(normalizer, word):
    assert normalizer.correct(word) == word


def test_unrelated_unknown_words_stay(normalizer):
    assert normalizer.correct("zxqvbn") == "zxqvbn"


def test_english_detection(nlp):
    from bot.language.english import looks_english

    assert looks_english(nlp("does lems cause dry mouth"))
    assert looks_english(nlp("hi"))
    assert not looks_english(nlp("¿dónde puedo comprar un billete de tren?"))
    assert not looks_english(nlp("🙂🙂🙂"))
    assert not looks_english(nlp("12345 !!!"))
    assert not looks_english(nlp("cual es el tratamiento para lems"))
    assert not looks_english(nlp("je ne peux pas respirer"))
    assert looks_english(nlp("quick definiton pls, lems"))
    assert looks_english(nlp("explain simply for my mum pls thx"))


def test_english_typed_fast_is_english(nlp):
    """"wat" is Dutch for "what", but typed with an LES name and typos it is English."""
    from bot.language.english import looks_english

    assert looks_english(nlp("wat is lambert eaton syndrom"))
    assert looks_english(nlp("wut r the signs of lems tho"))
    assert not looks_english(nlp("wat is het weer morgen in amsterdam"))


def test_a_csv_paste_is_no_language_but_vital_signs_are_a_message(nlp):
    from bot.language.english import looks_english

    assert not looks_english(nlp("id,name,qty,price\n1,apple,2,3.1\n2,pear,3,4.2\n3,plum,1,0.5\n"))
    assert looks_english(nlp("sats 84%, RR 34, BP 80/50, HR 130"))


def test_log_lines_and_a_bare_comma_csv_are_no_language_but_prose_lists_are_a_message(nlp):
    from bot.language.english import looks_english

    assert not looks_english(nlp("id,day,n\n1,mon,3\n2,tue,5\n3,wed,4"))
    assert not looks_english(nlp("2026-01-02T10:00:01Z INFO start\n2026-01-02T10:00:02Z WARN slow disk"))
    # as the Rasa pipeline sees them: SpacyNLP lowercases the text (case_sensitive: false)
    assert not looks_english(nlp("2026-01-02t10:00:01z info start\n2026-01-02t10:00:02z warn slow disk"))
    assert not looks_english(nlp("select name, email from users where id = 42;"))
    assert not looks_english(nlp("DELETE FROM sessions WHERE expired = 1"))
    assert looks_english(nlp("select the answer from the list where it fits best"))


@pytest.mark.parametrize("text", ["Привет, как дела? Что нового на работе?",
                                  "ランバート・イートン症候群とは何ですか",
                                  "Τι είναι το σύνδρομο Lambert-Eaton;"])
def test_another_script_is_not_english(nlp, text):
    from bot.language.english import looks_english

    assert not looks_english(nlp(text))
    assert looks_english(nlp("tired, weak, dry mouth\nworse at night, better after a rest\nyes, no, maybe"))
