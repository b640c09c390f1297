"""Intent names that several layers test for, written once: the two that mean "no answer
was placed", the prefix of every question intent, and the request for the article's words.

Rasa's FallbackClassifier sets ``nlu_fallback`` when no intent is confident enough; our
scope marker and guards set ``out_of_scope`` when the question is about something else.
The NLU guards set them, the answer retriever treats both as "search the article",
the actions and the review console read them back: each imports the name from here so a
rename cannot leave one of them matching a name that no longer occurs.
"""

from __future__ import annotations

NLU_FALLBACK = "nlu_fallback"
OUT_OF_SCOPE = "out_of_scope"
# The intents without a story of their own: the answer comes from retrieval and the
# review console lists them as fallbacks.
FALLBACK_INTENTS = (NLU_FALLBACK, OUT_OF_SCOPE)
# Every intent that asks something about LES starts with this ("ask_outlook", ...).
QUESTION_PREFIX = "ask_"
# "Show the article's words": the last answer again, unsimplified; the answer buttons send it.
SHOW_SOURCE = "show_source"
