"""Negation scope for LES entities, on top of negspacy's NegEx trigger lists.

negspacy negates an entity when a trigger appears anywhere earlier in the
sentence. For a safety bot that is too wide: in "no fever and I can't breathe"
the "no" must not cancel the emergency. This component keeps negspacy's trigger
matching (same termsets) but limits the scope to a window of words, ends it at
"and I", "but", "so", ..., and for red flags also at commas.
Inability phrases ("can't", "cannot") are symptoms here, not negations.
"""


from negspacy.negation import Negex
from negspacy.termsets import termset
from spacy.language import Language
from spacy.tokens import Doc, Span

WINDOW = 5
RED_FLAG_LABEL = "red_flag"

# A negative subject negates its clause's verb, however far ("nobody in the house has had a
# seizure"): it reaches to the clause's end (the red-flag breaks) instead of the word window.
_SUBJECT_NEGATIONS = {"nobody", "no one", "noone", "no-one", "none", "neither"}
SUBJECT_WINDOW = 12
_NOT_NEGATIONS = {"cannot", "can't", "cant", "couldn't", "couldnt", "versus", "doubt", "declined"}
_EXTRA_PRECEDING = [
    "haven't", "havent", "have not", "hasn't", "hasnt", "has not", "had no", "have no",
    "has no", "not any", "nor", *sorted(_SUBJECT_NEGATIONS), "zero", "never had", "no more",
    "not had", "not having", "no sign", "free from", "ain't", "aint",
]
_EXTRA_FOLLOWING = [
    "is fine", "are fine", "is ok", "are ok", "is okay", "are okay", "is normal",
    "are normal", "is good", "are good", "is alright", "not a problem", "no problem",
    "no problems", "is not a problem", "is not an issue", "has been fine", "have been fine",
    "has been ok", "not really", "fine", "just fine", "normally",
    "without problems", "without any problem", "without any problems",
]
# "not joking, I can't breathe": a denied joke, whose "not" negates nothing after it
_JOKES = ("joking", "kidding", "joke", "lying", "lie")
DENIED_JOKES = [f"{no} {joke}" for no in ("not", "no") for joke in _JOKES] + [
    "not even joking", "not even kidding", "im not joking", "i'm not joking"]
_EXTRA_PSEUDO = [
    *DENIED_JOKES, "no longer", "not sure", "don't know", "dont know", "do not know", "no idea",
    "not know", "doesn't matter", "not even", "not stop", "won't stop", "wont stop",
    "can't stop", "cant stop", "not go away", "not getting better", "no better",
    "not better", "not improving", "not help", "doesn't help", "nothing helps",
]
_EXTRA_TERMINATION = [
    "and i", "and my", "and he", "and she", "and now", "and it", "and his", "and her",
    "and then", "now", "so", "because", "since", "then", "while", "plus", "also",
    "except", "only", "just", "though", "although",
]
# hyphen, en dash, em dash: "no — I'm thinking of killing myself" is an answer, then a clause
DASHES = ("-", "–", "—", "--")
_RED_FLAG_BREAKS = {",", ";", "and", "&", *DASHES, "but", ".", "...", "…", "!", "?", ":"}
# ... and a new clause's subject and verb: "my wife can not breed she is turning blue"
# (voice typing) does not negate the blue lips
_NEW_CLAUSES = {("she", "is"), ("he", "is"), ("she", "'s"), ("he", "'s"), ("they", "are"), ("it", "is"),
                ("she", "was"), ("he", "was"), ("his", "lips"), ("her", "lips"), ("his", "face"),
                ("her", "face")}
# "no" answering the bot's question, then a clause of its own ("no the co alarm is going off",
# "no im choking" typed without a comma): an answer, not a negation of what follows.
_CLAUSE_OPENERS = {
    "i", "im", "i'm", "ive", "i've", "the", "my", "we", "we're", "were", "our", "he", "he's",
    "hes", "she", "she's", "shes", "his", "her", "they", "they're", "their", "it", "it's",
    "its", "there", "there's", "theres", "this", "that", "someone", "somebody",
}


def les_termset() -> dict[str, list[str]]:
    """negspacy's clinical termset adapted to patients' words."""
    patterns = termset("en_clinical").get_patterns()
    patterns["preceding_negations"] = [
        p for p in patterns["preceding_negations"] if p not in _NOT_NEGATIONS
    ] + _EXTRA_PRECEDING
    patterns["following_negations"] = patterns["following_negations"] + _EXTRA_FOLLOWING
    patterns["pseudo_negations"] = patterns["pseudo_negations"] + _EXTRA_PSEUDO
    patterns["termination"] = patterns["termination"] + _EXTRA_TERMINATION
    return patterns


