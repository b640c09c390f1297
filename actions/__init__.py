"""Custom actions served by the Rasa SDK action server (one concern per module).

The data the actions read is loaded when the server imports this package, not on the
first call: an emergency turn's action calls have about a second after the 911 message
(bot/common/deadlines.py), and the first one after a start must not spend it reading YAML.
"""

from bot.knowledge.answer import warm_up as _warm_up_answers
from bot.knowledge.messages import message as _message
from bot.safety.flags import red_flag_labels as _red_flag_labels

_warm_up_answers()
_red_flag_labels()
_message("disclaimer", review_date="")
