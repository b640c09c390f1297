"""Remove personal details from conversation text before a reviewer sees or exports it.

Patients type their names, phone numbers and record numbers into chats. The
console shows every text through :func:`redact` unless an admin explicitly
reveals it (which is audited). Patterns are deliberately greedy where a miss
would leak (any run of 6+ digits is an ID) and narrow where a false hit would
hide medical content (a name is only taken after a cue such as "my name is" or
a title such as "Dr."), because the article's terms ("3,4-diaminopyridine",
"IVIg") must stay readable.
"""

from __future__ import annotations

import re
from collections.abc import Callable

EMAIL = "[EMAIL]"
PHONE = "[PHONE]"
DATE = "[DATE]"
ADDRESS = "[ADDRESS]"
ID = "[ID]"
NAME = "[NAME]"

_MONTHS = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
           r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?")
_STREET = (r"(?:street|st|avenue|ave|road|rd|boulevard|blvd|lane|ln|drive|dr|court|ct|way|place|pl|"
           r"terrace|ter|circle|cir|highway|hwy|parkway|pkwy|square|sq|trail|trl)\b\.?")
# Words that follow "my name is"/"I'm" but are not names.
_NOT_NAMES = {
    "a", "an", "the", "and", "but", "or", "so", "not", "no", "very", "really", "just", "also",
    "i", "im", "is", "was", "am", "are", "tired", "weak", "sick", "worried", "scared", "ok",
    "okay", "fine", "here", "having", "feeling", "trying", "asking", "looking", "going", "new",
    "diagnosed", "wondering", "sorry", "unable", "able", "afraid", "concerned", "confused",
}
_NAME_WORD = r"[A-Za-z][A-Za-z'\-]+"

_RULES: list[tuple[re.Pattern[str], str | Callable[[re.Match[str]], str]]] = []


def _rule(pattern: str, replacement: str | Callable[[re.Match[str]], str], flags: int = re.I) -> None:
    _RULES.append((re.compile(pattern, flags), replacement))


def _name_after_cue(match: re.Match[str]) -> str:
    """Keep the cue ("my name is"), replace up to three following name words."""
    cue, rest = match.group("cue"), match.group("rest")
    words = rest.split()
    taken = 0
    for word in words[:3]:
        if word.lower().strip(".,!?") in _NOT_NAMES:
            break
        taken += 1
    if taken == 0:
        return match.group(0)
    kept = " ".join(words[taken:])
    trailing = words[taken - 1][-1] if words[taken - 1][-1] in ".,!?" else ""
    return f"{cue}{NAME}{trailing}" + (f" {kept}" if kept else "")


# Order matters: specific shapes first, the catch-all digit run last.
_rule(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b", EMAIL)
_rule(r"\b\d{3}-\d{2}-\d{4}\b", ID)  # US social security number
_rule(r"\b(?P<label>mrn|medical record(?: number| no\.?| #)?|record (?:number|no\.?|#)|patient id|member id|"
      r"policy (?:number|no\.?)|insurance (?:id|number|no\.?)|id (?:number|no\.?)|ssn|nhs (?:number|no\.?)|"
      r"chart (?:number|no\.?)|account (?:number|no\.?))\s*(?:is|:|#|=)?\s*#?\s*[A-Z0-9][A-Z0-9-]{2,}",
      lambda m: f"{m.group('label')} {ID}")
_rule(r"(?<![\w/])(?:\+?1[\s.-]?)?\(?\d{3}\)?[\s.-]?\d{3}[\s.-]?\d{4}\b", PHONE)
_rule(r"(?<![\w/])\+\d{1,3}(?:[\s.-]?\d{2,4}){2,5}\b", PHONE)
_rule(r"\b\d{4}-\d{1,2}-\d{1,2}\b", DATE)
_rule(r"\b\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}\b", DATE)
_rule(rf"\b{_MONTHS}\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+\d{{4}})?\b", DATE)
_rule(rf"\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTHS}(?:,?\s+\d{{4}})?\b", DATE)
_rule(r"\b(?:p\.?\s?o\.?\s+box)\s+\d+\b", ADDRESS)
_rule(rf"\b\d{{1,6}}\s+(?:[A-Za-z][A-Za-z.'-]*\s+){{1,4}}{_STREET}(?:\s*,?\s*(?:apt|apartment|unit|suite|#)\s*\w+)?",
      ADDRESS)
_rule(r"\b(?i:dr|doctor|mr|mrs|ms|miss|prof|nurse)\.?\s+(?:[A-Z][a-zA-Z'-]+)(?:\s+[A-Z][a-zA-Z'-]+)?",
      lambda m: re.split(r"\s+", m.group(0))[0] + f" {NAME}", 0)
# Patients type "dr smith" in lower case; after the abbreviation "dr" a word is a name.
_rule(r"\b(?P<t>dr\.?)\s+(?!(?:said|says|told|thinks|and|or|is|was|appointment|visit)\b)[a-z][a-z'-]+\b",
      lambda m: f"{m.group('t')} {NAME}")
_rule(rf"(?P<cue>\b(?:my name is|my name's|name is|name's|call me|this is|i am|i'm|im|signed,?)\s+)"
      rf"(?P<rest>{_NAME_WORD}(?:\s+{_NAME_WORD}){{0,2}}[.,!?]?)", _name_after_cue)
_rule(r"\b\d{6,}\b", ID)
_rule(r"\b[A-Z]{1,3}\d{5,}[A-Z]?\b", ID, 0)


def _needs_capital(match: re.Match[str]) -> bool:
    """For "this is"/"I am"/"I'm", only a capitalised word is a name ("I'm tired" stays)."""
    cue = match.group("cue").strip().lower()
    if cue in {"this is", "i am", "i'm", "im"}:
        return match.group("rest")[:1].isupper()
    return True


def _when_capitalised(replace: Callable[[re.Match[str]], str]) -> Callable[[re.Match[str]], str]:
    """The replacement, applied only where the cue is followed by a capitalised name."""
    def sub(match: re.Match[str]) -> str:
        return replace(match) if _needs_capital(match) else match.group(0)
    return sub


def redact(text: str | None) -> str:
    """The text with personal details replaced by [EMAIL], [PHONE], [DATE], [ADDRESS], [ID], [NAME]."""
    if not text:
        return text or ""
    for pattern, replacement in _RULES:
        if callable(replacement) and "cue" in pattern.groupindex:
            text = pattern.sub(_when_capitalised(replacement), text)
        else:
            text = pattern.sub(replacement, text)
    return text
