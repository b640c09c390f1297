"""The red-flag file's rules beyond single phrases: co-occurring words, acute onset,
vital signs past their limits, and the cues that make a mention hypothetical or past.

Phrases are compared with the pipeline's normal forms (lower case, typo-corrected,
stemmed), so they follow the same spelling rules as the entity ruler's patterns.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path

from spacy.lang.en import English
from spacy.tokens import Doc

from bot import paths
from bot.language.lexicon import LOOK_ALIKE_LABEL, red_flag_file, with_ages
from bot.language.negation import DASHES, denies_a_joke, exclaimed_no
from bot.language.normalize import stem

CONCEPT_MARK = "@"
# "@medicine" in a phrase group: any name of the medicine dictionary ("warfarin", "ritalin")
ANY_MEDICINE = "medicine"
# Words that cancel the symptom right after them ("not numb", "no weakness").
_NEGATORS = {"no", "not", "never", "without", "nor", "deny", "denie"}
# matched on the word as typed: their normal forms ("non") would also catch "non responsive"
_NEGATING_SUBJECTS = {"none", "neither"}
# "no swelling in his face or throat": a negation carries over "or" to the next word listed
_LIST_JOINS = {"or", "nor"}


@lru_cache(maxsize=1)
def _tokenizer() -> English:
    return English()


def phrase_norms(phrase: str) -> tuple[str, ...]:
    """A phrase as the pipeline would normalise it ("can't move" -> ("can", "not", "move"))."""
    return tuple(stem(t.norm_.lower()) for t in _tokenizer().make_doc(phrase.replace("-", " ")))


@dataclass(frozen=True)
class PhraseSet:
    """Phrases to find in a run of normal forms; ``@id`` items name lexicon concepts."""

    phrases: tuple[tuple[str, ...], ...]
    concepts: frozenset[str] = frozenset()

    @classmethod
    def of(cls, items: list[str] | tuple[str, ...]) -> PhraseSet:
        concepts = frozenset(i[1:] for i in items if i.startswith(CONCEPT_MARK))
        phrases = tuple(phrase_norms(i) for i in items if not i.startswith(CONCEPT_MARK))
        return cls(tuple(p for p in phrases if p), concepts)

    @cached_property
    def _by_first(self) -> dict[str, tuple[tuple[str, ...], ...]]:
        """Phrases by their first word: a message is scanned once, not once per phrase."""
        index: dict[str, list[tuple[str, ...]]] = {}
        for phrase in self.phrases:
            index.setdefault(phrase[0], []).append(phrase)
        return {word: tuple(found) for word, found in index.items()}

    def _matches(self, doc: Doc) -> list[tuple[int, int]]:
        """(position in the hyphen-free word list, phrase length) of every phrase match,
        computed once per doc (the rules ask per sentence)."""
        key = f"les_phrase_matches:{id(self)}"
        cached = doc.user_data.get(key)
        if cached is not None:
            return cached
        _, norms = _words_of(doc)
        found = []
        for k, word in enumerate(norms):
            for phrase in self._by_first.get(word, ()):
                if tuple(norms[k:k + len(phrase)]) == phrase:
                    found.append((k, len(phrase)))
        doc.user_data[key] = found
        return found

    def spans(self, doc: Doc) -> list[tuple[int, int]]:
        """(start, end) token spans of the phrases (not concepts) in the doc."""
        index, _ = _words_of(doc)
        return [(index[k], index[k + n - 1] + 1) for k, n in self._matches(doc)]

    def positions(self, doc: Doc, start: int = 0, end: int | None = None) -> list[int]:
        """Token indexes in doc[start:end] where a phrase (or a concept entity) begins;
        hyphens between words are skipped ("first-aid course" is "first aid course")."""
        end = len(doc) if end is None else end
        index, _ = _words_of(doc)
        found = [index[k] for k, n in self._matches(doc)
                 if start <= index[k] < end and index[k + n - 1] < end]
        if self.concepts:
            found += [ent.start for ent in doc.ents
                      if ent.ent_id_ in self.concepts and start <= ent.start < end
                      and not ent._.negex]
        if ANY_MEDICINE in self.concepts:
            from bot.language.drug_names import drug_names

            names = drug_names()
            found += [t.i for t in doc[start:end] if t.lower_ in names]
        return sorted(set(found))


def forget_matches(doc: Doc) -> None:
    """Drop the per-doc match cache, so nothing of it is stored or serialised with the doc."""
    for key in [k for k in doc.user_data if k == "les_words" or (
            isinstance(k, tuple) and k and k[0] == "les_phrase_matches")]:
        del doc.user_data[key]


_CLAUSE_BREAKS = {",", ".", ";", ":", "!", "?", "but", "and", "now", *DASHES}


def _words_of(doc: Doc) -> tuple[list[int], list[str]]:
    """Token indexes and normal forms of the doc without its hyphen tokens (once per doc)."""
    cached = doc.user_data.get("les_words")
    if cached is None:
        kept = [t for t in doc if t.norm_ != "-"]
        cached = doc.user_data["les_words"] = ([t.i for t in kept], [t.norm_ for t in kept])
    return cached


def negated_at(doc: Doc, index: int, window: int = 3) -> bool:
    """A negating word in the few tokens before ``index``, in the same clause ("not numb",
    "no weakness"; not "not sure. my arm is numb")."""
    for i in range(index - 1, max(-1, index - window - 1), -1):
        if doc[i].norm_ in _CLAUSE_BREAKS:
            return False
        # "oh no, I gave him the wrong pills"; "not joking, he is choking"
        if exclaimed_no(doc, i, i + 1) or denies_a_joke(doc, i):
            return False
        if doc[i].norm_ in _NEGATORS or doc[i].lower_ in _NEGATING_SUBJECTS:
            return True
    return False


def _listed_after(doc: Doc, negated: set[int], index: int) -> bool:
    """``index`` follows a negated word in one clause, joined to it by "or" / "nor"."""
    joined = False
    for i in range(index - 1, -1, -1):
        if i in negated:
            return joined
        if doc[i].norm_ in _CLAUSE_BREAKS - {","}:
            return False
        joined = joined or doc[i].norm_ in _LIST_JOINS
    return False


@dataclass(frozen=True)
class Together:
    """Every group needs a phrase in the same sentence; the last group is the symptom."""

    category: str
    groups: tuple[PhraseSet, ...]
    # LES symptoms whose words must not feed the rule ("mouth is dry" + "eyelids droop"
    # is not a drooping face)
    ignore_concepts: frozenset[str] = frozenset()

    def match(self, doc: Doc, start: int, end: int) -> int | None:
        """Where the symptom is, when every group is in doc[start:end], none of them negated
        ("his face isn't drooping"), and nothing before them in the clause negates them all
        ("I don't have any chest pain or pressure")."""
        # an ignored LES symptom, or a look-alike phrase that explains its words ("a hard
        # pill to swallow" is no pill swallowed)
        ignored = {i for ent in doc.ents
                   if ent.ent_id_ in self.ignore_concepts or ent.label_ == LOOK_ALIKE_LABEL
                   for i in range(ent.start, ent.end)}
        # a word right after a negation does not count ("isn't drooping"); a wider window
        # would take the "can't" of "can't lift his left arm" for the arm's
        found = [[i for i in group.positions(doc, start, end) if i not in ignored] for group in self.groups]
        negated = {i for group in found for i in group if negated_at(doc, i, window=1)}
        negated |= {j for group in found for j in group if _listed_after(doc, negated, j)}
        hits = [[i for i in group if i not in negated] for group in found]
        if not all(hits):
            return None
        first = min(h[0] for h in hits)
        if negated_at(doc, first, window=4):
            return None
        symptoms = [i for i in hits[-1] if not negated_at(doc, i)]
        return symptoms[0] if symptoms else None


@dataclass(frozen=True)
class VitalSign:
    """A reading whose value past ``below`` / ``above`` is an emergency."""

    category: str
    pattern: re.Pattern[str]
    below: float | None
    above: float | None
    low: float
    high: float

    def alarming(self, text: str) -> bool:
        for match in self.pattern.finditer(text):
            value = float(match.group("value"))
            if not self.low <= value <= self.high:
                continue
            if (self.below is not None and value < self.below) or (
                    self.above is not None and value > self.above):
                return True
        return False


@dataclass(frozen=True)
class PillCount:
    """"took 30 tylenol": a count of pills or of a medicine at least ``at_least``; "10x the
    ordered dose": a multiple of a dose at least ``dose_multiple`` (clinicians' shorthand)."""

    category: str
    at_least: int
    units: frozenset[str]
    any_medicine: bool
    dose_multiple: int | None = None

    _COUNT = re.compile(r"\b(\d{1,3})\s+(?:of\s+(?:my|his|her|their|the|your)\s+)?([a-z][a-z\-,0-9]*)"
                        r"(?:\s+([a-z][a-z\-]*))?", re.IGNORECASE)
    # "10x the ordered dose", "5x her dose", "3 x the dose": "ten times the dose" is a phrase
    _MULTIPLE = re.compile(r"\b(\d{1,3})\s*x\s+(?:(?:the|his|her|my|their|your|a|an|its)\s+)?"
                           r"(?:[a-z\-]+\s+)?(?:dose|doses|dosage|amount)\b", re.IGNORECASE)

    def alarming(self, text: str) -> bool:
        from bot.language.drug_names import drug_names

        if self.dose_multiple is not None and any(
                int(m.group(1)) >= self.dose_multiple for m in self._MULTIPLE.finditer(text)):
            return True
        for match in self._COUNT.finditer(text):
            if int(match.group(1)) < self.at_least:
                continue
            words = [w.lower() for w in match.groups()[1:] if w]
            if any(w in self.units for w in words):
                return True
            if self.any_medicine and words and words[0] in drug_names():
                return True
        return False


