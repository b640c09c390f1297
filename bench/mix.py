"""The fixed message mixes: one 50-message conversation script per bot.

Ours: 25 article questions (one of them in the middle of the screening), a full
screening (start + 15 answers), 8 small-talk turns and 1 red flag, so one red flag
per 50 messages. The stock Rasa bot (``rasa init``) gets the same shape from its own
intents: 25 mood messages (its content turns, several answered with two or three
messages), 16 yes/no answers, 8 greetings / goodbyes / "are you a bot", and 1 more
mood message where ours has the red flag.
"""

from __future__ import annotations

from dataclasses import dataclass

ARTICLE, SCREENING, SMALL_TALK, RED_FLAG = "article", "screening", "small_talk", "red_flag"


@dataclass(frozen=True)
class Turn:
    text: str
    kind: str


def _turns(kind: str, texts: list[str]) -> list[Turn]:
    return [Turn(t, kind) for t in texts]


_QUESTIONS = [
    "what is lambert eaton syndrome", "why do people get LEMS", "is it linked to lung cancer",
    "is it more common in men or women", "what are the symptoms", "does it cause dry mouth",
    "does the weakness get better with exercise", "what does the doctor check in the exam",
    "how is it diagnosed", "why would they do a CT scan of my chest", "how is LES treated",
    "what is plasmapheresis", "what is IVIg", "is mestinon used for lems",
    "will i get better", "what complications can it cause", "when should i call my doctor",
    "do i have LES?", "is lambert eaton contagious", "can kids get it",
    "what does acetylcholine have to do with it", "is vitiligo related to LES",
    "what medicines are used", "what is the outlook with cancer",
]
_SCREENING_ANSWERS = [
    "yes", "/deny", "not sure", "no", "/affirm", "/deny", "nope", "/skip_question",
    "yes", "no", "/unsure", "/deny", "no", "/affirm", "no",
]


def ours() -> list[Turn]:
    """Our bot's 50-message conversation."""
    questions = _turns(ARTICLE, _QUESTIONS)
    screening = [Turn("can you check my symptoms", SCREENING),
                 *_turns(SCREENING, _SCREENING_ANSWERS[:6]),
                 Turn("what is the treatment for lems", ARTICLE),  # a question mid-screening
                 *_turns(SCREENING, _SCREENING_ANSWERS[6:])]
    return [
        Turn("hi", SMALL_TALK), *questions[:8], Turn("what can you do", SMALL_TALK),
        *screening, Turn("thanks", SMALL_TALK), *questions[8:16], Turn("are you a robot", SMALL_TALK),
        Turn("i cant breathe properly right now", RED_FLAG), Turn("hello", SMALL_TALK),
        *questions[16:], Turn("thank you", SMALL_TALK), Turn("what can i ask", SMALL_TALK),
        Turn("bye", SMALL_TALK),
    ]


def baseline() -> list[Turn]:
    """The stock Rasa bot's 50-message conversation, from its own intents."""
    moods = ["I am sad", "great", "not good", "I'm feeling very good", "so sad",
             "perfect", "unhappy", "I am amazing", "very bad", "extremely good"]
    answers = ["yes", "no", "indeed", "never", "of course", "I don't think so", "sure", "no way"]
    content = _turns(ARTICLE, [moods[i % len(moods)] for i in range(25)])
    yes_no = _turns(SCREENING, [answers[i % len(answers)] for i in range(16)])
    return [
        Turn("hi", SMALL_TALK), *content[:8], Turn("are you a bot?", SMALL_TALK),
        *yes_no, Turn("hello", SMALL_TALK), *content[8:16], Turn("am I talking to a human?", SMALL_TALK),
        Turn("I am extremely sad", RED_FLAG), Turn("good morning", SMALL_TALK),
        *content[16:], Turn("hey there", SMALL_TALK), Turn("bye", SMALL_TALK), Turn("goodbye", SMALL_TALK),
    ]


def counts(script: list[Turn]) -> dict[str, int]:
    found: dict[str, int] = {}
    for turn in script:
        found[turn.kind] = found.get(turn.kind, 0) + 1
    return found
