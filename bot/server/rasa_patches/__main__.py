"""``python -m bot.server.rasa_patches``: does each patch fit the installed packages? (exit 1 if not)

``--record`` writes the installed versions and signatures to recorded.json: only once
the patches are ported to the new versions and their parity tests pass.
"""

from __future__ import annotations

import argparse
import json
import sys

from bot.server.rasa_patches import installed_version, mismatches, resolve, signature
from bot.server.rasa_patches.registry import PATCHES, RECORDED, VERSIONS


def record() -> dict[str, dict[str, str | None]]:
    """The installed versions and the signature of every name the patches replace or call."""
    targets = sorted({t for patch in PATCHES for t in (*patch.replaces, *patch.uses)})
    return {"versions": {name: installed_version(name) for name in VERSIONS},
            "signatures": {target: signature(resolve(target)) for target in targets}}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--record", action="store_true", help=f"write what is installed to {RECORDED.name}")
    if parser.parse_args(argv).record:
        RECORDED.write_text(json.dumps(record(), indent=2) + "\n", encoding="utf-8")
        print(f"recorded in {RECORDED}")
        return 0
    unfit = 0
    for patch in PATCHES:
        problems = mismatches(patch)
        unfit += bool(problems)
        print(f"{patch.name} ({patch.kind}): {'fits' if not problems else 'DOES NOT FIT'}")
        for problem in problems:
            print(f"  - {problem}")
    return 1 if unfit else 0


if __name__ == "__main__":
    sys.exit(main())