@dataclass(frozen=True)
class Learned:
    """The learned detector's operating point (red_flags.yml, ``learned``)."""

    confirm: float
    alone: float
    category: float
    self_harm: float
    added: float
    # self-harm said indirectly ("how high does a roof need to be"): a lower emergency
    # probability is enough when the model is this sure the kind is self-harm
    self_harm_alone: float
    self_harm_sure: float
    # ... and only in a message of at least this many words: a lone "goodbye" is a farewell
    self_harm_alone_words: float
    # ... and only when the verdict head is less sure than this that the message asks
    # whether someone has LES ("I match all of it. I have it, right?")
    self_harm_alone_verdict: float
    # poisoning and self-harm: one reported, the other added from these scores
    paired_poisoning: float
    paired_self_harm: float
    # a self-harm phrase counts from this emergency probability when the model too reads
    # the message as self-harm (its score at least ``self_harm_sure``)
    self_harm_confirm: float


@dataclass(frozen=True)
class SafetyRules:
    together: tuple[Together, ...]
    onset_category: str
    onset_cues: PhraseSet
    onset_symptoms: PhraseSet
    vital_signs: tuple[VitalSign, ...]
    pill_count: PillCount | None
    hypothetical: PhraseSet
    about: PhraseSet
    past: PhraseSet
    resolved: PhraseSet
    over: PhraseSet
    present: PhraseSet
    present_near: PhraseSet
    not_now: PhraseSet
    last_known_well: PhraseSet
    wish: PhraseSet
    # self-harm said beside a means one swallows: this category too (Poison Help)
    ingestion_category: str
    ingestion_means: PhraseSet
    learned: Learned


