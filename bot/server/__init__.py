"""Everything the Rasa server process loads, and its entry point.

``python -m bot.server <the arguments of rasa run>`` (``__main__.py`` calls :func:`main`).

It installs the Rasa patches first (bot/server/rasa_patches: checked against the installed
packages; a resilience patch that does not fit stops the start here, with exit code 2
and a message saying what to do), says which are active, checks that the learned
emergency detector is built (Rasa would otherwise log the error and serve with no model),
and then runs Rasa exactly as ``rasa run`` with the same arguments would. Every start of our bot goes through
here (bot/ops/launch.py); plain ``rasa run`` would serve without the patches.
"""

from __future__ import annotations

import sys

REFUSED_EXIT_CODE = 2


def main(argv: list[str] | None = None) -> int:
    from bot.server import rasa_patches  # here, so importing a channel does not load the registry

    args = sys.argv[1:] if argv is None else argv
    try:
        status = rasa_patches.install()
    except (rasa_patches.Refused, ValueError) as error:  # ValueError: a bad LES_* setting
        print(f"error: not starting: {error}", file=sys.stderr, flush=True)
        return REFUSED_EXIT_CODE
    print(f"Rasa patches: {status.summary()}", file=sys.stderr, flush=True)

    from bot.language import message_model

    try:
        message_model.load()
    except message_model.ModelMissing as error:
        print(f"error: not starting: {error}", file=sys.stderr, flush=True)
        return REFUSED_EXIT_CODE

    from rasa.__main__ import main as rasa_main

    sys.argv = ["rasa", "run", *args]
    rasa_main()
    return 0
