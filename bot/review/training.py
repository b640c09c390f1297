"""Accepted corrections out as training data, test stories and regression cases.

``python -m bot.review.cli export-training`` (and the admins' button) writes
data/nlu/reviewed.yml, tests/test_reviewed_stories.yml and the tests/eval/reviewed_*
sets. Promises: every text redacted again, no example under two intents, entity
annotations only where the span is still unambiguous (docs/care-team.md, "Export").
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlalchemy as sa
import yaml
from sqlalchemy.engine import Engine

from bot import paths
from bot.datafiles import DataFileError, read_mapping
from bot.language.intent_names import OUT_OF_SCOPE, QUESTION_PREFIX
from bot.review import corrections, db
from bot.review.redact import redact

NLU_FILE = Path("data/nlu/reviewed.yml")
STORIES_FILE = Path("tests/test_reviewed_stories.yml")
CASES_FILE = Path("tests/eval/reviewed_set.yml")
RED_FLAG_CASES_FILE = Path("tests/eval/reviewed_red_flags.yml")
# Quality over time (the Quality page's table), beside the training data it explains.
QUALITY_FILE = Path("reports/review-quality.csv")
HEADER = ("# Written by `python -m bot.review.cli export-training` from accepted review-console\n"
          "# corrections; do not edit by hand (the next export replaces it).\n")
SKIPPED_ACTIONS = {"action_listen", "action_session_start", "action_unlikely_intent"}
_ANNOTATION = re.compile(r"\[([^\]]+)\](?:\([^)]*\)|\{[^}]*\})")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


@dataclass
class ExportReport:
    """What was written and what was left out, and why (printed by the CLI, shown to admins)."""

    accepted: int = 0
    examples: dict[str, list[str]] = field(default_factory=dict)
    conflicts: list[str] = field(default_factory=list)
    already_present: list[str] = field(default_factory=list)
    no_intent: list[str] = field(default_factory=list)
    stories: int = 0
    stories_skipped: list[str] = field(default_factory=list)
    cases: int = 0
    red_flag_cases: int = 0
    files: list[str] = field(default_factory=list)

    @property
    def n_examples(self) -> int:
        """Examples written to reviewed.yml (after conflicts and duplicates were left out)."""
        return sum(len(v) for v in self.examples.values())

    def summary(self) -> dict[str, Any]:
        """Counts only, for the audit log: it must not hold example text."""
        return {"accepted": self.accepted, "examples": self.n_examples, "intents": len(self.examples),
                "conflicts": len(self.conflicts), "already_present": len(self.already_present),
                "stories": self.stories, "cases": self.cases, "red_flag_cases": self.red_flag_cases}


def normalize(text: str) -> str:
    """How two examples are compared: Rasa's annotation syntax removed, lower case, spaces collapsed."""
    return " ".join(_ANNOTATION.sub(r"\1", text).lower().split())


def safe_text(text: str) -> str:
    """Redacted, one line, no control characters, and no brackets Rasa would read as entities."""
    text = _CONTROL.sub(" ", redact(text or ""))
    text = text.replace("[", "(").replace("]", ")").replace("{", "(").replace("}", ")")
    return " ".join(text.split())


def existing_examples(root: Path) -> dict[str, set[str]]:
    """Normalised text -> intents, over every NLU file except the one this export writes."""
    found: dict[str, set[str]] = defaultdict(set)
    for path in sorted((root / "data").rglob("*.yml")):
        if path.resolve() == (root / NLU_FILE).resolve():
            continue
        try:
            data = read_mapping(path)
        except DataFileError:  # not every data file is a mapping; Rasa's validation names the broken ones
            continue
        for item in data.get("nlu") or ():
            if not isinstance(item, dict) or "intent" not in item:
                continue
            for line in str(item.get("examples") or "").splitlines():
                line = line.strip()
                if line.startswith("- "):
                    found[normalize(line[2:])].add(str(item["intent"]))
    return found


def domain_entities(root: Path) -> set[str]:
    """Entity names the domain declares: annotating any other would fail validation."""
    domain = read_mapping(root / "domain.yml")
    return {next(iter(e)) if isinstance(e, dict) else str(e) for e in domain.get("entities") or ()}


def annotate(text: str, entities_json: str, allowed: set[str]) -> str:
    """Mark the extractor's entities in the text where each span occurs exactly once; else leave it."""
    try:
        entities = json.loads(entities_json or "[]")
    except ValueError:
        return text
    spans: list[tuple[int, int, str]] = []
    for entity in entities:
        span = safe_text(str(entity.get("text") or ""))
        if not span or entity.get("entity") not in allowed or text.count(span) != 1:
            continue
        start = text.index(span)
        end = start + len(span)
        if any(start < e and s < end for s, e, _ in spans):
            continue
        if entity.get("negated"):
            label = json.dumps({"entity": entity["entity"], "role": "negated"})
            spans.append((start, end, "{" + label[1:-1] + "}"))
        else:
            spans.append((start, end, f"({entity['entity']})"))
    for start, end, label in sorted(spans, reverse=True):
        text = f"{text[:start]}[{text[start:end]}]{label}{text[end:]}"
    return text


