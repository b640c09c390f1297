"""`python -m bot.plain.report`: reading levels of every patient-facing text (run by `make eval`).

Prints and writes reports/readability.md (a table: median and max Flesch-Kincaid
grade and SMOG per kind, against its limit, then every text over a limit) and
reports/readability.json (every text's scores). The article passages' source text is
scored too, as "answers (source text)", to show what the plain versions changed.
Exit code 1 when a kind is over its limit, like the unit test.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from dataclasses import asdict
from pathlib import Path

from bot import paths
from bot.knowledge.article import load_article
from bot.plain import readability
from bot.plain.readability import Scored

SOURCE_KIND = "answers (source text)"


def source_scores() -> list[Scored]:
    """The article passages as the bot sent them before the plain versions."""
    return [Scored(SOURCE_KIND, f"article.yml {p.id}", p.text, readability.grade(p.text),
                   readability.smog(p.text)) for p in load_article().passages]


def table(scored: list[Scored]) -> list[str]:
    limits = readability.limits()
    rows = ["| kind | texts | FK grade median | FK grade max | SMOG median | SMOG max "
            "| limit (median / max) | within |", "|---|---:|---:|---:|---:|---:|---|---|"]
    for kind in (*readability.KINDS, SOURCE_KIND):
        mine = [s for s in scored if s.kind == kind]
        if not mine:
            continue
        grades, smogs = [s.grade for s in mine], [s.smog for s in mine]
        limit = limits.get(kind)
        within = "—" if limit is None else "yes" if not readability.too_hard(scored, kind) else "**no**"
        shown = "—" if limit is None else f"{limit.median:g} / {limit.max:g}"
        rows.append(f"| {kind} | {len(mine)} | {statistics.median(grades):.1f} | {max(grades):.1f} | "
                    f"{statistics.median(smogs):.1f} | {max(smogs):.1f} | {shown} | {within} |")
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=paths.ROOT / "reports")
    args = parser.parse_args(argv)
    scored = readability.score_all()
    everything = scored + source_scores()
    over = [line for kind in readability.KINDS for line in readability.too_hard(scored, kind)]
    lines = ["# Reading levels of patient-facing texts", "",
             "Flesch-Kincaid grade (the limits apply to it) and SMOG, US school grades; drug and test "
             "names not scored (data/readability.yml says how texts are scored).", "",
             *table(everything), ""]
    lines += ["## Over a limit", "", *([f"- {line}" for line in over] or ["none"]), ""]
    hardest = sorted(scored, key=lambda s: s.grade, reverse=True)[:10]
    lines += ["## Hardest ten", "",
              *[f"- {s.grade:.1f} {s.name}: {s.text[:100]}".replace("\n", " / ") for s in hardest], ""]
    text = "\n".join(lines)
    print(text)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "readability.md").write_text(text, encoding="utf-8")
    (args.out / "readability.json").write_text(json.dumps([asdict(s) for s in everything], indent=1),
                                               encoding="utf-8")
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
