"""Load the domain lexicon (concepts) and the red-flag lexicon as entity patterns.

Both files share one pattern syntax: words are matched on the normal form that
``normalize.Normalizer`` gives them, and ``*`` is one optional word.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path

from bot import paths
from bot.datafiles import read_mapping

RED_FLAG_LABEL = "red_flag"


@dataclass(frozen=True)
class Concept:
    """One thing patients talk about, with the phrases they use for it."""

    id: str
    label: str
    patterns: tuple[str, ...]
    item: str | None = None


@dataclass(frozen=True)
class RedFlagCategory:
    """A kind of emergency, e.g. trouble breathing."""

    id: str
    label: str
    patterns: tuple[str, ...]
    self_harm: bool = False


@dataclass(frozen=True)
class Lexicon:
    concepts: tuple[Concept, ...]
    red_flags: tuple[RedFlagCategory, ...] = field(default=())

    def all_entries(self) -> list[tuple[str, str, tuple[str, ...]]]:
        """(label, id, patterns) for every concept and red-flag category."""
        entries = [(c.label, c.id, c.patterns) for c in self.concepts]
        entries += [(RED_FLAG_LABEL, r.id, r.patterns) for r in self.red_flags]
        return entries

    @cached_property
    def words(self) -> frozenset[str]:
        """Every word used in a pattern: the vocabulary typos are corrected to."""
        return frozenset({
            word.strip(".,?!'").lower()
            for _, _, patterns in self.all_entries()
            for pattern in patterns
            for word in pattern.replace("-", " ").split()
        })


def load_red_flags(path: Path = paths.RED_FLAGS_FILE) -> tuple[RedFlagCategory, ...]:
    """The red-flag categories, in file order."""
    categories = read_mapping(path).get("categories") or {}
    result = []
    for cid, body in categories.items():
        patterns = tuple(str(p) for p in body.get("patterns") or ())
        if not patterns:
            raise ValueError(f"{path}: red-flag category {cid!r} has no patterns")
        result.append(
            RedFlagCategory(cid, str(body.get("label", cid)), patterns, bool(body.get("self_harm")))
        )
    return tuple(result)


def load_concepts(path: Path = paths.CONCEPTS_FILE) -> tuple[Concept, ...]:
    """The domain concepts, checked for unique ids."""
    seen: set[str] = set()
    result = []
    for body in read_mapping(path).get("concepts") or ():
        cid = str(body["id"])
        if cid in seen:
            raise ValueError(f"{path}: concept {cid!r} is defined twice")
        seen.add(cid)
        patterns = tuple(str(p) for p in body.get("patterns") or ())
        if not patterns:
            raise ValueError(f"{path}: concept {cid!r} has no patterns")
        result.append(Concept(cid, str(body["label"]), patterns, body.get("item")))
    return tuple(result)


@lru_cache(maxsize=1)
def load_lexicon() -> Lexicon:
    """Both lexicons, read once per process."""
    return Lexicon(load_concepts(), load_red_flags())
