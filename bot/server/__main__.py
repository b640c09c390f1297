"""``python -m bot.server <the arguments of rasa run>``: install the Rasa patches, then run Rasa."""

import sys

from bot.server import main

sys.exit(main())
