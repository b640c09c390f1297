"""How an evaluation tool ends its run: the figures printed as lines, the details written as JSON.

One format for the passed-per-group tables of run_eval, run_round and run_screening_eval,
so their printed figures line up the same way; the JSON reports are what eval/summary.py
reads back for reports/eval.md.
"""

from __future__ import annotations

import json
from pathlib import Path


def passed_line(label: str, ok: int, total: int, width: int) -> str:
    """``label`` padded to ``width``, then ``ok/total`` and the percentage."""
    return f"{label:{width}} {ok:3}/{total:<3} {100 * ok / total:5.1f}%"


def print_and_write(lines: list[str], report: Path, details: object) -> int:
    """Print the run's figures, write its details to ``report`` (folders made as needed); 0 to exit with."""
    print("\n".join(lines))
    report.parent.mkdir(parents=True, exist_ok=True)
    report.write_text(json.dumps(details, indent=1))
    return 0
