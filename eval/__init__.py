"""Evaluation tools (``make eval``, ``make context-eval``): run the held-out sets, the safety
rounds and the screening set against the bot and sum up the figures.

The data they read stays under tests/eval/ (held-out sets) and tests/eval/rounds/ (safety
rounds); never run by pytest.
"""

from bot import paths

DATA = paths.ROOT / "tests" / "eval"
ROUNDS = paths.ROUNDS