def _vital(body: dict) -> VitalSign:
    names = "|".join(re.escape(n) for n in sorted(body["names"], key=len, reverse=True))
    units = body.get("unit")
    unit = "(?:" + "|".join(re.escape(u) for u in units) + ")" if units else ""
    pattern = re.compile(
        # not glued to a digit before it: "3rR8" in a pasted key is no respiratory rate
        rf"(?<![a-z0-9])(?:{names})(?![a-z])[^\d\n]{{0,20}}?(?P<value>\d{{1,3}}(?:\.\d+)?)\s*{unit}",
        re.IGNORECASE,
    )
    low, high = body.get("range", [0, 1000])
    return VitalSign(str(body["category"]), pattern, body.get("below"), body.get("above"),
                     float(low), float(high))


def _groups(category: str, rule: list) -> list:
    """A co-occurrence rule's groups: at least two, or any one phrase of a lone group would
    report an emergency (a comment put between two groups once split a rule so: "mixing up
    words" became poisoning)."""
    if len(rule) < 2:
        raise ValueError(f"red_flags.yml: a co-occurrence rule of {category!r} has {len(rule)} group "
                         f"({rule[0][:3] if rule else []}...); it needs at least two")
    return rule


@lru_cache(maxsize=1)
def load_rules(path: Path = paths.RED_FLAGS_FILE) -> SafetyRules:
    """The rules of bot/safety/red_flags.yml, read once per process."""
    data = red_flag_file(path)
    together = tuple(
        Together(cid, tuple(PhraseSet.of(list(group)) for group in _groups(cid, rule)),
                 frozenset(str(c) for c in data.get("together_ignores") or ()))
        for cid, body in (data.get("categories") or {}).items()
        for rule in body.get("together") or ()
    )
    onset = data.get("onset") or {}
    context = {name: with_ages(items or ()) for name, items in (data.get("context") or {}).items()}
    ingestion = data.get("self_harm_ingestion") or {}
    counts = data.get("pill_counts")
    pill_count = None
    if counts:
        units = [str(u) for u in counts.get("units") or ()]
        pill_count = PillCount(str(counts["category"]), int(counts["at_least"]),
                               frozenset(u for u in units if not u.startswith(CONCEPT_MARK)),
                               any(u == CONCEPT_MARK + ANY_MEDICINE for u in units),
                               int(counts["dose_multiple"]) if counts.get("dose_multiple") else None)
    return SafetyRules(
        together=together,
        onset_category=str(onset.get("category", "stroke")),
        onset_cues=PhraseSet.of(list(onset.get("cues") or ())),
        onset_symptoms=PhraseSet.of(list(onset.get("symptoms") or ())),
        vital_signs=tuple(_vital(v) for v in data.get("vital_signs") or ()),
        pill_count=pill_count,
        hypothetical=PhraseSet.of(list(context.get("hypothetical") or ())),
        about=PhraseSet.of(list(context.get("about") or ())),
        past=PhraseSet.of(list(context.get("past") or ())),
        resolved=PhraseSet.of(list(context.get("resolved") or ())),
        over=PhraseSet.of(list(context.get("over") or ())),
        present=PhraseSet.of(list(context.get("present") or ())),
        present_near=PhraseSet.of(list(context.get("present_near") or ())),
        not_now=PhraseSet.of(list(context.get("not_now") or ())),
        last_known_well=PhraseSet.of(list(context.get("last_known_well") or ())),
        wish=PhraseSet.of(list(context.get("wish") or ())),
        ingestion_category=str(ingestion.get("category", "poisoning")),
        ingestion_means=PhraseSet.of(list(ingestion.get("means") or ())),
        learned=Learned(**{k: float(v) for k, v in (data.get("learned") or {}).items()}),
    )
