"""Compare the red-flag detector's context rules with medspacy's ConText, per safety round.

Issue 12 asks whether medspacy's ConText (negated, hypothetical, historical) decides
better than our rules which red-flag mentions are reported now. Both variants see the
same doc and the same red-flag entities; only the decision for those entities differs
(the co-occurrence, onset, vital-sign and pill-count signals are ours in both). Scored
on the rounds' emergency items (caught) and context items (no alarm).

medspacy is not a project dependency (its full install pulls QuickUMLS); `make
context-eval` installs the pinned ConText part into build/medspacy and runs this.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

import yaml
from spacy.tokens import Doc

from bot.language import pipeline
from bot.language.lexicon import RED_FLAG_LABEL
from bot.safety.detect import find_red_flags
from eval.run_round import round_sets

EMERGENCY_KINDS = ("emergency", "emergency_midform")


def ours(doc: Doc) -> bool:
    return bool(find_red_flags(doc).reported)


def context_variant(rules_path: Path) -> Callable[[Doc], bool]:
    """Our signals, but ConText decides whether each red-flag entity is reported now."""
    import spacy
    from medspacy.context import ConText  # noqa: F401  (registers the factory)

    blank = spacy.blank("en")
    context = blank.add_pipe("medspacy_context", config={"rules": str(rules_path)})

    def decide(doc: Doc) -> bool:
        flags = [e for e in doc.ents if e.label_ == RED_FLAG_LABEL]
        rest = doc.copy()
        rest.ents = [e for e in rest.ents if e.label_ != RED_FLAG_LABEL]
        if find_red_flags(rest).reported:
            return True
        context(doc)
        return any(not (e._.is_negated or e._.is_hypothetical or e._.is_historical) for e in flags)

    return decide


def score(items: list[dict], decide: Callable[[str], bool]) -> tuple[int, int, int, int]:
    """(emergencies caught, emergencies, context items alarmed, context items)."""
    caught = total = alarms = contexts = 0
    for item in items:
        if item["kind"] in EMERGENCY_KINDS:
            total += 1
            caught += decide(item["text"])
        elif item["kind"] == "context":
            contexts += 1
            alarms += decide(item["text"])
    return caught, total, alarms, contexts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rules", type=Path, required=True, help="medspacy's en/context_rules.json")
    args = parser.parse_args(argv)
    nlp = pipeline.load()
    variants = {"ours": ours, "ConText": context_variant(args.rules)}
    print(f"{'set':12} {'variant':8} {'emergencies caught':>20} {'context alarms':>16}")
    for path in round_sets():
        items = yaml.safe_load(path.read_text())["items"]
        for name, variant in variants.items():
            caught, total, alarms, contexts = score(items, lambda text, v=variant: v(nlp(text)))
            print(f"{path.stem:12} {name:8} {caught:>11}/{total:<4} {caught / total:5.1%}"
                  f" {alarms:>8}/{contexts:<4} {alarms / contexts:5.1%}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
