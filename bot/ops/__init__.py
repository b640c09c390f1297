"""Command-line tools: train only when needed, launch and supervise the servers, read ``.env``.

Nothing here is loaded by the Rasa server, the action server or the console.
"""
