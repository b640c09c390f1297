"""Figures side by side, ratios, the targets, and the files under reports/bench/."""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
from pathlib import Path

import psutil

from bot import paths

REPORTS = paths.ROOT / "reports" / "bench"
MB = 1024 * 1024


def machine() -> dict:
    cpu = platform.processor() or ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    import rasa

    memory_gb = round(psutil.virtual_memory().total / 1024**3, 1)
    return {"cpu": cpu, "cores": os.cpu_count(), "memory_gb": memory_gb,
            "os": platform.platform(), "python": platform.python_version(), "rasa": rasa.__version__,
            "load_average": [round(x, 2) for x in os.getloadavg()]}


def now_stamp() -> str:
    return dt.datetime.now().strftime("%Y%m%d-%H%M%S")


def _ratio(a: float | None, b: float | None) -> float | None:
    return None if a is None or not b else round(a / b, 2)


def _fmt(value: object, unit: str = "") -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:,.1f}{unit}"
    return f"{value}{unit}"


def targets(result: dict) -> list[dict]:
    """The issue's targets, each with whether this run meets it."""
    ours, base = result["ours"], result["baseline"]
    levels = [lv["concurrency"] for lv in ours["levels"]]
    single = min(levels)
    o1 = next(lv for lv in ours["levels"] if lv["concurrency"] == single)
    b1 = next(lv for lv in base["levels"] if lv["concurrency"] == single)
    o_sat = max(lv["messages_per_s"] for lv in ours["levels"])
    b_sat = max(lv["messages_per_s"] for lv in base["levels"])
    errors = sum(lv["errors"] for lv in ours["levels"])
    stack_mb = ours["memory_peak_mb"]["rasa"] + ours["memory_peak_mb"].get("actions", 0)
    base_mb = base["memory_peak_mb"]["rasa"]
    return [
        {"target": f"single-conversation p50 no worse than baseline ({single} conversation)",
         "ours": o1["p50_ms"], "baseline": b1["p50_ms"], "ratio": _ratio(o1["p50_ms"], b1["p50_ms"]),
         "met": o1["p50_ms"] is not None and b1["p50_ms"] is not None and o1["p50_ms"] <= b1["p50_ms"]},
        {"target": "saturated throughput >= 2x baseline (best level, messages/s)",
         "ours": o_sat, "baseline": b_sat, "ratio": _ratio(o_sat, b_sat), "met": o_sat >= 2 * b_sat},
        {"target": "no errors (all levels)", "ours": errors,
         "baseline": sum(lv["errors"] for lv in base["levels"]), "ratio": None, "met": errors == 0},
        {"target": "whole-stack memory within 1.5x of the baseline server (peak MB)",
         "ours": round(stack_mb, 1), "baseline": round(base_mb, 1), "ratio": _ratio(stack_mb, base_mb),
         "met": stack_mb <= 1.5 * base_mb},
    ]


