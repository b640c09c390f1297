"""Run the held-out evaluation set against a running bot's REST channel.

    python -m eval.run_eval [--url http://localhost:5005] [--set tests/eval/eval_set.yml]

Each item goes to a fresh conversation. Prints accuracy per category, emergency
recall, negation correctness and every failure with the bot's reply; writes the
details to reports/eval.json. Exit code 0 unless the server could not be reached.
"""

from __future__ import annotations

import argparse
import sys
import uuid
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

import requests
import yaml

from eval import DATA, report
from tests.support import checks

DEFAULT_SET = DATA / "eval_set.yml"


def ask(url: str, text: str) -> list[str]:
    response = requests.post(
        f"{url}/webhooks/rest/webhook",
        json={"sender": f"eval-{uuid.uuid4().hex}", "message": text},
        timeout=60,
    )
    response.raise_for_status()
    return checks.texts(response.json())


def ask_each(url: str, items: list[dict], ask_one: Callable[[dict], list[str]]) -> list[list[str]] | None:
    """The bot's replies to every item, with progress on stderr; None when it cannot be reached."""
    answers = []
    try:
        for n, item in enumerate(items, 1):
            answers.append(ask_one(item))
            print(f"\r{n}/{len(items)} asked", end="", file=sys.stderr, flush=True)
    except requests.RequestException as error:
        print(f"\ncannot reach the bot at {url}: {error}", file=sys.stderr)
        return None
    print(file=sys.stderr)
    return answers


def print_failures(results: list[dict], label: Callable[[dict], str]) -> None:
    """Every failed item with why and the bot's replies."""
    for r in results:
        if r["problems"]:
            print(f"FAIL {label(r)}: {'; '.join(r['problems'])}")
            for reply in r["replies"]:
                print(f"      > {reply[:160]}")


def failures_for(item: dict, replies: list[str]) -> list[str]:
    """Why this item's replies break its expectation (empty when they pass)."""
    expect = item["expect"]
    problems = []
    first = replies[0] if replies else ""
    last = replies[-1] if replies else ""
    if expect.get("emergency") is True and not checks.is_emergency(first):
        problems.append("first message is not the emergency message")
    if expect.get("emergency") is False and any(checks.is_emergency(r) for r in replies):
        problems.append("emergency message sent")
    if expect.get("expect_988") is True and "988" not in first:
        problems.append("988 missing")
    if expect.get("disclaimer") is True and not checks.is_disclaimer(last):
        problems.append("disclaimer is not last")
    if expect.get("disclaimer") is False and any(checks.is_disclaimer(r) for r in replies):
        problems.append("unexpected disclaimer")
    if expect.get("section") and not checks.names_section(replies, expect["section"]):
        problems.append(f"section {expect['section']!r} not named")
    mentions = expect.get("mentions_any")
    if mentions and not any(m.lower() in " ".join(replies).lower() for m in mentions):
        problems.append(f"none of {mentions} mentioned")
    if expect.get("no_verdict") and checks.gives_verdict(replies):
        problems.append("gives a verdict")
    if expect.get("not_covered") and not any(checks.NOT_COVERED_MARK in r for r in replies):
        problems.append("no 'not covered' answer")
    if expect.get("fallback") and not any(checks.FALLBACK_MARK in r for r in replies):
        problems.append("no fallback")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://localhost:5005")
    parser.add_argument("--set", type=Path, default=DEFAULT_SET)
    parser.add_argument("--report", type=Path, default=Path("reports/eval.json"))
    args = parser.parse_args(argv)
    items = yaml.safe_load(args.set.read_text())["items"]
    per_category: dict[str, list[bool]] = defaultdict(list)
    answers = ask_each(args.url, items, lambda item: ask(args.url, item["text"]))
    if answers is None:
        return 2
    results = []
    for item, replies in zip(items, answers, strict=True):
        problems = failures_for(item, replies)
        per_category[item["category"]].append(not problems)
        results.append({"text": item["text"], "category": item["category"],
                        "problems": problems, "replies": replies})
    print_failures(results, lambda r: f"[{r['category']}] {r['text']!r}")
    lines = [f"\n{'category':24} passed"]
    lines += [report.passed_line(category, sum(oks), len(oks), 24)
              for category, oks in sorted(per_category.items())]
    total = [ok for oks in per_category.values() for ok in oks]
    emergency = per_category.get("emergency", [])
    negated = per_category.get("negated_emergency", [])
    lines.append(report.passed_line("overall", sum(total), len(total), 24))
    if emergency:
        lines.append(f"emergency recall         {100 * sum(emergency) / len(emergency):5.1f}%")
    if negated:
        lines.append(f"negation correctness     {100 * sum(negated) / len(negated):5.1f}%")
    return report.print_and_write(lines, args.report, results)


if __name__ == "__main__":
    sys.exit(main())
