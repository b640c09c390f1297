"""Compile lexicon phrases into entity-ruler token patterns on normal forms."""

from __future__ import annotations

from spacy.language import Language

from bot.language.normalize import Normalizer

OPTIONAL_WORD = "*"
LINE_BREAKS = {"IS_SPACE": True, "OP": "*"}
# A wildcard never swallows a negation: "mouth * * dry" must not match "mouth isn't dry"
# (the "not" would sit inside the entity, where negation detection cannot see it).
NEGATION_NORMS = ["not", "no", "never", "nor", "without"]


def compile_phrase(nlp: Language, normalizer: Normalizer, phrase: str) -> list[dict]:
    """One phrase -> one token pattern; ``*`` becomes an optional wildcard token."""
    pattern: list[dict] = []
    for token in nlp.make_doc(phrase):
        if pattern:
            # "dont\nwant\nto\nlive": line breaks between the words do not hide a phrase
            pattern.append(LINE_BREAKS)
        if token.text == OPTIONAL_WORD:
            pattern.append({"OP": "?", "NORM": {"NOT_IN": NEGATION_NORMS}})
        else:
            pattern.append({"NORM": normalizer.norm(token.norm_)})
    if not any("NORM" in part for part in pattern):
        raise ValueError(f"pattern {phrase!r} has no words")
    return pattern


def ruler_patterns(nlp: Language, normalizer: Normalizer,
                   entries: list[tuple[str, str, tuple[str, ...]]]) -> list[dict]:
    """Entity-ruler patterns for (label, id, phrases) entries, without duplicates."""
    seen: set[tuple[str, str, str]] = set()
    patterns = []
    for label, cid, phrases in entries:
        for phrase in phrases:
            compiled = compile_phrase(nlp, normalizer, phrase)
            key = (label, cid, repr(compiled))
            if key not in seen:
                seen.add(key)
                patterns.append({"label": label, "id": cid, "pattern": compiled})
    return patterns
