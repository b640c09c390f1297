"""Screening slot accuracy on the held-out multi-symptom messages (tests/eval/screening_set.yml).

Each message goes through the trained model's NLU (the same entities and negation
the server sees) and the screening's answer reading. A (slot, value) pair counts as
right when it matches the expected value; a slot filled that the message does not
speak to counts against precision.

    python -m eval.run_screening_eval [--model models/les-<fingerprint>.tar.gz]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections import Counter
from pathlib import Path

import yaml

from bot.ops.train import model_path
from bot.screening.extract import answers_from_message
from eval import DATA, report

DEFAULT_SET = DATA / "screening_set.yml"


async def predict(model: Path, texts: list[str]) -> list[dict[str, str]]:
    from rasa.core.agent import Agent

    agent = Agent.load(str(model))
    results = []
    for text in texts:
        parsed = await agent.parse_message(text)
        intent = (parsed.get("intent") or {}).get("name") or ""
        results.append(answers_from_message(text, intent, parsed.get("entities") or [], None))
    return results


def score(items: list[dict], predictions: list[dict[str, str]]) -> dict:
    right = wrong = missed = extra = exact = 0
    per_slot: Counter = Counter()
    per_slot_right: Counter = Counter()
    failures = []
    for item, predicted in zip(items, predictions, strict=True):
        expected = {k: str(v) for k, v in item["slots"].items()}
        for slot, value in expected.items():
            per_slot[slot] += 1
            if predicted.get(slot) == value:
                right += 1
                per_slot_right[slot] += 1
            elif slot in predicted:
                wrong += 1
            else:
                missed += 1
        extra += len(set(predicted) - set(expected))
        exact += predicted == expected
        if predicted != expected:
            failures.append({"text": item["text"], "expected": expected, "predicted": predicted})
    filled = right + wrong + extra
    total = right + wrong + missed
    precision = right / filled if filled else 0.0
    recall = right / total if total else 0.0
    return {
        "messages": len(items), "exact": exact, "precision": precision, "recall": recall,
        "f1": 2 * precision * recall / (precision + recall) if precision + recall else 0.0,
        "per_slot": {s: (per_slot_right[s], per_slot[s]) for s in sorted(per_slot)},
        "failures": failures,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=None)
    parser.add_argument("--set", type=Path, default=DEFAULT_SET)
    parser.add_argument("--report", type=Path, default=Path("reports/screening_eval.json"))
    args = parser.parse_args(argv)
    items = yaml.safe_load(args.set.read_text())["items"]
    model = args.model or model_path()
    result = score(items, asyncio.run(predict(model, [i["text"] for i in items])))
    for failure in result["failures"]:
        print(f"MISS {failure['text']!r}")
        print(f"      expected {failure['expected']}\n      got      {failure['predicted']}")
    lines = [f"\n{'slot':28} right/asked"]
    lines += [report.passed_line(slot, ok, n, 28) for slot, (ok, n) in result["per_slot"].items()]
    lines += [f"screening slot precision   {100 * result['precision']:5.1f}%",
              f"screening slot recall      {100 * result['recall']:5.1f}%",
              f"screening slot F1          {100 * result['f1']:5.1f}%",
              f"messages fully right       {result['exact']}/{result['messages']}"]
    return report.print_and_write(lines, args.report, result)


if __name__ == "__main__":
    sys.exit(main())