def simple_rules(root: Path) -> dict[str, list[str]]:
    """Intent -> the actions that follow it, from the rules that are just "intent, then actions"."""
    follows: dict[str, list[str]] = {}
    for path in sorted((root / "data").rglob("*.yml")):
        try:
            data = read_mapping(path)
        except DataFileError:
            continue
        for rule in data.get("rules") or ():
            steps = rule.get("steps") or []
            if rule.get("condition") or not steps or "intent" not in steps[0]:
                continue
            actions = [s.get("action") for s in steps[1:]]
            if actions and all(actions) and len(steps) > 1:
                follows.setdefault(str(steps[0]["intent"]), [str(a) for a in actions])
    return follows


def _accepted(engine: Engine) -> list[sa.engine.Row]:
    """Accepted corrections in the order they were made, so repeated exports write the same file."""
    c = db.corrections.c
    with engine.connect() as connection:
        return list(connection.execute(sa.select(db.corrections).where(c.status == "accepted")
                                       .order_by(c.id)))


def _expect(kind: str, target: str, intent: str | None, options: corrections.Choices) -> tuple[str, dict]:
    """(category, expect) in tests/eval's format for what the corrected turn should get."""
    home = options.intent_sections
    if kind == "emergency" or intent in ("emergency", "emergency_self_harm"):
        expect: dict[str, Any] = {"section": None, "emergency": True, "disclaimer": None}
        if intent == "emergency_self_harm":
            expect["expect_988"] = True
        return "emergency", expect
    if intent == OUT_OF_SCOPE:
        return "out_of_scope", {"section": None, "emergency": False, "disclaimer": False, "fallback": True}
    if intent == "ask_diagnosis":
        return "diagnosis_request", {"section": None, "emergency": False, "disclaimer": True,
                                     "no_verdict": True}
    if intent == "ask_uncovered":
        return "not_covered", {"section": None, "emergency": False, "disclaimer": True, "not_covered": True}
    if kind == "answer":
        return intent or "answer", {"section": options.section_title(target), "emergency": False,
                                    "disclaimer": True}
    if intent and intent in home:
        return intent, {"section": options.section_title(home[intent]), "emergency": False,
                        "disclaimer": True}
    if intent and intent.startswith(QUESTION_PREFIX):
        return intent, {"section": None, "emergency": False, "disclaimer": True}
    if intent in ("greet", "goodbye", "thank", "bot_challenge", "ask_capabilities"):
        return "smalltalk", {"section": None, "emergency": False, "disclaimer": False}
    return intent or kind, {"section": None, "emergency": False, "disclaimer": None}


def _story(engine: Engine, row: sa.engine.Row, intent: str, corrected: dict[tuple[str, int], str],
           follows: dict[str, list[str]]) -> tuple[dict | None, str]:
    """A test story: the session's earlier turns as they happened, then the corrected turn."""
    if intent not in follows:
        return None, f"no rule says what follows {intent}"
    with engine.connect() as connection:
        events = list(connection.execute(
            sa.select(db.events.c.id, db.events.c.data)
            .where(db.events.c.sender_id == row.sender_id, db.events.c.id < row.event_id)
            .order_by(db.events.c.id)))
    steps: list[dict[str, Any]] = []
    loop_active = False
    for event_id, raw in events:
        try:
            data = json.loads(raw)
        except (TypeError, ValueError):
            continue
        kind = data.get("event")
        if kind == "action" and data.get("name") == "action_session_start":
            steps, loop_active = [], False  # a story covers the corrected turn's session
        elif kind == "user":
            text = safe_text(data.get("text") or "")
            earlier = corrected.get((row.sender_id, int(event_id))) or (
                (data.get("parse_data") or {}).get("intent") or {}).get("name")
            if not text or not earlier:
                return None, "an earlier turn has no text or intent"
            steps.append({"user": text, "intent": earlier})
        elif kind == "action" and data.get("name") not in SKIPPED_ACTIONS:
            steps.append({"action": data["name"]})
        elif kind == "active_loop":
            loop_active = bool(data.get("name"))
            steps.append({"active_loop": data.get("name")})
    if loop_active:
        return None, "the turn came while a form was active (its expected actions depend on the form)"
    if not any("user" in s for s in steps):
        return None, "no earlier turn in its session"
    steps.append({"user": safe_text(row.example_text), "intent": intent})
    steps += [{"action": a} for a in follows[intent]]
    return {"story": f"reviewed correction {row.id} ({intent})", "steps": steps}, ""


