"""Plain versions say what their source passages say, in words a patient reads.

Every passage of data/article/article.yml has a hand-written plain version; these
tests hold them to their source: numbers, drug and test names, negations and hedges
survive; no medical term is added beyond the glossary's explanation of a term the
source uses; each glossary term is explained where it is used; and a person's review
is recorded. The checks themselves are tested on unfaithful rewrites, so they can fail.
"""

import re

import pytest

from bot.knowledge.article import ArticleError, load_article, parse
from bot.plain.faithful import problems, unexplained
from bot.plain.glossary import load_glossary, uses

PASSAGES = load_article().passages
REQUIRED_TERMS = ["acetylcholine", "autoimmune", "antibodies", "plasma exchange", "IVIg", "EMG",
                  "nerve conduction study", "paraneoplastic", "anticholinesterase"]


@pytest.mark.parametrize("passage", PASSAGES, ids=lambda p: p.id)
def test_plain_version_keeps_the_facts_of_its_source(passage):
    assert problems(passage.text, passage.plain) == []


@pytest.mark.parametrize("passage", PASSAGES, ids=lambda p: p.id)
def test_plain_version_explains_each_glossary_term_it_uses(passage):
    assert unexplained(passage.plain) == []


@pytest.mark.parametrize("passage", PASSAGES, ids=lambda p: p.id)
def test_plain_version_is_sent_and_its_review_recorded(passage):
    assert passage.reviewed_by and re.fullmatch(r"\d{4}-\d{2}-\d{2}", passage.reviewed_on)
    assert passage.plain and passage.shown == passage.plain


def test_the_issue_s_terms_are_in_the_glossary_and_explained_where_the_answers_use_them():
    names = {t.name for t in load_glossary().terms}
    assert set(REQUIRED_TERMS) <= names
    for term in REQUIRED_TERMS:
        assert any(uses(form, p.plain) for p in PASSAGES for form in
                   next(t for t in load_glossary().terms if t.name == term).forms), term


def test_attributed_passages_stay_a_continuation_of_their_attribution():
    """Rendered as "Other trusted sources, such as X, add that <plain>": it starts as its source does."""
    for p in PASSAGES:
        if not p.is_article:
            assert p.plain[0].islower() == p.text[0].islower(), p.id


# --- the checks can fail ----------------------------------------------------------------

SOURCE = ("amifampridine (brand name Firdapse) was approved for LES in the US in November 2018. People "
          "who have had seizures should not take it, and it can rarely cause seizures.")


@pytest.mark.parametrize("plain,expected", [
    ("amifampridine (brand name Firdapse) was approved in November. People who have had seizures should "
     "not take it. In rare cases, it can cause seizures.", "number '2018' missing"),
    ("amifampridine was approved in 2018. People who have had seizures should not take it. In rare "
     "cases, it can cause seizures.", "name 'Firdapse' missing"),
    ("amifampridine (Firdapse) was approved in 2018. People who have had seizures should take it. In "
     "rare cases, it can cause seizures.", "negation lost"),
    ("amifampridine (Firdapse) was approved in 2018. People who have had seizures should not take it. "
     "It can cause seizures.", "'rare' lost"),
    ("amifampridine (Firdapse) was approved in 2018. People who have had seizures should not take it. "
     "In rare cases, it can cause seizures or a stroke.", "medical term 'stroke' added"),
])
def test_unfaithful_rewrites_are_caught(plain, expected):
    assert any(expected in p for p in problems(SOURCE, plain)), problems(SOURCE, plain)


def test_a_faithful_rewrite_passes():
    plain = ("amifampridine (brand name Firdapse) was approved for LES in the US in November 2018. People "
             "who have had seizures should not take it. In rare cases, it can cause seizures.")
    assert problems(SOURCE, plain) == []


def test_explanations_may_add_only_the_terms_of_a_term_the_source_uses():
    source = "IVIg is given."
    assert problems(source, "IVIg is given. It puts helpful antibodies, proteins of the immune "
                            "system, through a vein.") == []
    assert "medical term 'vein' added" in problems("Medicines are given.", "Medicines go into a vein.")


def test_a_glossary_term_without_its_explanation_is_caught():
    assert unexplained("The nerves release acetylcholine.") == ["acetylcholine"]
    assert unexplained("The nerves release a chemical called acetylcholine.") == []


def test_a_passage_without_a_reviewed_plain_version_is_refused():
    data = {"sections": [{"id": "symptoms", "title": "Symptoms"}],
            "passages": [{"id": "symptoms.x", "tag": "ARTICLE", "text": "t"},
                         {"id": "symptoms.y", "tag": "ARTICLE", "text": "t", "plain": "p"}]}
    refused = r"symptoms\.x: no plain version.*symptoms\.y: plain version without"
    with pytest.raises(ArticleError, match=refused):
        parse(data)
