"""`harness compare` as a CI gate fails when nothing, or too little, was compared: a base model,
task or metric the head lacks, no shared item ids, or a head holding far fewer of the base's
items than `--min-coverage` allows."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from compare.test_compare import BASE_CORRECT, qa_task, report, summ_task

from harness.cli import build_parser, main
from harness.compare import DEFAULT_MIN_COVERAGE

REPO_README = Path(__file__).resolve().parents[2] / "README.md"


@pytest.fixture
def write(tmp_path):
    def write(name: str, data) -> str:
        path = tmp_path / name
        path.write_text(json.dumps(data))
        return str(path)
    return write


@pytest.fixture
def compare(capsys):
    def compare(base: str, head: str, *args: str) -> tuple[int, str, str]:
        code = main(["compare", base, head, *args])
        out, err = capsys.readouterr()
        return code, out, err
    return compare


@pytest.fixture
def base(write):
    return write("base.json", report({"m": {"qa": qa_task(BASE_CORRECT), "summarization": summ_task([0.3, 0.4, 0.5])}}))


def _only_f1(task: dict) -> dict:
    for item in task["items"]:
        del item["scores"]["exact_match"]
    del task["metrics"]["exact_match"]
    return task


VACUOUS_HEADS = {
    "model renamed": ({"m2": {"qa": qa_task(BASE_CORRECT), "summarization": summ_task([0.3, 0.4, 0.5])}},
                      "model m"),
    "qa task missing": ({"m": {"summarization": summ_task([0.3, 0.4, 0.5])}}, "task qa of model m"),
    "regressed metric missing": ({"m": {"qa": _only_f1(qa_task([0] * 60)), "summarization": summ_task([0.3, 0.4, 0.5])}},
                                 "metric qa.exact_match of model m"),
    "every item failed": ({"m": {"qa": {**qa_task([1]), "items": []}, "summarization": summ_task([0.3, 0.4, 0.5])}},
                          "metric qa.exact_match of model m"),
    "no shared item ids": ({"m": {"qa": qa_task(BASE_CORRECT, ids=[f"other-{i}" for i in range(60)]),
                                  "summarization": summ_task([0.3, 0.4, 0.5])}}, "m qa: 0 of the base's 60 items"),
    "3 of 60 items": ({"m": {"qa": qa_task([0, 0, 0]), "summarization": summ_task([0.3, 0.4, 0.5])}},
                      "m qa: 3 of the base's 60 items"),
}


@pytest.mark.parametrize("name", VACUOUS_HEADS)
@pytest.mark.parametrize("gold", ["a" * 64, "b" * 64])
def test_a_head_that_lacks_what_the_base_has_fails_naming_it(base, write, compare, name, gold):
    models, missing = VACUOUS_HEADS[name]
    head = write("head.json", report(models, gold=gold))
    code, out, err = compare(base, head, "--allow-gold-change")
    assert code == 1, (out, err)
    assert out.startswith("## harness compare: FAIL") and "PASS" not in out
    headline = out.splitlines()[2].replace("\\_", "_")  # Markdown escapes the underscore
    assert missing in headline, headline
    code, out, _ = compare(base, head, "--allow-gold-change", "--format", "json")
    data = json.loads(out)
    assert code == 1 and data["result"] == "fail" and data["exit_code"] == 1
    assert missing in data["headline"]


def test_min_coverage_allows_a_partial_head_explicitly(base, write, compare):
    head = write("head.json", report({"m": {"qa": qa_task([1, 1, 1]), "summarization": summ_task([0.3, 0.4, 0.5])}}))
    code, out, _ = compare(base, head)
    assert code == 1 and "3 of the base's 60 items (5%), below --min-coverage 0.9" in out
    code, out, err = compare(base, head, "--min-coverage", "0.05")
    assert code == 0, (out, err)
    assert "PASS" in out and "m qa: 57 only in base, 0 only in head, 3 compared" in out
    code, out, _ = compare(base, head, "--min-coverage", "0.06")
    assert code == 1
    # a head that shares no item at all fails whatever --min-coverage says
    disjoint = write("disjoint.json", report({"m": {"qa": qa_task([1], ids=["x"]),
                                                    "summarization": summ_task([0.3, 0.4, 0.5])}}))
    code, out, _ = compare(base, disjoint, "--min-coverage", "0")
    assert code == 1 and "m qa: 0 of the base's 60 items" in out


def test_a_head_with_more_items_and_models_than_the_base_passes(base, write, compare):
    ids = [f"art-q{i:03d}" for i in range(60)] + ["new-1", "new-2"]
    head = write("head.json", report({"m": {"qa": qa_task(BASE_CORRECT + [1, 0], ids=ids),
                                            "summarization": summ_task([0.3, 0.4, 0.5])},
                                      "extra": {"qa": qa_task([1])}}, gold="b" * 64))
    code, out, err = compare(base, head, "--allow-gold-change")
    assert code == 0, (out, err)
    assert "PASS: no significant regression" in out and "- model extra" in out


def test_a_base_with_nothing_to_compare_fails(write, compare):
    empty = write("empty.json", report({}))
    code, out, _ = compare(empty, empty)
    assert code == 1 and "FAIL: nothing was compared" in out


@pytest.mark.parametrize("value", ["-0.1", "1.5", "nan", "inf"])
def test_bad_min_coverage_is_exit_2_with_one_line(base, compare, value):
    code, out, err = compare(base, base, "--min-coverage", value)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "--min-coverage" in err and "between 0 and 1" in err, err


@pytest.mark.parametrize("alpha", ["1e-17", "1e-300", "5e-324"])
def test_an_alpha_too_small_to_use_names_alpha(base, compare, alpha):
    code, out, err = compare(base, base, "--alpha", alpha)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "--alpha" in err and "bootstrap confidence" not in err, err


def test_min_coverage_is_in_help_and_readme():
    compare = build_parser()._subparsers._group_actions[0].choices["compare"]
    text = compare.format_help()
    assert "--min-coverage" in text and "--allow-gold-change" in text and "--alpha" in text
    assert compare.get_default("min_coverage") == DEFAULT_MIN_COVERAGE  # the CLI's default is the library's
    section = REPO_README.read_text(encoding="utf-8").split("## Comparing two reports")[1].split("\n## ")[0]
    assert "--min-coverage" in section and "fails" in section
