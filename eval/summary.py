"""`make eval`'s summary, reports/eval.md: the figures of every report the run wrote, in one page.

Read from the JSON reports in reports/ (held-out sets, safety rounds, screening, NLU
cross-validation), so the summary says what this run measured, dated and with its commit;
the recorded first runs of the safety rounds are added from tests/eval/rounds/first_runs.yml.
"""

from __future__ import annotations

import json
import subprocess
import time
from pathlib import Path

from bot import paths


def _share(oks: list[bool]) -> str:
    return f"{sum(oks)}/{len(oks)} ({100 * sum(oks) / len(oks):.1f}%)" if oks else "–"


def _results(path: Path) -> list[dict]:
    return json.loads(path.read_text()) if path.exists() else []


def _commit() -> str:
    result = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=paths.ROOT, capture_output=True,
                            text=True)
    return result.stdout.strip() or "unknown"


def _passed_table(reports: Path, names: list[str], header: list[str], key: str,
                  groups: list[tuple[str, ...]]) -> list[str]:
    """A Markdown table with a row per named set whose JSON report is in ``reports``: how many of
    its results passed, then how many of those whose ``key`` is in each of ``groups``."""
    rows = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for name in names:
        results = _results(reports / name.replace(".yml", ".json"))
        if not results:
            continue
        passed = [(r[key], not r["problems"]) for r in results]
        shares = [_share([ok for _, ok in passed]),
                  *(_share([ok for value, ok in passed if value in group]) for group in groups)]
        rows.append("| " + " | ".join([f"`{name}`", *shares]) + " |")
    return rows


def held_out_rows(reports: Path, names: list[str]) -> list[str]:
    return _passed_table(reports, names,
                         ["set", "all behaviours", "emergency recall", "negation correctness (no 911)"],
                         "category", [("emergency",), ("negated_emergency",)])


def round_rows(reports: Path, names: list[str]) -> list[str]:
    return _passed_table(reports, names,
                         ["round", "all", "emergency (incl. in the symptom check)", "context (no 911)"],
                         "kind", [("emergency", "emergency_midform"), ("context",)])


def write(reports: Path, held_out: list[str], rounds: list[str], first_runs: str,
          held_out_rounds: list[str] | None = None) -> Path:
    """Write reports/eval.md from the reports present; parts whose report is missing are left out.
    ``held_out_rounds``: held-out sets in the rounds' format (never trained on)."""
    lines = [f"# make eval, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, commit {_commit()}", "",
             "Reading levels: [readability.md](readability.md).", "",
             "## Held-out sets", "", *held_out_rows(reports, held_out), "",
             *([*round_rows(reports, held_out_rounds), ""] if held_out_rounds else []),
             "## Safety rounds (regression: their fixes are in)", "", *round_rows(reports, rounds), "",
             "First runs, the figures that predict unseen messages (recorded once):", "",
             "```", first_runs, "```", ""]
    screening = reports / "screening_eval.json"
    if screening.exists():
        s = json.loads(screening.read_text())
        lines += ["## Screening slots", "",
                  f"{s['messages']} held-out multi-symptom messages: F1 {100 * s['f1']:.1f}% "
                  f"(precision {100 * s['precision']:.1f}%, recall {100 * s['recall']:.1f}%); "
                  f"{s['exact']} fully right.", ""]
    intents = reports / "nlu" / "intent_report.json"
    if intents.exists():
        r = json.loads(intents.read_text())
        lines += ["## NLU cross-validation", "",
                  f"Intent F1, macro {r['macro avg']['f1-score']:.3f}, "
                  f"weighted {r['weighted avg']['f1-score']:.3f}.", ""]
    out = reports / "eval.md"
    out.write_text("\n".join(lines))
    return out