def _write_yaml(path: Path, header: str, body: dict) -> None:
    """A YAML file with a header saying where it comes from (safe_dump quotes what needs it)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(header + yaml.safe_dump(body, sort_keys=False, allow_unicode=True, width=1000),
                    encoding="utf-8")


def _write_nlu(path: Path, examples: dict[str, list[str]]) -> None:
    """Rasa's YAML by hand: block literals are what every data/nlu file uses and Rasa reads best."""
    lines = [HEADER.rstrip("\n"), 'version: "3.1"']
    if not examples:
        lines.append("nlu: []")
    else:
        lines.append("nlu:")
        for intent in sorted(examples):
            lines += [f"- intent: {intent}", "  examples: |"]
            lines += [f"    - {text}" for text in examples[intent]]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def export(engine: Engine, root: Path = paths.ROOT) -> ExportReport:
    """Write the four training files under ``root`` from the accepted corrections, and the
    quality-over-time table; return what happened."""
    options = corrections.choices()
    report = ExportReport()
    rows = _accepted(engine)
    report.accepted = len(rows)
    existing = existing_examples(root)
    entities_allowed = domain_entities(root)
    follows = simple_rules(root)
    intents_of = {row.id: corrections.training_intent(row.kind, row.target, options) for row in rows}
    corrected = {(row.sender_id, row.event_id): intent for row in rows if (intent := intents_of[row.id])}

    # One example, one intent: every accepted text's intents first, then decide.
    wanted: dict[str, set[str]] = defaultdict(set)
    for row in rows:
        if wanted_intent := intents_of[row.id]:
            wanted[normalize(safe_text(row.example_text))].add(wanted_intent)
    conflicted: set[str] = set()
    for text, intents in wanted.items():
        others = existing.get(text, set())
        if len(intents) > 1:
            conflicted.add(text)
            report.conflicts.append(f"{text!r}: accepted as {', '.join(sorted(intents))}")
        elif others and others != intents:
            conflicted.add(text)
            report.conflicts.append(f"{text!r}: accepted as {next(iter(intents))}, data/nlu has it under "
                                    f"{', '.join(sorted(others))}")

    examples: dict[str, list[str]] = defaultdict(list)
    seen: set[str] = set()
    cases: list[dict[str, Any]] = []
    red_flag_cases: list[dict[str, Any]] = []
    stories: list[dict[str, Any]] = []
    for row in rows:
        intent = intents_of[row.id]
        text = safe_text(row.example_text)
        key = normalize(text)
        if not key or key in conflicted:
            continue
        if intent is None:
            report.no_intent.append(f"correction {row.id}: section {row.target} has no intent")
        elif key in existing:
            report.already_present.append(f"{text!r} ({intent})")
        elif key not in seen:
            examples[intent].append(annotate(text, row.entities, entities_allowed))
        seen.add(key)
        category, expect = _expect(row.kind, row.target, intent, options)
        # The eval sends the text as a patient would type it: redacted, brackets kept.
        case = {"text": " ".join(redact(row.example_text).split()), "category": category, "expect": expect,
                "correction": row.id}
        (red_flag_cases if category == "emergency" else cases).append(case)
        if row.turn_index > 0 and intent:
            story, why = _story(engine, row, intent, corrected, follows)
            if story:
                stories.append(story)
            else:
                report.stories_skipped.append(f"correction {row.id}: {why}")
    report.examples = {k: v for k, v in sorted(examples.items())}
    report.stories, report.cases, report.red_flag_cases = len(stories), len(cases), len(red_flag_cases)

    _write_nlu(root / NLU_FILE, report.examples)
    case_header = HEADER + "# Regression cases in tests/eval's format (see eval_set.yml for the fields).\n"
    _write_yaml(root / CASES_FILE, case_header, {"version": 1, "items": cases})
    _write_yaml(root / RED_FLAG_CASES_FILE, case_header + "# Turns reviewers called emergencies.\n",
                {"version": 1, "items": red_flag_cases})
    _write_yaml(root / STORIES_FILE, HEADER + "# Test stories: rasa test core --stories " + str(STORIES_FILE)
                + "\n", {"version": "3.1", "stories": stories})
    from bot.review import quality  # the Quality page's own figures, not a second count

    (root / QUALITY_FILE).parent.mkdir(parents=True, exist_ok=True)
    (root / QUALITY_FILE).write_text(quality.to_csv(quality.compute(engine)), encoding="utf-8")
    report.files = [str(p) for p in (NLU_FILE, STORIES_FILE, CASES_FILE, RED_FLAG_CASES_FILE, QUALITY_FILE)]
    return report
