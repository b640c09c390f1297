"""The pictures in the docs (``make screenshot``, ``python -m screenshot``): the widget and the
review console, taken with Debian's chromium from real conversations with a bot of its own.

A tool, not a test: it reuses the test helpers in tests/support/ (servers, the console
stack, chromium, the widget's page object) and writes to build/screenshots/.
"""
