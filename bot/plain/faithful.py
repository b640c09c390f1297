"""Is a plain passage faithful to its source passage? A word-level check.

A plain version may change how a fact is said, never which facts are said. This
cannot prove meaning, but it catches the mistakes a rewrite makes most: a number,
drug or test dropped; a "not", "rarely" or "may" lost (which turns a fact around or
makes it certain); a medical claim added that the source does not make. What it
allows beyond the source is exactly the glossary's explanation of a term the
source uses. A person still reviews each passage (`reviewed_by` in article.yml).
"""

from __future__ import annotations

import re

from bot.plain.glossary import Glossary, count, load_glossary, uses

_NUMBER = re.compile(r"\d+(?:[.,/]\d+)*")


def numbers(text: str) -> set[str]:
    return set(_NUMBER.findall(text))


def allowed_additions(source: str, glossary: Glossary) -> set[str]:
    """Medical terms a plain version may add: those in the explanations of terms the source uses."""
    explanations = " ".join(t.plain for t in glossary.terms if any(uses(f, source) for f in t.forms))
    return {m for m in glossary.all_medical_terms if uses(m, explanations)}


def problems(source: str, plain: str, glossary: Glossary | None = None) -> list[str]:
    """Everything of ``source`` the ``plain`` version loses or adds (empty when faithful)."""
    glossary = glossary or load_glossary()
    found = [f"number {n!r} missing" for n in sorted(numbers(source) - numbers(plain))]
    found += [f"name {name!r} missing" for name in glossary.names
              if uses(name, source) and not uses(name, plain)]
    for family, words in glossary.cues.items():
        in_source = sum(count(w, source) for w in words)
        in_plain = sum(count(w, plain) for w in words)
        if family == "not" and in_plain < in_source:
            found.append(f"negation lost: {in_source} in the source, {in_plain} in the plain version")
        elif in_source and not in_plain:
            found.append(f"{family!r} lost (one of {', '.join(words)})")
    allowed = allowed_additions(source, glossary)
    for term in glossary.all_medical_terms:
        if uses(term, plain) and not uses(term, source) and term not in allowed:
            found.append(f"medical term {term!r} added")
    return found


def unexplained(plain: str, glossary: Glossary | None = None) -> list[str]:
    """Glossary terms ``plain`` uses without their explanation."""
    glossary = glossary or load_glossary()
    return [t.name for t in glossary.terms
            if any(uses(f, plain) for f in t.forms)
            and not any(e.lower() in plain.lower() for e in t.explained_by)]
