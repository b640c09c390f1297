"""Compare the emergency detector's operating points leaving one round out.

    python -m eval.leave_one_round_out [--rounds 5-22] [--try self_harm_alone=0.4 ...]

For each recorded round, the learned message model is trained without it (the NLU data,
data/learned/ and every other recorded round), and the detector (bot/safety/detect.py)
reads the round's messages with that model: the figures say how the operating point does
on wordings its model never saw, which the rounds' regression runs cannot. Each
``--try`` names a variant of red_flags.yml's ``learned`` section (``name=value`` pairs
joined by commas); the current one is always the first row. The emergency's first
message is judged as run_round.py does from the detector's categories: caught, Poison
Help for poisoning, 988 exactly when self-harm is said, stroke's own message for a stroke.
docs/safety/learned-detector.md quotes what this printed when an operating point moved.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import yaml

from bot.language import message_model, pipeline
from bot.safety import detect
from bot.safety.rules import Learned, load_rules


@dataclass
class Tally:
    emergencies: int = 0
    caught: int = 0
    right: int = 0
    context: int = 0
    context_alarms: int = 0
    others: int = 0
    other_alarms: int = 0

    def row(self, name: str) -> str:
        return (f"| {name} | {self.caught}/{self.emergencies} | {self.right}/{self.emergencies} | "
                f"{self.context_alarms}/{self.context} | {self.other_alarms}/{self.others} |")


def _round_range(spec: str) -> set[int]:
    first, _, last = spec.partition("-")
    return set(range(int(first), int(last or first) + 1))


def _variant(spec: str, base: Learned) -> Learned:
    values = dict(pair.split("=", 1) for pair in spec.split(",") if pair)
    unknown = set(values) - {f.name for f in dataclasses.fields(Learned)}
    if unknown:
        raise SystemExit(f"unknown operating-point names: {', '.join(sorted(unknown))}")
    return dataclasses.replace(base, **{k: float(v) for k, v in values.items()})


@contextmanager
def _detector(model: dict, learned: Learned) -> Iterator[None]:
    """The detector with this model and operating point (restored afterwards)."""
    rules = load_rules()
    scorer = message_model._Scorer(model)
    saved_scorer, saved_rules = message_model._scorer, detect.load_rules
    message_model._scorer = lambda: scorer  # type: ignore[assignment]
    detect.load_rules = lambda: dataclasses.replace(rules, learned=learned)  # type: ignore[assignment]
    message_model.assess.cache_clear()
    try:
        yield
    finally:
        message_model._scorer, detect.load_rules = saved_scorer, saved_rules  # type: ignore[assignment]
        message_model.assess.cache_clear()


def _judge(item: dict, reported: list[str], tally: Tally) -> None:
    kind = str(item["kind"])
    if kind.startswith("emergency"):
        tally.emergencies += 1
        if not reported:
            return
        tally.caught += 1
        topic = str(item.get("topic") or "")
        category = message_model._TOPIC_CATEGORY.get(topic, topic)
        self_harm = "self_harm" in reported
        right = self_harm == bool(item.get("self_harm"))
        if category in ("poisoning", "stroke"):
            right = right and category in reported
        tally.right += right
    elif kind == "context":
        tally.context += 1
        tally.context_alarms += bool(reported)
    else:
        tally.others += 1
        tally.other_alarms += bool(reported)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", default="5-99", help="round numbers to leave out in turn, e.g. 5-22")
    parser.add_argument("--try", dest="variants", action="append", default=[],
                        help="an operating point to compare, e.g. self_harm_alone=0.4,self_harm_sure=0.9")
    args = parser.parse_args(argv)
    wanted = _round_range(args.rounds)
    rounds = [p for p in message_model.recorded_rounds()
              if p.stem.removeprefix("round").isdigit() and int(p.stem.removeprefix("round")) in wanted]
    if not rounds:
        print("no recorded round in that range", file=sys.stderr)
        return 1
    base = load_rules().learned
    variants = [("now", base)] + [(spec, _variant(spec, base)) for spec in args.variants]
    shared = (message_model.nlu_examples() + message_model.nlu_examples(message_model.LEARNED_DIR)
              + message_model.round_examples(message_model.authored_sets()))
    nlp = pipeline.load()
    tallies = {name: Tally() for name, _ in variants}
    for left_out in rounds:
        started = time.monotonic()
        others = [p for p in message_model.recorded_rounds() if p != left_out]
        model = message_model.fit(shared + message_model.round_examples(others))
        items = (yaml.safe_load(Path(left_out).read_text()) or {}).get("items") or []
        docs = [nlp(str(item["text"])) for item in items]
        for name, learned in variants:
            with _detector(model, learned):
                for item, doc in zip(items, docs, strict=True):
                    _judge(item, detect.find_red_flags(doc).reported, tallies[name])
        print(f"{left_out.name}: {len(items)} messages, {time.monotonic() - started:.0f} s", file=sys.stderr,
              flush=True)
    print(f"Leaving one round out on {', '.join(p.stem for p in rounds)}:\n")
    print("| operating point | emergencies caught | right first message | context taken for emergencies "
          "| other messages taken for emergencies |")
    print("|---|---|---|---|---|")
    for name, _ in variants:
        print(tallies[name].row(name))
    return 0


if __name__ == "__main__":
    sys.exit(main())
