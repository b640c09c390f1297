"""The benchmark's pieces that need no server: message mixes, judging answers, targets."""

from bench import mix, report
from bench.load import LevelResult, Sample, judge


def test_both_mixes_have_the_same_shape_one_red_flag_per_50_messages():
    for script in (mix.ours(), mix.baseline()):
        assert len(script) == 50
        assert mix.counts(script) == {"article": 25, "screening": 16, "small_talk": 8, "red_flag": 1}


def test_answers_are_judged():
    red = mix.Turn("i cant breathe", mix.RED_FLAG)
    question = mix.Turn("what is ivig", mix.ARTICLE)
    assert judge(question, 200, [{"text": "From the article"}], True) is None
    assert judge(question, 503, {"error": "x"}, True) == "HTTP 503"
    assert judge(question, 0, None, True) == "no answer"
    assert judge(question, 200, [], True) == "empty reply"
    assert judge(question, 200, [], False) is None  # the stock bot may stay silent
    assert judge(red, 200, [{"text": "🚨 call 911"}], True) is None
    assert judge(red, 200, [{"text": "From the article"}], True).startswith("red flag")


def test_level_figures():
    level = LevelResult(2, duration_s=1.0)
    level.samples = [Sample(0, 0.1, "article", 200), Sample(0, 0.3, "article", 200),
                     Sample(0, 5, "article", 0, "no answer")]
    summary = level.summary()
    assert summary["messages_per_s"] == 2 and summary["errors"] == 1
    assert summary["p50_ms"] == 200.0 and summary["problems"] == {"no answer": 1}


def _bot(rps, p50, errors, rasa_mb, actions_mb=None):
    memory = {"rasa": rasa_mb, **({"actions": actions_mb} if actions_mb else {})}
    levels = [{"concurrency": c, "messages_per_s": rps * f, "p50_ms": p50 * f, "p95_ms": 1, "p99_ms": 1,
               "errors": errors, "problems": {}} for c, f in ((1, 1), (16, 2))]
    return {"levels": levels, "memory_peak_mb": memory, "memory_idle_mb": memory,
            "training_s": 1.0, "first_answer_s": 1.0}


def test_targets_are_checked_against_the_baseline_of_the_same_run():
    result = {"ours": _bot(30, 40, 0, 600, 100), "baseline": _bot(10, 50, 0, 1000)}
    met = {t["target"].split(" (")[0]: t["met"] for t in report.targets(result)}
    assert all(met.values()), met
    result["ours"] = _bot(15, 60, 2, 1500, 100)
    assert not any(t["met"] for t in report.targets(result))
    result.update(started="2026-01-01 00:00:00", machine=report.machine(), warmup_s=1, duration_s=1,
                  targets=report.targets(result))
    assert "| 16 | **ours / baseline** |" in report.markdown(result)
