"""Low-level pieces more than one process uses, importing nothing above bot/paths.py.

Turn deadlines (Rasa server, launcher), the rate limiter (Rasa server's channels, the
review console's logins), where the conversation store is (Rasa server's tracker store,
console, launcher) and the Slack settings (Slack channel, launcher). Nothing here imports
Rasa at import time (deadlines.py does inside the functions only the Rasa server calls),
so the console and the command-line tools stay quick to start.
"""
