"""The report files the docs link to: `make eval`'s reports/eval.md, `make bench-console`'s report;
and how the eval tools print their figures and write the JSON reports that summary reads back."""

from __future__ import annotations

import json

import yaml

from bench.console import write_report
from eval import report, run_screening_eval, summary


def _result(category: str, ok: bool, key: str = "category") -> dict:
    return {key: category, "problems": [] if ok else ["emergency message sent"], "text": "x", "replies": []}


def _held_out_and_round_reports(folder) -> None:
    (folder / "eval_set.json").write_text(json.dumps(
        [_result("emergency", True), _result("emergency", False), _result("negated_emergency", True),
         _result("treatment", True)]))
    (folder / "round1.json").write_text(json.dumps(
        [_result("emergency", True, "kind"), _result("emergency_midform", True, "kind"),
         _result("context", False, "kind")]))
    (folder / "round2.json").write_text(json.dumps([_result("diagnosis", True, "kind")]))


def test_eval_summary_tables_have_a_row_per_report(tmp_path):
    _held_out_and_round_reports(tmp_path)
    assert summary.held_out_rows(tmp_path, ["eval_set.yml", "eval_set_blind.yml"]) == [
        "| set | all behaviours | emergency recall | negation correctness (no 911) |",
        "|---|---|---|---|",
        "| `eval_set.yml` | 3/4 (75.0%) | 1/2 (50.0%) | 1/1 (100.0%) |",
    ]  # no report for the blind set, no row
    assert summary.round_rows(tmp_path, ["round1.yml", "round2.yml"]) == [
        "| round | all | emergency (incl. in the symptom check) | context (no 911) |",
        "|---|---|---|---|",
        "| `round1.yml` | 2/3 (66.7%) | 2/2 (100.0%) | 0/1 (0.0%) |",
        "| `round2.yml` | 1/1 (100.0%) | – | – |",
    ]


def test_eval_summary_has_the_figures_of_each_report(tmp_path):
    _held_out_and_round_reports(tmp_path)
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


def test_eval_tools_print_their_figures_then_write_the_details(tmp_path, capsys):
    path = tmp_path / "new" / "set.json"
    lines = ["", report.passed_line("emergency", 1, 2, 12), report.passed_line("overall", 30, 30, 12)]
    assert report.print_and_write(lines, path, [_result("emergency", True)]) == 0
    assert capsys.readouterr().out == "\nemergency      1/2    50.0%\noverall       30/30  100.0%\n"
    assert json.loads(path.read_text()) == [_result("emergency", True)]


def test_screening_eval_prints_its_table_and_writes_the_report_summary_reads(tmp_path, capsys, monkeypatch):
    items = [{"text": "legs heavy, dry mouth", "slots": {"sx_legs": "yes", "sx_dry_mouth": "yes"}},
             {"text": "no droopy eyes", "slots": {"sx_eyes": "no"}}]
    (tmp_path / "set.yml").write_text(yaml.safe_dump({"items": items}))

    async def predict(model, texts):
        return [{"sx_legs": "yes", "sx_dry_mouth": "yes"}, {"sx_eyes": "yes", "sx_legs": "no"}]

    monkeypatch.setattr(run_screening_eval, "predict", predict)
    assert run_screening_eval.main(["--model", "unused", "--set", str(tmp_path / "set.yml"),
                                    "--report", str(tmp_path / "screening_eval.json")]) == 0
    assert capsys.readouterr().out.endswith(
        "\nslot                         right/asked\n"
        "sx_dry_mouth                   1/1   100.0%\n"
        "sx_eyes                        0/1     0.0%\n"
        "sx_legs                        1/1   100.0%\n"
        "screening slot precision    50.0%\n"
        "screening slot recall       66.7%\n"
        "screening slot F1           57.1%\n"
        "messages fully right       1/2\n")
    assert "F1 57.1% (precision 50.0%, recall 66.7%); 1 fully right" in summary.write(
        tmp_path, [], [], "").read_text()


def test_eval_summary_without_reports_still_says_when_it_ran(tmp_path):
    text = summary.write(tmp_path, ["eval_set.yml"], [], "").read_text()
    assert text.startswith("# make eval, ") and "Screening" not in text and "NLU" not in text


def test_bench_console_report_keeps_the_printed_table(tmp_path):
    path = write_report(["list, first page   39.0   41.2   12.0"], "sqlite", tmp_path)
    latest = tmp_path / "console-sqlite-latest.md"
    assert path.parent == tmp_path and path.name.startswith("console-sqlite-")
    assert latest.read_text() == path.read_text()
    assert "list, first page   39.0" in latest.read_text() and "Store: sqlite" in latest.read_text()


def test_eval_summary_lists_held_out_sets_in_the_rounds_format_beside_the_others(tmp_path):
    _held_out_and_round_reports(tmp_path)
    (tmp_path / "everyday_set.json").write_text((tmp_path / "round1.json").read_text())
    out = summary.write(tmp_path, ["eval_set.yml"], ["round1.yml"], "FIRST RUNS", ["everyday_set.yml"])
    text = out.read_text()
    held_out = text[text.index("## Held-out sets"):text.index("## Safety rounds")]
    assert "| `everyday_set.yml` | 2/3 (66.7%) | 2/2 (100.0%) | 0/1 (0.0%) |" in held_out
