"""The article data keeps the rules the bot's honesty rests on."""

import re

import pytest
import yaml

from bot import paths
from bot.knowledge.answer import medical_intents
from bot.knowledge.article import ATTRIBUTED_TAGS, ArticleError, load_article, parse
from bot.language.lexicon import load_concepts

DOMAIN = yaml.safe_load((paths.ROOT / "domain.yml").read_text())


def test_every_passage_is_valid():
    article = load_article()
    assert len(article.passages) > 30
    for p in article.passages:
        assert p.text and p.section.title
        if p.tag in ATTRIBUTED_TAGS:
            assert p.attribution, p.id


def test_sections_are_the_articles():
    titles = [s.title for s in load_article().sections]
    assert titles == ["Introduction", "Causes", "Symptoms", "Exams and Tests", "Treatment",
                      "Outlook (Prognosis)", "Possible Complications",
                      "When to Contact a Medical Professional"]


def test_review_date_and_article_disclaimer_come_along():
    meta = load_article().meta
    assert meta["review_date"] == "4/30/2018"
    assert "911" in meta["article_disclaimer"]


def test_every_medical_intent_in_the_domain_has_an_answer():
    domain_intents = {i for i in DOMAIN["intents"] if i.startswith("ask_") and i != "ask_capabilities"}
    assert domain_intents <= medical_intents()
    article = load_article()
    for intent in domain_intents - {"ask_uncovered", "ask_diagnosis"}:
        assert any(intent in p.default_for for p in article.passages), intent


def test_passage_concepts_exist_in_the_lexicon():
    known = {c.id for c in load_concepts()}
    for p in load_article().passages:
        assert set(p.concepts) <= known, p.id


def test_recovered_list_items_are_all_present():
    """Every MP-A/MP-B item of les_facts.md lists 1-7 has a passage that states it."""
    text = " ".join(p.text.lower() for p in load_article().passages)
    for words in ["stairs", "aching muscles", "droops", "push up with the hands", "trouble speaking",
                  "chewing or swallowing", "double vision", "blood pressure", "dizzy", "dry mouth",
                  "erection", "dry eyes", "constipation", "sweating less", "reduced reflexes",
                  "muscle wasting", "electromyography", "nerve conduction", "underlying disease",
                  "prednisone", "pyridostigmine", "amifampridine", "pneumonia", "falls"]:
        assert words in text, words


def test_seed_prose_is_kept_in_the_repo():
    seed = (paths.DATA / "article" / "source" / "lambert-eaton-syndrome.txt").read_text()
    assert "Review Date: 4/30/2018" in seed


@pytest.mark.parametrize("broken,problem", [
    ({"id": "symptoms.x", "tag": "OTHER", "text": "t", "sources": ["s"]}, "attribution"),
    ({"id": "symptoms.x", "tag": "MP-C", "text": "t", "attribution": "a"}, "sources"),
    ({"id": "nowhere.x", "tag": "ARTICLE", "text": "t"}, "unknown section"),
    ({"id": "symptoms.x", "tag": "GUESS", "text": "t"}, "unknown tag"),
    ({"id": "symptoms.x", "tag": "ARTICLE", "text": ""}, "empty text"),
])
def test_broken_data_is_refused_with_a_reason(broken, problem):
    data = {"sections": [{"id": "symptoms", "title": "Symptoms"}], "passages": [broken]}
    with pytest.raises(ArticleError, match=re.escape(problem)):
        parse(data)
