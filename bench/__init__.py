"""Benchmarks of the LES bot against a stock Rasa bot, a soak test and a profiler.

    python -m bench compare     # both bots, 1 / 16 / 64 conversations (make bench)
    python -m bench soak        # our bot, 16 conversations for 10 minutes (make soak)
    python -m bench profile     # where a message's time goes inside the Rasa server

Results go to reports/bench/ (git-ignored).
"""
