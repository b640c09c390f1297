"""Soak: our bot at a steady closed-loop load, errors and memory reported over time."""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from bench import mix, report, stack
from bench.load import Sample, run_timeline


def run(minutes: float, concurrency: int, interval_s: float, say: Callable[[str], None]) -> int:
    from bot.ops.train import train

    workdir = Path(tempfile.mkdtemp(prefix="les-soak-"))
    started = time.strftime("%Y-%m-%d %H:%M:%S")
    say(f"soak: {minutes:g} min at {concurrency} conversations; a line every {interval_s:g}s; "
        f"work folder {workdir}")
    ours = stack.start_ours(train(), workdir)
    say(f"soak: our bot answered after {ours.first_answer_s:.1f}s")
    watch = stack.MemoryWatch(stack.pids(ours, "ours")).start()
    rows: list[dict] = []
    total_errors = [0]
    say(f"{'elapsed':>8} {'msgs':>6} {'msg/s':>7} {'p95 ms':>8} {'errors':>7} {'total':>6} "
        f"{'rasa MB':>8} {'actions MB':>10}")

    def on_interval(elapsed: float, new: list[Sample]) -> None:
        ok = [(s.end - s.start) * 1000 for s in new if s.problem is None]
        errors = sum(1 for s in new if s.problem is not None)
        total_errors[0] += errors
        memory = watch.now()
        row = {"elapsed_s": round(elapsed), "messages": len(new),
               "messages_per_s": round(len(new) / interval_s, 1),
               "p95_ms": round(float(np.percentile(ok, 95)), 1) if ok else None, "errors": errors,
               "rasa_mb": report.mb(memory["ours.rasa"]), "actions_mb": report.mb(memory["ours.actions"])}
        rows.append(row)
        say(f"{row['elapsed_s']:>7}s {row['messages']:>6} {row['messages_per_s']:>7} {row['p95_ms']!s:>8} "
            f"{errors:>7} {total_errors[0]:>6} {row['rasa_mb']:>8} {row['actions_mb']:>10}")

    try:
        samples = run_timeline(ours.webhook, mix.ours(), concurrency, minutes * 60, interval_s, on_interval)
    finally:
        watch.stop()
        ours.stop()
    problems: dict[str, int] = {}
    for s in samples:
        if s.problem:
            problems[s.problem] = problems.get(s.problem, 0) + 1
    first, last = rows[0] if rows else {}, rows[-1] if rows else {}
    # The first minutes fill the per-server conversation cache (LES_TRACKER_CACHE); growth
    # that goes on in the second half is what a leak looks like.
    middle = rows[len(rows) // 2] if rows else {}
    lines = [f"# Soak {started}", "",
             f"{minutes:g} min, {concurrency} conversations, closed loop, our bot (REST). Machine: "
             f"{report.machine()['cpu']}, load average after {[round(x, 2) for x in os.getloadavg()]}.",
             f"Messages: {len(samples)}; errors: {sum(problems.values())} {problems or ''}; "
             f"Rasa server memory {first.get('rasa_mb')} -> {last.get('rasa_mb')} MB, action server "
             f"{first.get('actions_mb')} -> {last.get('actions_mb')} MB (first -> last interval); "
             f"second half: Rasa server {middle.get('rasa_mb')} -> {last.get('rasa_mb')} MB, action "
             f"server {middle.get('actions_mb')} -> {last.get('actions_mb')} MB.", "",
             "| elapsed s | messages | msg/s | p95 ms | errors | Rasa MB | actions MB |",
             "|---:|---:|---:|---:|---:|---:|---:|"]
    lines += [f"| {r['elapsed_s']} | {r['messages']} | {r['messages_per_s']} | {r['p95_ms']} | {r['errors']} "
              f"| {r['rasa_mb']} | {r['actions_mb']} |" for r in rows]
    result = {"started": started, "minutes": minutes, "concurrency": concurrency, "rows": rows,
              "messages": len(samples), "problems": problems, "markdown": "\n".join(lines) + "\n"}
    _, md_path = report.save(result, prefix="soak")
    say("\n" + result["markdown"])
    say(f"soak: report in {md_path}")
    stack.remove(workdir)
    return 0 if not problems else 1
