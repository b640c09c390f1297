"""Load the domain lexicon (concepts) and the red-flag lexicon as entity patterns.

Both files share one pattern syntax: words are matched on the normal form that
``normalize.Normalizer`` gives them, and ``*`` is one optional word.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

from bot import paths
from bot.datafiles import read_mapping

RED_FLAG_LABEL = "red_flag"
# Entities that hide a red-flag word ("poison ivy"); never reported to Rasa.
LOOK_ALIKE_LABEL = "look_alike"


@dataclass(frozen=True)
class Concept:
    """One thing patients talk about, with the phrases they use for it."""

    id: str
    label: str
    patterns: tuple[str, ...]
    item: str | None = None


Phrases = tuple[str, ...]


@dataclass(frozen=True)
class RedFlagCategory:
    """A kind of emergency, e.g. trouble breathing, and the message sent first for it."""

    id: str
    label: str
    patterns: Phrases
    self_harm: bool = False
    first_message: str = "general"
    # Rules whose every group needs a phrase in one sentence ("left arm" + "numb").
    together: tuple[tuple[Phrases, ...], ...] = ()


@dataclass(frozen=True)
class Lexicon:
    concepts: tuple[Concept, ...]
    red_flags: tuple[RedFlagCategory, ...] = field(default=())
    # Words of the red-flag file's onset and context rules (typo targets too).
    rule_phrases: Phrases = ()
    look_alikes: Phrases = ()

    def all_entries(self) -> list[tuple[str, str, tuple[str, ...]]]:
        """(label, id, patterns) for every concept and red-flag category."""
        entries = [(c.label, c.id, c.patterns) for c in self.concepts]
        entries += [(RED_FLAG_LABEL, r.id, r.patterns) for r in self.red_flags]
        if self.look_alikes:
            entries.append((LOOK_ALIKE_LABEL, LOOK_ALIKE_LABEL, self.look_alikes))
        return entries

    @cached_property
    def words(self) -> frozenset[str]:
        """Every word used in a pattern or rule: the vocabulary typos are corrected to."""
        phrases = [p for _, _, patterns in self.all_entries() for p in patterns]
        phrases += [p for r in self.red_flags for rule in r.together for group in rule for p in group]
        phrases += list(self.rule_phrases)
        return frozenset({
            word.strip(".,?!'").lower()
            for phrase in phrases
            for word in phrase.replace("-", " ").split()
            if not word.startswith("@")
        })


def _phrases(path: Path, cid: str, items: list[Any] | None) -> tuple[str, ...]:
    """A concept's or category's phrases. A number among them is a phrase cut at its comma
    by a YAML flow list ([3,4-dap] is [3, "4-dap"]: every "3" became a medicine name)."""
    for item in items or ():
        if not isinstance(item, str):
            raise ValueError(f"{path}: {cid!r} has the non-text phrase {item!r}; quote phrases that "
                             'contain a comma ("3,4-dap")')
    return tuple(items or ())


@lru_cache(maxsize=4)
def red_flag_file(path: Path) -> dict[str, Any]:
    """The red-flag file, parsed once: categories, rule phrases and look-alikes share it."""
    return read_mapping(path)


def load_red_flags(path: Path = paths.RED_FLAGS_FILE) -> tuple[RedFlagCategory, ...]:
    """The red-flag categories, in file order."""
    categories = red_flag_file(path).get("categories") or {}
    result = []
    for cid, body in categories.items():
        patterns = _phrases(path, cid, body.get("patterns"))
        if not patterns:
            raise ValueError(f"{path}: red-flag category {cid!r} has no patterns")
        together = tuple(
            tuple(tuple(str(p) for p in group) for group in rule)
            for rule in body.get("together") or ()
        )
        result.append(RedFlagCategory(
            cid, str(body.get("label", cid)), patterns, bool(body.get("self_harm")),
            str(body.get("first_message") or "general"), together,
        ))
    return tuple(result)


# "{age}" in a context phrase: "when he was {age}" stands for "when he was two", "... 2", ...
_AGES = ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
         "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
         "little", "young", "small", *(str(n) for n in range(1, 19)))


def with_ages(items: list[str] | tuple[str, ...]) -> list[str]:
    """Each item, with "{age}" spelled out as every age word."""
    return [str(i).replace("{age}", age) for i in items for age in (_AGES if "{age}" in str(i) else ("",))]


def load_rule_phrases(path: Path = paths.RED_FLAGS_FILE) -> Phrases:
    """Every phrase of the red-flag file's onset and context cues."""
    data = red_flag_file(path)
    onset = data.get("onset") or {}
    phrases = list(onset.get("cues") or ()) + list(onset.get("symptoms") or ())
    for cues in (data.get("context") or {}).values():
        phrases += with_ages(cues or ())
    return tuple(str(p) for p in phrases)


def load_concepts(path: Path = paths.CONCEPTS_FILE) -> tuple[Concept, ...]:
    """The domain concepts, checked for unique ids."""
    seen: set[str] = set()
    result = []
    for body in read_mapping(path).get("concepts") or ():
        cid = str(body["id"])
        if cid in seen:
            raise ValueError(f"{path}: concept {cid!r} is defined twice")
        seen.add(cid)
        patterns = _phrases(path, cid, body.get("patterns"))
        if not patterns:
            raise ValueError(f"{path}: concept {cid!r} has no patterns")
        result.append(Concept(cid, str(body["label"]), patterns, body.get("item")))
    return tuple(result)


@lru_cache(maxsize=1)
def load_lexicon() -> Lexicon:
    """Both lexicons, read once per process."""
    look_alikes = tuple(str(p) for p in red_flag_file(paths.RED_FLAGS_FILE).get("look_alikes") or ())
    return Lexicon(load_concepts(), load_red_flags(), load_rule_phrases(), look_alikes)
