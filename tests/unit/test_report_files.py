"""The report files the docs link to: `make eval`'s reports/eval.md, `make bench-console`'s report."""

from __future__ import annotations

import json

from bench.console import write_report
from eval import summary


def _result(category: str, ok: bool, key: str = "category") -> dict:
    return {key: category, "problems": [] if ok else ["emergency message sent"], "text": "x", "replies": []}


def test_eval_summary_has_the_figures_of_each_report(tmp_path):
    (tmp_path / "eval_set.json").write_text(json.dumps(
        [_result("emergency", True), _result("emergency", False), _result("negated_emergency", True),
         _result("treatment", True)]))
    (tmp_path / "round1.json").write_text(json.dumps(
        [_result("emergency", True, "kind"), _result("emergency_midform", True, "kind"),
         _result("context", False, "kind")]))
    (tmp_path / "screening_eval.json").write_text(json.dumps(
        {"messages": 96, "exact": 80, "precision": 0.967, "recall": 0.947, "f1": 0.957}))
    (tmp_path / "nlu").mkdir()
    (tmp_path / "nlu" / "intent_report.json").write_text(json.dumps(
        {"macro avg": {"f1-score": 0.7321}, "weighted avg": {"f1-score": 0.7224}}))
    out = summary.write(tmp_path, ["eval_set.yml", "eval_set_blind.yml"], ["round1.yml"], "FIRST RUNS")
    text = out.read_text()
    assert out == tmp_path / "eval.md"
    assert "| `eval_set.yml` | 3/4 (75.0%) | 1/2 (50.0%) | 1/1 (100.0%) |" in text
    assert "eval_set_blind" not in text  # no report, no row
    assert "| `round1.yml` | 2/3 (66.7%) | 2/2 (100.0%) | 0/1 (0.0%) |" in text
    assert "F1 95.7% (precision 96.7%, recall 94.7%); 80 fully right" in text
    assert "macro 0.732, weighted 0.722" in text and "FIRST RUNS" in text


def test_eval_summary_without_reports_still_says_when_it_ran(tmp_path):
    text = summary.write(tmp_path, ["eval_set.yml"], [], "").read_text()
    assert text.startswith("# make eval, ") and "Screening" not in text and "NLU" not in text


def test_bench_console_report_keeps_the_printed_table(tmp_path):
    path = write_report(["list, first page   39.0   41.2   12.0"], "sqlite", tmp_path)
    latest = tmp_path / "console-sqlite-latest.md"
    assert path.parent == tmp_path and path.name.startswith("console-sqlite-")
    assert latest.read_text() == path.read_text()
    assert "list, first page   39.0" in latest.read_text() and "Store: sqlite" in latest.read_text()
