"""Rank article passages by word overlap with a question (TF-IDF, cosine).

Used when the intent does not pin the answer down: a low-confidence or
fallback message may still be a question the article answers. scikit-learn
comes with Rasa, so this adds no dependency.
"""

from __future__ import annotations

from dataclasses import dataclass

from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics.pairwise import linear_kernel

from bot.knowledge.article import Article, Passage

_STOP = "english"


@dataclass
class Retriever:
    """A TF-IDF index over every passage (with its section title)."""

    article: Article

    def __post_init__(self) -> None:
        self._passages = list(self.article.passages)
        docs = [f"{p.section.title} {p.text}" for p in self._passages]
        self._words = TfidfVectorizer(stop_words=_STOP, sublinear_tf=True, ngram_range=(1, 2))
        self._chars = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True)
        self._word_matrix = self._words.fit_transform(docs)
        self._char_matrix = self._chars.fit_transform(docs)

    def rank(self, question: str, limit: int = 3) -> list[tuple[Passage, float]]:
        """Best passages first, with a score in [0, 1]."""
        if not question.strip():
            return []
        words = linear_kernel(self._words.transform([question]), self._word_matrix)[0]
        chars = linear_kernel(self._chars.transform([question]), self._char_matrix)[0]
        scores = 0.6 * words + 0.4 * chars
        order = scores.argsort()[::-1][:limit]
        return [(self._passages[i], float(scores[i])) for i in order]