def markdown(result: dict) -> str:
    ours, base = result["ours"], result["baseline"]
    m = result["machine"]
    lines = [
        f"# Benchmark {result['started']}",
        "",
        f"Machine: {m['cpu']}, {m['cores']} cores, {m['memory_gb']} GB, {m['os']}; Python {m['python']}, "
        f"Rasa {m['rasa']}. Load average before / after: {m['load_average']} / "
        f"{result.get('load_average_after')}.",
        f"Per level: {result['warmup_s']} s warm-up, {result['duration_s']} s measured; closed loop over "
        f"the REST channel; 50-message conversation scripts (bench/mix.py).",
        "",
        "| conversations | bot | messages/s | p50 ms | p95 ms | p99 ms | errors |",
        "|---:|---|---:|---:|---:|---:|---:|",
    ]
    for o_lv, b_lv in zip(ours["levels"], base["levels"], strict=True):
        for name, lv in (("ours", o_lv), ("baseline", b_lv)):
            lines.append(f"| {lv['concurrency']} | {name} | {_fmt(lv['messages_per_s'])} "
                         f"| {_fmt(lv['p50_ms'])} | {_fmt(lv['p95_ms'])} | {_fmt(lv['p99_ms'])} "
                         f"| {lv['errors']} |")
        lines.append(f"| {o_lv['concurrency']} | **ours / baseline** "
                     f"| **{_fmt(_ratio(o_lv['messages_per_s'], b_lv['messages_per_s']), 'x')}** "
                     f"| **{_fmt(_ratio(o_lv['p50_ms'], b_lv['p50_ms']), 'x')}** "
                     f"| **{_fmt(_ratio(o_lv['p95_ms'], b_lv['p95_ms']), 'x')}** "
                     f"| **{_fmt(_ratio(o_lv['p99_ms'], b_lv['p99_ms']), 'x')}** | |")
    o_mem, b_mem = ours["memory_peak_mb"], base["memory_peak_mb"]
    lines += [
        "",
        "| | ours | baseline | ours / baseline |",
        "|---|---:|---:|---:|",
        f"| Rasa server memory, idle after start (MB) | {_fmt(ours['memory_idle_mb']['rasa'])} "
        f"| {_fmt(base['memory_idle_mb']['rasa'])} "
        f"| {_fmt(_ratio(ours['memory_idle_mb']['rasa'], base['memory_idle_mb']['rasa']), 'x')} |",
        f"| Rasa server memory, peak under load (MB) | {_fmt(o_mem['rasa'])} | {_fmt(b_mem['rasa'])} "
        f"| {_fmt(_ratio(o_mem['rasa'], b_mem['rasa']), 'x')} |",
        f"| action server memory, peak (MB) | {_fmt(o_mem.get('actions'))} | — (none) | |",
        f"| whole stack, peak (MB) | {_fmt(o_mem['rasa'] + o_mem.get('actions', 0))} | {_fmt(b_mem['rasa'])} "
        f"| {_fmt(_ratio(o_mem['rasa'] + o_mem.get('actions', 0), b_mem['rasa']), 'x')} |",
        f"| training time (s) | {_fmt(ours['training_s'])} | {_fmt(base['training_s'])} "
        f"| {_fmt(_ratio(ours['training_s'], base['training_s']), 'x')} |",
        f"| start to first answer (s) | {_fmt(ours['first_answer_s'])} | {_fmt(base['first_answer_s'])} "
        f"| {_fmt(_ratio(ours['first_answer_s'], base['first_answer_s']), 'x')} |",
        "",
        "| target | ours | baseline | ratio | met |",
        "|---|---:|---:|---:|---|",
    ]
    for t in result["targets"]:
        lines.append(f"| {t['target']} | {_fmt(t['ours'])} | {_fmt(t['baseline'])} | {_fmt(t['ratio'], 'x')} "
                     f"| {'yes' if t['met'] else '**no**'} |")
    problems = {lv["concurrency"]: lv["problems"] for lv in ours["levels"] if lv["problems"]}
    if problems:
        lines += ["", f"Our errors by level: {problems}"]
    if result.get("notes"):
        lines += ["", *[f"- {n}" for n in result["notes"]]]
    return "\n".join(lines) + "\n"


def save(result: dict, prefix: str = "bench") -> tuple[Path, Path]:
    REPORTS.mkdir(parents=True, exist_ok=True)
    stamp = result["started"].replace(":", "").replace("-", "").replace(" ", "-")
    json_path = REPORTS / f"{prefix}-{stamp}.json"
    md_path = REPORTS / f"{prefix}-{stamp}.md"
    json_path.write_text(json.dumps(result, indent=2))
    md_path.write_text(markdown(result) if prefix == "bench" else result.get("markdown", ""))
    (REPORTS / f"{prefix}-latest.md").write_text(md_path.read_text())
    (REPORTS / f"{prefix}-latest.json").write_text(json_path.read_text())
    return json_path, md_path


def mb(value: int) -> float:
    return round(value / MB, 1)
