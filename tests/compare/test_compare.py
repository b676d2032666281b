"""`harness compare` on constructed reports whose answer is known, through the CLI (output and exit code)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from support.reports import report_dict

from harness.cli import main
from harness.compare import compare_reports, differences, parse_max_drop
from harness.report import read_report
from harness.errors import HarnessError

GOLD = "a" * 64


def qa_task(correct: list[int], ids: list[str] | None = None, f1: float = 0.6) -> dict:
    """A QA task whose exact_match per item is `correct` and whose f1 is the same for every item."""
    ids = ids or [f"art-q{i:03d}" for i in range(len(correct))]
    items = [{"id": i, "article_id": "art", "group": "other", "scores": {"exact_match": float(c), "f1": f1}}
             for i, c in zip(ids, correct)]
    mean = sum(correct) / len(correct)
    return {"n": len(items), "failed": 0, "items": items, "metrics": {
        "exact_match": {"value": mean, "ci_low": mean, "ci_high": mean}, "f1": {"value": f1, "ci_low": f1, "ci_high": f1}}}


def summ_task(rouge: list[float]) -> dict:
    items = [{"id": f"art/{s}", "article_id": "art", "group": s, "scores": {"rouge1": r, "rougeL": r}}
             for s, r in zip(["headline", "one_sentence", "short"], rouge)]
    return {"n": len(items), "failed": 0, "items": items, "metrics": {}}


def report(models: dict[str, dict[str, dict]], gold: str = GOLD, seed: int = 0, stemmer: bool = True,
           config_name: str = "test") -> dict:
    config = {"name": config_name, "gold": "gold", "tasks": {"qa": {"extraction": "default"}},
              "models": [{"name": name, "backend": "lead"} for name in models],
              "bootstrap": {"resamples": 1000, "seed": seed, "confidence": 0.95}}
    return report_dict([{"name": name, "tasks": tasks} for name, tasks in models.items()], gold=gold, seed=seed,
                       config=config, scoring={"summarization": {"use_stemmer": stemmer, "tokenizer": "default"}})


BASE_CORRECT = [1] * 45 + [0] * 15  # 60 questions, 45 right


@pytest.fixture
def write(tmp_path):
    def write(name: str, data) -> Path:
        path = tmp_path / name
        path.write_text(data if isinstance(data, str) else json.dumps(data))
        return path
    return write


@pytest.fixture
def compare(capsys):
    def compare(base: Path, head: Path, *args: str) -> tuple[int, str, str]:
        code = main(["compare", str(base), str(head), *args])
        out, err = capsys.readouterr()
        return code, out, err
    return compare


@pytest.fixture
def base(write):
    return write("base.json", report({"m": {"qa": qa_task(BASE_CORRECT), "summarization": summ_task([0.3, 0.4, 0.5])}}))


def rows(out: str) -> dict[tuple[str, str, str], dict]:
    return {(r["model"], r["task"], r["metric"]): r for r in json.loads(out)["rows"]}


def test_identical_reports_show_no_change_and_pass(base, compare):
    code, out, err = compare(base, base)
    assert code == 0 and err == ""
    assert "PASS: no significant regression" in out
    assert out.count("no significant change") == 4
    assert "| m | exact\\_match | 60 | 0.750 | 0.750 | +0.000 [+0.000, +0.000] | ⚪ no significant change |" in out
    assert "### qa" in out and "### summarization" in out
    assert "Only in" not in out and "⚠️" not in out


def test_clear_regression_on_one_metric_fails(base, write, compare):
    head = write("head.json", report({"m": {"qa": qa_task([0] * 15 + [1] * 30 + [0] * 15),
                                            "summarization": summ_task([0.3, 0.4, 0.5])}}))
    code, out, _ = compare(base, head)
    assert code == 1
    assert "FAIL: 1 significant regression(s)" in out and "m qa.exact\\_match -0.250" in out
    assert "🔴 regressed (fails)" in out
    code, out, _ = compare(base, head, "--format", "json")
    assert code == 1
    got = rows(out)
    em = got[("m", "qa", "exact_match")]
    assert em["verdict"] == "regressed" and em["fails"]
    assert em["base"] == pytest.approx(0.75) and em["head"] == pytest.approx(0.5)
    assert em["delta"] == pytest.approx(-0.25) and em["ci_high"] < 0 < 1 - em["ci_low"]
    assert em["p_value"] < 0.05
    assert got[("m", "qa", "f1")]["verdict"] == "no significant change"
    assert json.loads(out)["result"] == "fail"


def test_clear_improvement_passes(base, write, compare):
    head = write("head.json", report({"m": {"qa": qa_task([1] * 60), "summarization": summ_task([0.3, 0.4, 0.5])}}))
    code, out, _ = compare(base, head, "--format", "json")
    assert code == 0
    assert rows(out)[("m", "qa", "exact_match")]["verdict"] == "improved"


def test_one_flipped_item_is_no_significant_change(base, write, compare):
    head = write("head.json", report({"m": {"qa": qa_task([0] + [1] * 44 + [0] * 15),
                                            "summarization": summ_task([0.3, 0.4, 0.5])}}))
    code, out, _ = compare(base, head, "--format", "json")
    assert code == 0
    em = rows(out)[("m", "qa", "exact_match")]
    assert em["delta"] == pytest.approx(-1 / 60)
    assert em["verdict"] == "no significant change" and em["ci_low"] < 0 <= em["ci_high"]


def test_different_gold_is_refused_unless_allowed(base, write, compare):
    ids = [f"art-q{i:03d}" for i in range(2, 60)] + ["new-1", "new-2", "new-3"]  # 2 ids gone, 3 new
    head = write("head.json", report({"m": {"qa": qa_task(BASE_CORRECT[2:] + [0, 0, 0], ids=ids),
                                            "summarization": summ_task([0.3, 0.4, 0.5])}}, gold="b" * 64))
    code, out, err = compare(base, head)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "different gold data" in err and "--allow-gold-change" in err
    code, out, err = compare(base, head, "--allow-gold-change")
    assert code == 0, err
    assert "gold data changed" in out
    assert "m qa: 2 only in base, 3 only in head, 58 compared" in out
    assert "| m | exact\\_match | 58 | 0.741 | 0.741 |" in out


def test_what_only_one_report_holds_is_listed_and_only_the_base_side_fails(base, write, compare):
    head = write("head.json", report({"m": {"qa": qa_task(BASE_CORRECT)}, "other": {"qa": qa_task(BASE_CORRECT)}}))
    code, out, _ = compare(head, base)
    assert code == 1 and "FAIL: the head lacks model other" in out
    assert "**Only in base (the head lacks it: the gate fails):**" in out and "- model other" in out
    assert "**Only in head:**" in out
    assert "task summarization of model m" in out  # head has it, base (here: the head report) does not
    code, out, _ = compare(base, head, "--format", "json")
    data = json.loads(out)
    assert code == 1 and data["only_in_head"] == ["model other"]
    assert data["only_in_base"] == ["task summarization of model m"]
    assert data["headline"] == "FAIL: the head lacks task summarization of model m"


def test_config_and_scoring_differences_are_warnings(base, write, compare):
    head = write("head.json", report({"m": {"qa": qa_task(BASE_CORRECT), "summarization": summ_task([0.3, 0.4, 0.5])},
                                      "extra": {}}, stemmer=False))
    code, out, _ = compare(base, head)
    assert code == 0
    assert "configs differ" not in out  # only the model list changed
    assert "scoring options differ: summarization.use\\_stemmer" in out  # Markdown-escaped
    head = write("head2.json", report({"m": {"qa": qa_task(BASE_CORRECT), "summarization": summ_task([0.3, 0.4, 0.5])}},
                                      seed=3, config_name="other"))
    code, out, _ = compare(base, head)
    assert code == 0
    assert "configs differ besides the model list: bootstrap.seed, name" in out
    assert "scoring options differ: bootstrap.seed" in out


@pytest.mark.parametrize("allowance, code", [("exact_match=0.3", 0), ("qa.exact_match=0.3", 0),
                                             ("exact_match=0.1", 1), ("f1=0.5", 1), ("qa.exact_match=0", 1)])
def test_max_drop_allowance(base, write, compare, allowance, code):
    head = write("head.json", report({"m": {"qa": qa_task([0] * 15 + [1] * 30 + [0] * 15),
                                            "summarization": summ_task([0.3, 0.4, 0.5])}}))
    got, out, err = compare(base, head, "--max-drop", allowance)
    assert got == code, err
    if code == 0:
        assert "PASS: 1 significant regression(s), all within their allowed drop" in out


def test_task_metric_allowance_wins_over_plain_metric(base, write, compare):
    head = write("head.json", report({"m": {"qa": qa_task([0] * 15 + [1] * 30 + [0] * 15),
                                            "summarization": summ_task([0.3, 0.4, 0.5])}}))
    code, out, _ = compare(base, head, "--max-drop", "exact_match=0.01", "--max-drop", "qa.exact_match=0.3")
    assert code == 0 and "within allowed drop 0.3" in out


@pytest.mark.parametrize("bad, message", [
    ("bleu=0.1", "unknown metric 'bleu'"), ("qa.rouge1=0.1", "unknown metric 'qa.rouge1'"),
    ("f1=lots", "DELTA must be a number"), ("f1=-0.1", "DELTA must be a finite number >= 0"),
    ("f1", "expected METRIC=DELTA"), ("f1=nan", "finite"),
])
def test_bad_max_drop_is_exit_2(base, compare, bad, message):
    code, out, err = compare(base, base, "--max-drop", bad)
    assert code == 2 and out == ""
    assert message in err and err.count("\n") == 1


def test_bad_alpha_is_exit_2(base, compare):
    code, _, err = compare(base, base, "--alpha", "1.5")
    assert code == 2 and "--alpha must be between 0 and 1" in err


def _without(data: dict, *path) -> dict:
    target = data
    for key in path[:-1]:
        target = target[key]
    del target[path[-1]]
    return data


@pytest.mark.parametrize("content, message", [
    ("{not json", "not a report: invalid JSON at line 1"),
    ("[1, 2]", "not a report: expected a JSON object, got list"),
    (_without(report({"m": {"qa": qa_task([1])}}), "models"), "invalid report at models: field is missing"),
    ({**report({}), "schema_version": 4}, "schema_version 4 is not supported (supported: 1, 2, 3)"),
    (_without(report({}), "schema_version"), "schema_version missing is not supported"),
    (_without(report({}), "gold", "hash"), "invalid report at gold.hash: field is missing"),
    (_without(report({"m": {"qa": qa_task([1])}}), "models", 0, "tasks", "qa", "items", 0, "article_id"),
     "invalid report at models[0].tasks.qa.items[0].article_id: field is missing"),
    (report({"m": {"qa": qa_task([1, 0], ids=["x", "x"])}}), "models[0].tasks.qa.items: item id 'x' appears twice"),
    (_without(report({"m": {"qa": qa_task([1, 0])}}), "models", 0, "tasks", "qa", "items", 1, "scores", "f1"),
     "models[0].tasks.qa.items: item 1 ('art-q001') is scored on ['exact_match'], item 0 on ['exact_match', 'f1']"),
])
def test_malformed_report_is_exit_2_with_one_line(base, write, compare, content, message):
    bad = write("bad.json", content)
    for args in ([base, bad], [bad, base]):
        code, out, err = compare(*args)
        assert code == 2 and out == ""
        assert err.count("\n") == 1 and str(bad) in err and message in err, err


def test_score_that_is_not_a_number_names_the_item(write):
    data = report({"m": {"qa": qa_task([1])}})
    data["models"][0]["tasks"]["qa"]["items"][0]["scores"]["f1"] = "0.5"
    with pytest.raises(HarnessError, match=r"models\[0\]\.tasks\.qa\.items\[0\]\.scores\.f1: Input should be a valid number"):
        read_report(write("bad.json", data))


def test_missing_file_is_exit_2(base, tmp_path, compare):
    code, _, err = compare(base, tmp_path / "nope.json")
    assert code == 2 and "nope.json: cannot read report" in err


def test_model_names_cannot_break_the_markdown_table(write, compare):
    name = "evil | name\n| injected | row"
    data = report({name: {"qa": qa_task(BASE_CORRECT)}})
    code, out, _ = compare(write("b.json", data), write("h.json", data))
    assert code == 0
    table = [line for line in out.splitlines() if line.startswith("| evil")]
    assert len(table) == 2 and all(line.count(" | ") == 6 for line in table)
    assert "&#124;" in table[0] and not any(line.startswith("| injected") for line in out.splitlines())


def test_json_format_has_the_same_content(base, write, compare):
    head = write("head.json", report({"m": {"qa": qa_task(BASE_CORRECT), "summarization": summ_task([0.3, 0.4, 0.5])},
                                      "new": {}}, stemmer=False))
    code, out, _ = compare(base, head, "--format", "json", "--alpha", "0.1")
    data = json.loads(out)
    assert code == 0 and data["exit_code"] == 0 and data["result"] == "pass"
    assert data["alpha"] == 0.1 and data["confidence"] == pytest.approx(0.9)
    assert data["headline"] == "PASS: no significant regression"
    assert data["only_in_head"] == ["model new"] and data["only_in_base"] == [] and data["too_few"] == []
    assert data["min_coverage"] == 0.9
    assert data["warnings"] == ["scoring options differ: summarization.use_stemmer"]
    assert data["base"] == str(base) and data["head"] == str(head)
    assert {r["metric"] for r in data["rows"]} == {"exact_match", "f1", "rouge1", "rougeL"}


def test_library_api_without_the_cli(base, write):
    base_report = read_report(base)
    result = compare_reports(base_report, base_report, alpha=0.05,
                             allowances=parse_max_drop(["qa.f1=0.1"], {"qa": {"f1", "exact_match"}}))
    assert result.exit_code == 0 and len(result.rows) == 4
    assert differences({"a": {"b": [1]}, "c": 1}, {"a": {"b": [2]}, "d": 1}) == ["a.b", "c", "d"]
