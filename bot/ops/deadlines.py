"""Old name of :mod:`bot.common.deadlines`, kept for bot/safety/early_reply.py only.

At run time this module is replaced by bot.common.deadlines itself (the same module
object, so a test that patches one patches both); the star import is for type checkers.
Remove it once early_reply imports ``bot.common.deadlines`` (tests/unit/test_layers.py
lists that import as its one allowed exception).
"""

import sys

from bot.common import deadlines as _deadlines
from bot.common.deadlines import *  # noqa: F403

sys.modules[__name__] = _deadlines
