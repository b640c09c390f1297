"""Command line: ``python -m bench {compare,soak,profile} [options]`` (see ``--help``)."""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

from bot import paths

CACHE = paths.BUILD / "bench"


def say(text: str) -> None:
    print(text, flush=True)


def _levels(text: str) -> list[int]:
    return [int(x) for x in text.split(",") if x.strip()]


def compare(args: argparse.Namespace) -> int:
    from bench import mix, report, stack
    from bench.load import run_level

    started = time.strftime("%Y-%m-%d %H:%M:%S")
    result: dict = {"started": started, "machine": report.machine(), "levels": args.levels,
                    "warmup_s": args.warmup, "duration_s": args.duration, "notes": []}
    workdir = Path(tempfile.mkdtemp(prefix="les-bench-"))
    say(f"bench: work folder {workdir}; levels {args.levels}, {args.warmup:g}s warm-up + "
        f"{args.duration:g}s per level and bot")
    stacks: list[stack.Stack] = []
    try:
        if args.no_train:
            from bot.ops.train import train

            model, ours_train = train(), None
            cached = stack.cached_baseline(CACHE)
            if cached:
                project, base_model = cached
                base_train = None
            else:
                say("bench: creating the stock bot once (rasa init --no-prompt) ...")
                CACHE.mkdir(parents=True, exist_ok=True)
                project, base_model, base_train = stack.init_baseline(CACHE)
            result["notes"].append("--no-train: existing models reused, training time not measured")
        else:
            say("bench: training our bot from scratch into the work folder (rasa train) ...")
            model, ours_train = stack.train_ours(workdir)
            say(f"bench:   ours trained in {ours_train:.0f}s")
            say("bench: creating and training the stock bot (rasa init --no-prompt) ...")
            project, base_model, base_train = stack.init_baseline(workdir)
            say(f"bench:   baseline created and trained in {base_train:.0f}s")

        say("bench: starting our bot (action server + Rasa server) ...")
        ours = stack.start_ours(model, workdir)
        stacks.append(ours)
        say(f"bench:   first answer after {ours.first_answer_s:.1f}s")
        say("bench: starting the stock bot (Rasa server) ...")
        base = stack.start_baseline(project, base_model, workdir)
        stacks.append(base)
        say(f"bench:   first answer after {base.first_answer_s:.1f}s")
        time.sleep(2)
        watch = stack.MemoryWatch({**stack.pids(ours, "ours"), **stack.pids(base, "baseline")}).start()
        idle = watch.now()

        scripts = {"ours": mix.ours(), "baseline": mix.baseline()}
        levels: dict[str, list[dict]] = {"ours": [], "baseline": []}
        for concurrency in args.levels:
            for bot in (ours, base):
                say(f"bench: {bot.name:8} {concurrency:3} conversations ...")
                lv = run_level(bot.webhook, scripts[bot.name], concurrency, args.warmup, args.duration,
                               require_reply=bot.name == "ours").summary()
                levels[bot.name].append(lv)
                say(f"bench:   {lv['messages_per_s']:7.1f} msg/s  p50 {lv['p50_ms']} ms"
                    f"  p95 {lv['p95_ms']} ms  p99 {lv['p99_ms']} ms"
                    f"  errors {lv['errors']} {lv['problems'] or ''}")
        watch.stop()
        for bot, training in ((ours, ours_train), (base, base_train)):
            result[bot.name] = {
                "levels": levels[bot.name],
                "training_s": None if training is None else round(training, 1),
                "first_answer_s": round(bot.first_answer_s or 0, 1),
                "memory_idle_mb": {n: report.mb(idle[f"{bot.name}.{n}"]) for n in bot.servers},
                "memory_peak_mb": {n: report.mb(watch.peak(f"{bot.name}.{n}")) for n in bot.servers},
            }
        result["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
        result["targets"] = report.targets(result)
        json_path, md_path = report.save(result)
        say("")
        say(report.markdown(result))
        say(f"bench: results in {md_path.relative_to(paths.ROOT)} and {json_path.name}")
        return 0
    finally:
        for running in stacks:
            running.stop()
        if not args.keep:
            stack.remove(workdir)


def soak(args: argparse.Namespace) -> int:
    from bench.soak import run

    return run(args.minutes, args.concurrency, args.interval, say)


def profile(args: argparse.Namespace) -> int:
    from bench.profile import run

    return run(args.messages, args.concurrency, say, args.target)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    sub = parser.add_subparsers(dest="command")
    p = sub.add_parser("compare", help="our bot and the stock Rasa bot side by side (make bench)")
    p.add_argument("--levels", type=_levels, default=[1, 16, 64], help="concurrent conversations (1,16,64)")
    p.add_argument("--duration", type=float, default=30, help="measured seconds per level and bot (30)")
    p.add_argument("--warmup", type=float, default=5, help="unmeasured seconds before each level (5)")
    p.add_argument("--no-train", action="store_true",
                   help="reuse models/ and build/bench/baseline instead of training both (no training time)")
    p.add_argument("--keep", action="store_true", help="keep the work folder (logs, models)")
    p.set_defaults(func=compare)
    s = sub.add_parser("soak", help="our bot under steady load, errors and memory over time (make soak)")
    s.add_argument("--minutes", type=float, default=10)
    s.add_argument("--concurrency", type=int, default=16)
    s.add_argument("--interval", type=float, default=30, help="seconds between report lines (30)")
    s.set_defaults(func=soak)
    f = sub.add_parser("profile", help="pyinstrument profile of the Rasa server handling our mix")
    f.add_argument("--messages", type=int, default=300)
    f.add_argument("--concurrency", type=int, default=8)
    f.add_argument("--target", choices=["rasa", "actions"], default="rasa",
                   help="profile the Rasa server (in this process) or the action server")
    f.set_defaults(func=profile)
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        args = parser.parse_args(["compare", *(argv or sys.argv[1:])])
    return args.func(args)
