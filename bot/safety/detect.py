"""Decide which red flags a message reports, from the domain pipeline's doc.

Independent signals, any one of which is enough (recall first: a missed emergency
costs more than an extra 911 message): the lexicon's phrases (entities), its
co-occurrence rules ("left arm" + "numb"), acute onset ("suddenly" + a weakness,
speech, vision, breathing or swallowing problem) and vital signs past their limits.
A mention counts as *reported* unless it is negated, hypothetical ("if he ever
chokes"), past and over ("I choked last year, it was fine") or a general question
about LES; a present cue ("right now", "still") overrides all but negation.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from functools import lru_cache

from spacy.tokens import Doc, Span

from bot.language.lexicon import LOOK_ALIKE_LABEL, RED_FLAG_LABEL, load_lexicon
from bot.language.message_model import assess
from bot.language.negation import DASHES, denies_a_joke
from bot.language.questions import is_question
from bot.language.run_together import spaced_text
from bot.safety.flags import POISONING
from bot.safety.rules import Learned, SafetyRules, forget_matches, load_rules, negated_at

_PEOPLE = {
    "i", "im", "i'm", "me", "my", "mine", "myself", "we", "us", "our", "he", "him", "his",
    "she", "her", "hers", "they're", "someone", "somebody", "mum", "mom", "mother", "dad",
    "father", "husband", "wife", "son", "daughter", "baby", "child", "kid", "partner",
    "friend", "grandma", "grandpa", "brother", "sister", "patient", "mama", "papa", "ive",
    "i've", "i'd", "id", "i'll", "toddler", "infant", "newborn", "boy", "girl", "man",
    "woman", "neighbour", "neighbor", "nan", "granny", "grandmother", "grandfather", "pt",
}
_GENERIC_CUES = {"les", "lems", "symptom", "symptoms", "sign", "signs", "cause", "causes",
                 "complication", "complications", "lambert", "syndrome", "disease", "condition",
                 "difference", "between", "versus", "vs", "mean", "means", "stand", "kind", "type",
                 "normal", "article", "doctor", "call", "911", "common", "people", "patients",
                 "often", "usual", "usually", "typical", "rare", "side", "effect", "effects", "known"}
_FUTURE_CUES = {"later", "future", "eventually", "someday", "ever", "years"}
# "not sure if he's breathing" is not a hypothetical.
_IF_AFTER = {"know", "sure", "tell", "check", "see", "wonder", "unsure", "certain", "whether"}
# "sorry if this is silly, ...": an apology, not a condition.
_POLITE_IF = {"sorry", "apologies", "apologise", "apologize", "forgive", "excuse", "pardon"}
# A red flag whose own words start with a negation ("not waking up") is not negated by it.
_NEGATION_STARTS = {"not", "no", "never"}
# Said beside a weakness or deficit, it is not new: no acute onset ("took my mestinon
# an hour ago and my legs are still weak").
_LONG_STANDING = {"still", "always", "usually", "normally"}
_LONG_STANDING_REACH = 2
# "it's not sudden", "it wasn't sudden at all": a negation right before the onset cue
_ONSET_NEGATED_WITHIN = 2
# "in 2015", "back in 2019": a year before this one dates what happened.
_YEAR_AFTER = {"in", "during"}
_EARLIEST_YEAR = 1900


@dataclass
class RedFlagFinding:
    """What one message says about red flags."""

    reported: list[str] = field(default_factory=list)
    negated: list[str] = field(default_factory=list)
    generic: list[str] = field(default_factory=list)

    @property
    def any_mentioned(self) -> bool:
        return bool(self.reported or self.negated or self.generic)

    @property
    def self_harm(self) -> bool:
        return any(c in _self_harm_ids() for c in self.reported)

    def add(self, bucket: list[str], category: str) -> None:
        if category not in bucket:
            bucket.append(category)


@lru_cache(maxsize=1)
def _self_harm_ids() -> frozenset[str]:
    """Asked for every category the learned detector scores: read the lexicon once."""
    return frozenset(r.id for r in load_lexicon().red_flags if r.self_harm)


@lru_cache(maxsize=1)
def _poisoning_ids() -> frozenset[str]:
    """The categories whose first message gives Poison Help."""
    return frozenset(r.id for r in load_lexicon().red_flags if r.first_message == POISONING)


def is_general_question(sentence: Span) -> bool:
    """A question about LES in general, with no person in it, or about the future
    ("could my mum choke later on?")."""
    words = [t.lower_ for t in sentence if not t.is_punct and not t.is_space]
    if not words:
        return False
    if is_question(sentence.text) and any(w in _FUTURE_CUES for w in words):
        return True
    if any(w in _PEOPLE for w in words):
        return False
    return is_question(sentence.text) and any(w in _GENERIC_CUES for w in words)


# How far after a present cue a resolved phrase makes it the time of being fine.
_FINE_AFTER = 6
# How many words may stand between a wish and the mention it wishes ("i want to really ...").
_WISH_GAP = 1
_CLAUSE_ENDS = {",", ".", ";", ":", "!", "?", *DASHES}
# How far (in tokens) a bare "now" may be from a mention to make it a report of now.
_NEAR = 5


@dataclass(frozen=True)
class _Context:
    """Message-wide cues: is something happening now, or is it over?"""

    present: bool
    near_now: tuple[tuple[int, int, bool], ...]
    past_at: tuple[int, ...]
    past: bool
    over: bool  # "she's fine now", "it went away": over as the writer types, no present cue

    def now_at(self, index: int) -> bool:
        """ "now" or "right now" said of the mention: "still" ("do they still teach back
        blows") is too weak to overrule the learned detector."""
        if self.present:
            return True
        return any(reaches_on and abs(i - index) <= _NEAR for i, _, reaches_on in self.near_now)

    def present_at(self, index: int) -> bool:
        """A present cue for the mention at ``index``: "right now" anywhere; a bare "now"
        just after it in its clause ("he can't breathe now"), or before it with no past
        cue between ("now an hour later ... his smile is crooked"), but not "he had a
        stroke long ago, now ..." or "now; before that he used to stop breathing"."""
        if self.present:
            return True
        for i, clause_start, reaches_on in self.near_now:
            # "he had a stroke years ago and now has LES": the past cue ends the stroke's time
            if i > index and clause_start <= index and i - index <= _NEAR \
                    and not any(index < p < i for p in self.past_at):
                return True
            # "now" reaches any later mention; "still" only one or two words on
            if i < index and (reaches_on or index - i <= 2) \
                    and not any(i < p < index for p in self.past_at):
                return True
        return False


def _message_context(doc: Doc, rules: SafetyRules) -> _Context:
    """Present wins: "he was fine at breakfast, now he can't lift his arm" is now. A present
    word inside a resolved phrase ("I'm fine now") or an idiom ("from now on") does not count."""
    # "it stopped after a minute" is over; "the bleeding won't stop after an hour" is not
    # "she was fine at breakfast" dates an onset now: not "was fine" over, but a present cue
    well_until = rules.last_known_well.spans(doc)
    well_at = {i for start, end in well_until for i in range(start, end)}
    resolved = [(start, end) for start, end in rules.resolved.spans(doc)
                if not negated_at(doc, start, window=1) and start not in well_at]
    inside = {i for start, end in resolved + rules.not_now.spans(doc) for i in range(start, end)}
    # "right now i'm relaxed and fine": the present cue dates the writer being fine
    present_at = rules.present.positions(doc)
    fine_now = {i for i in present_at
                if any(i < start <= i + _FINE_AFTER and _clause_start(doc, start) <= i
                       for start, _ in resolved)}
    present = bool(well_until) or any(i not in inside and i not in fine_now for i in present_at)
    # "now" reaches on to a later mention; "still" only right beside it ("he is still
    # choking", not "should I still do the Heimlich")
    near_now = tuple((i, _clause_start(doc, i), doc[i].lower_ == "now")
                     for i in rules.present_near.positions(doc) if i not in inside)
    past_at = tuple(sorted(set(rules.past.positions(doc)) | set(_past_years(doc))))
    past = bool(past_at) or bool(resolved)
    over = bool(rules.over.positions(doc))
    return _Context(present=present, near_now=near_now, past_at=past_at, past=past and not present,
                    over=over and not present)


def _past_years(doc: Doc) -> list[int]:
    """Positions of "in <year>" for a year before this one ("a heart attack in 2015")."""
    this_year = datetime.date.today().year
    return [t.i - 1 for t in doc[1:]
            if t.text.isdigit() and len(t.text) == 4 and _EARLIEST_YEAR <= int(t.text) < this_year
            and doc[t.i - 1].lower_ in _YEAR_AFTER]


def _clause_start(doc: Doc, i: int) -> int:
    """Index of the first token of the clause that ends at token ``i``."""
    start = i
    while start > 0 and doc[start - 1].text not in _CLAUSE_ENDS and doc[start - 1].lower_ != "but":
        start -= 1
    return start


def _hypothetical(doc: Doc, sentence: Span, index: int, rules: SafetyRules) -> bool:
    """A conditional cue earlier in the sentence than the mention ("if he ever chokes"),
    or a "what to watch for" / "in the article" cue anywhere in the message."""
    # a denied joke is no joke: "lol not joking, i cannot catch my breath"
    if any(not (i > 0 and denies_a_joke(doc, i - 1)) for i in rules.about.positions(doc)):
        return True
    for i in rules.hypothetical.positions(doc, sentence.start, index + 1):
        if doc[i].norm_ == "if" and _unsure_if(doc, i):
            continue
        return True
    return False


def _unsure_if(doc: Doc, i: int) -> bool:
    """ "not sure if he's breathing", "can't tell if she is", "sorry if this is a dumb
    question": a report (or politeness), not a hypothetical."""
    before = [t.norm_ for t in doc[max(0, i - 3):i]]
    if before and doc[i - 1].lower_ in _POLITE_IF:
        return True
    return bool(before) and before[-1] in _IF_AFTER and any(w in ("not", "no", "un") for w in before[:-1])


def _not_a_report(doc: Doc, sentence: Span, index: int, context: _Context,
                  rules: SafetyRules) -> bool:
    if context.present_at(index):
        return False
    return (context.past or _hypothetical(doc, sentence, index, rules)
            or is_general_question(sentence))


def _wished(doc: Doc, category: str, index: int, rules: SafetyRules) -> bool:
    """A self-harm mention the writer wishes or intends right before it ("i just want to
    join him"): a report now, whatever past or story cues the message holds elsewhere. Not
    a wish further off: "i want to know the warning signs of suicide" is a question."""
    if category not in _self_harm_ids():
        return False
    # the wish may run into the mention itself: "i want to" in "i want to kill myself"
    return any(start <= index and end >= index - _WISH_GAP for start, end in rules.wish.spans(doc)
               if start >= _clause_start(doc, index))


def find_red_flags(doc: Doc) -> RedFlagFinding:
    """Sort the message's red flags into reported, negated and generic."""
    try:
        return _find_red_flags(doc)
    finally:
        forget_matches(doc)


def _find_red_flags(doc: Doc) -> RedFlagFinding:
    rules = load_rules()
    context = _message_context(doc, rules)
    finding = RedFlagFinding()
    said_now = False  # a reported mention with "now" or "right now" beside it
    last_negated = -1
    for ent in doc.ents:
        if ent.label_ != RED_FLAG_LABEL:
            continue
        if ent._.negex and ent[0].norm_ not in _NEGATION_STARTS:
            finding.add(finding.negated, ent.ent_id_)
            last_negated = ent.start
        elif _not_a_report(doc, ent.sent, ent.start, context, rules) \
                and not _wished(doc, ent.ent_id_, ent.start, rules):
            finding.add(finding.generic, ent.ent_id_)
        else:
            finding.add(finding.reported, ent.ent_id_)
            said_now = said_now or context.now_at(ent.start)
    for sentence in doc.sents:
        for rule in rules.together:
            where = rule.match(doc, sentence.start, sentence.end)
            if where is None:
                continue
            bucket = finding.generic if _not_a_report(doc, sentence, where, context, rules) \
                and not _wished(doc, rule.category, where, rules) else finding.reported
            finding.add(bucket, rule.category)
    _acute_onset(doc, rules, context, finding)
    explained = any(ent.label_ == LOOK_ALIKE_LABEL for ent in doc.ents)
    # "no seizures before but she is having one now": a later clause that happens now
    # overtakes the negation, and the learned detector may report the kind it negated
    overtaken = last_negated >= 0 and any(start > last_negated for _, start, _ in context.near_now)
    _weigh_with_model(spaced_text(doc), rules.learned, finding, said_now=said_now,
                      explained=explained, over=context.over, overtaken=overtaken)
    # Numbers past a limit need no second opinion: "spo2 84%" is an emergency in any wording.
    for vital in rules.vital_signs:
        if vital.alarming(doc.text):
            finding.add(finding.reported, vital.category)
    if rules.pill_count is not None and rules.pill_count.alarming(doc.text) and not context.past:
        finding.add(finding.reported, rules.pill_count.category)
    # "gonna take all my pills tonight, already started": self-harm by a means one
    # swallows gets Poison Help too
    if finding.self_harm and any(not negated_at(doc, i) for i in rules.ingestion_means.positions(doc)):
        finding.add(finding.reported, rules.ingestion_category)
    return finding


def _weigh_with_model(text: str, learned: Learned, finding: RedFlagFinding, *,
                      said_now: bool, explained: bool, over: bool, overtaken: bool) -> None:
    """The learned detector confirms or overrules the lexicon's phrases, and catches what
    they missed.

    A phrase the model finds implausible as an emergency ("a stroke of luck") becomes a
    generic mention, unless the writer put "now" beside it. With no phrase, the model alone
    reports at its own, higher threshold, but not when the lexicon explains the alarming
    word ("the video kept choking"), negates it ("none of them drank the bleach", unless a
    later clause happens now: ``overtaken``) or the writer says it is over ("she's fine
    now"). On top of the lexicon's categories the model adds only the ones it is sure of
    ("his right side is floppy": stroke, so "note the time"; "the whole bottle, I want it
    over": self-harm, so 988), and for poisoning and self-harm, which so often come
    together, the other one from a lower score.
    """
    assessment = assess(text)
    if finding.reported:
        if assessment.probability < _confirm_at(learned, finding, assessment.scores) and not said_now:
            for category in finding.reported:
                finding.add(finding.generic, category)
            finding.reported.clear()
            return
        for category, score in assessment.scores:
            if score >= learned.added:
                finding.add(finding.reported, category)
        _pair_poisoning_and_self_harm(assessment.scores, learned, finding)
        return
    if explained or over:
        return
    negated = [] if overtaken else finding.negated
    if assessment.probability < learned.alone:
        # not when the writer negated a red flag ("I've never overdosed, I'm careful")
        if assessment.probability >= learned.self_harm_alone and not negated \
                and len(text.split()) >= learned.self_harm_alone_words \
                and assessment.diagnosis < learned.self_harm_alone_verdict:
            for category, score in assessment.scores:
                if category in _self_harm_ids() and score >= learned.self_harm_sure:
                    finding.add(finding.reported, category)
        return
    if assessment.scores[0][0] in negated:
        return  # "none of them drank the bleach": the kind the model sees is one the writer negated
    for category, score in assessment.scores:
        if category in negated:
            continue
        if score >= (learned.self_harm if category in _self_harm_ids() else learned.category):
            finding.add(finding.reported, category)
    _pair_poisoning_and_self_harm(assessment.scores, learned, finding)
    if not finding.reported:
        # No kind is clear: the lexicon's own (a mention it took for general) names it,
        # else the model's likeliest
        fallback = finding.generic or [c for c, _ in assessment.scores if c not in negated][:1]
        for category in fallback:
            finding.add(finding.reported, category)
        finding.generic = [c for c in finding.generic if c not in finding.reported]


def _confirm_at(learned: Learned, finding: RedFlagFinding, scores: tuple[tuple[str, float], ...]) -> float:
    """The model's confirmation the lexicon's phrases need: less for a self-harm phrase
    the model, too, reads as self-harm ("i know exactly how much of my insulin it would
    take": 0.15 emergency, 0.86 self-harm)."""
    if finding.self_harm and any(category in _self_harm_ids() and score >= learned.self_harm_sure
                                 for category, score in scores):
        return learned.self_harm_confirm
    return learned.confirm


def _pair_poisoning_and_self_harm(scores: tuple[tuple[str, float], ...], learned: Learned,
                                  finding: RedFlagFinding) -> None:
    """An overdose said with a goodbye ("took everything in the cabinet lol bye") needs 988
    too, and "I took many pills because I don't want to live" Poison Help too: the partner
    kind is added from a lower score than other kinds (``learned.paired_*``)."""
    reported = set(finding.reported)
    self_harm = bool(reported & _self_harm_ids())
    if not self_harm and not reported & _poisoning_ids():
        return
    partners, threshold = ((_poisoning_ids(), learned.paired_poisoning) if self_harm
                           else (_self_harm_ids(), learned.paired_self_harm))
    for category, score in scores:
        if category in partners and score >= threshold:
            finding.add(finding.reported, category)


def _long_standing(doc: Doc, i: int) -> bool:
    """ "my legs are still weak", "always weak after a walk": the weakness is not new."""
    near = doc[max(0, i - _LONG_STANDING_REACH):i + _LONG_STANDING_REACH + 1]
    return any(t.lower_ in _LONG_STANDING for t in near)


def _acute_onset(doc: Doc, rules: SafetyRules, context: _Context, finding: RedFlagFinding) -> None:
    """LES comes on over weeks: a sudden new weakness or deficit is an emergency, unless
    the writer says the onset was not sudden ("it's not sudden, it comes and goes")."""
    cues = [i for i in rules.onset_cues.positions(doc)
            if not negated_at(doc, i, window=_ONSET_NEGATED_WITHIN)]
    if not cues:
        return
    symptoms = [i for i in rules.onset_symptoms.positions(doc)
                if not negated_at(doc, i) and not _long_standing(doc, i)]
    if not symptoms:
        return
    where = symptoms[0]
    bucket = finding.generic if _not_a_report(doc, doc[where].sent, where, context, rules) \
        else finding.reported
    finding.add(bucket, rules.onset_category)