class WindowedNegex(Negex):
    """NegEx with a word window and stricter breaks around red flags."""

    def __init__(self, nlp: Language, name: str, neg_termset: dict, ent_types: list,
                 extension_name: str, chunk_prefix: list, window: int) -> None:
        super().__init__(nlp, name, neg_termset, ent_types, extension_name, chunk_prefix)
        self.window = window

    def _breaks_between(self, doc: Doc, start: int, end: int) -> bool:
        return any(doc[i].lower_ in _RED_FLAG_BREAKS or (doc[i].lower_, doc[i + 1].lower_) in _NEW_CLAUSES
                   for i in range(start, end))

    def negex(self, doc: Doc) -> Doc:
        preceding, following, terminating = self.process_negations(doc)
        preceding = [p for p in preceding
                     if not _answer_no(doc, p[1], p[2]) and not exclaimed_no(doc, p[1], p[2])]
        for start, end in self.termination_boundaries(doc, terminating):
            before = [(s, e) for _, s, e in preceding if start <= s < end]
            after = [(s, e) for _, s, e in following if start <= s < end]
            for ent in doc[start:end].ents:
                if self.ent_types and ent.label_ not in self.ent_types:
                    continue
                ent._.set(self.extension_name, self._is_negated(doc, ent, before, after))
        return doc

    def _is_negated(self, doc: Doc, ent: Span, before: list, after: list) -> bool:
        strict = ent.label_ == RED_FLAG_LABEL
        for s, e in before:
            window = SUBJECT_WINDOW if doc[s:e].text.lower() in _SUBJECT_NEGATIONS else self.window
            in_window = s < ent.start and ent.start - e <= window
            if in_window and not (strict and self._breaks_between(doc, e, ent.start)):
                return True
        for s, _ in after:
            in_window = s >= ent.end and s - ent.end <= self.window
            if in_window and not (strict and self._breaks_between(doc, ent.end, s)):
                return True
        return False


# "oh no, he can't breathe", "uh no no no my baby is choking": an exclamation of alarm
_EXCLAMATIONS = {"oh", "ohh", "ohhh", "uh", "omg", "o"}
_BETWEEN_NOS = {"no", ",", "!", "..."}


def exclaimed_no(doc: Doc, start: int, end: int) -> bool:
    """The trigger is a "no" of an exclamation ("oh no", "oh no no"), which negates nothing."""
    if doc[start:end].text.lower() != "no":
        return False
    i = start - 1
    while i >= 0 and doc[i].lower_ in _BETWEEN_NOS:
        i -= 1
    return i >= 0 and doc[i].lower_ in _EXCLAMATIONS


def denies_a_joke(doc: Doc, i: int) -> bool:
    """Token ``i`` is the "not" / "no" of "not joking", "no kidding"."""
    return doc[i].lower_ in ("not", "no") and i + 1 < len(doc) and doc[i + 1].lower_ in _JOKES


# what may stand between an answering "no" and its own clause ("no — i'm thinking of ...");
# not a comma: "no, my mouth is fine" answered the question and is read as before
_ANSWER_PAUSES = {"...", "…", *DASHES}
# ... and the words of someone interrupting themselves ("no wait my wife is not waking up")
_INTERJECTIONS = {"wait", "actually", "sorry", "listen", "help", "please", "hold", "hang", "on", "stop"}


def _answer_no(doc: Doc, start: int, end: int) -> bool:
    """The trigger is a bare "no" opening the message or a sentence, followed by a clause
    with its own subject."""
    if doc[start:end].text.lower() != "no" or end >= len(doc):
        return False
    opens = start == 0 or doc[start - 1].is_punct or doc[start].is_sent_start
    after = end
    while after < len(doc) - 1 and (doc[after].text in _ANSWER_PAUSES or doc[after].lower_ in _INTERJECTIONS):
        after += 1
    return bool(opens) and doc[after].lower_ in _CLAUSE_OPENERS


@Language.factory(
    "les_negex",
    default_config={
        "neg_termset": None,
        "ent_types": [],
        "extension_name": "negex",
        "chunk_prefix": [],
        "window": WINDOW,
    },
)
def make_negex(nlp: Language, name: str, neg_termset: dict | None, ent_types: list,
               extension_name: str, chunk_prefix: list, window: int) -> WindowedNegex:
    """Registered so the saved pipeline loads with ``spacy.load``."""
    return WindowedNegex(nlp, name, neg_termset or les_termset(), ent_types,
                         extension_name, chunk_prefix, window)
