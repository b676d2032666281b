"""report.schema.json: a real report validates; broken ones fail with a message naming the path."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from harness.report import SCHEMA_VERSION
from harness.report._schema import ANNOTATIONS, ASSERTIONS, REPORT_SCHEMA_PATH, report_schema, validate_report
from harness.run import RunOptions, run

GOLD = Path(__file__).resolve().parents[1] / "gold"


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> dict:
    tmp = tmp_path_factory.mktemp("schema-run")
    config = {"name": "schema-test", "gold": str(GOLD), "tasks": {"qa": {}, "summarization": {}},
              "models": [{"name": "lead", "backend": "lead"}], "bootstrap": {"resamples": 100, "seed": 0}}
    (tmp / "config.yaml").write_text(json.dumps(config), encoding="utf-8")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("HARNESS_CACHE_DIR", str(tmp / "cache"))
        out = run(tmp / "config.yaml", RunOptions(output=tmp / "out", limit=3, use_cache=False))
    return json.loads((out / "report.json").read_text(encoding="utf-8"))


def test_schema_ships_with_the_package_and_is_draft_2020_12():
    assert REPORT_SCHEMA_PATH.parent.name == "report" and REPORT_SCHEMA_PATH.is_file()
    schema = json.loads(REPORT_SCHEMA_PATH.read_text(encoding="utf-8"))
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["properties"]["schema_version"]["enum"] == [SCHEMA_VERSION]  # bump both together


def test_schema_uses_only_keywords_the_validator_checks():
    def walk(node, path):
        if isinstance(node, dict):
            named = {"properties", "$defs"}
            for key, value in node.items():
                if path.rsplit("/", 1)[-1] in named:
                    walk(value, f"{path}/{key}")  # a property name, not a keyword
                else:
                    assert key in ASSERTIONS | ANNOTATIONS, f"{path}: unsupported keyword {key!r}"
                    if key not in {"enum", "required", "type", "pattern"}:
                        walk(value, f"{path}/{key}")

    walk(report_schema(), "#")


def test_a_real_report_validates(report):
    assert validate_report(report) == []


def test_nulls_are_allowed_where_a_value_can_be_unknown(report):
    broken = copy.deepcopy(report)
    broken["environment"]["git_commit"] = broken["environment"]["git_dirty"] = None
    broken["models"][0]["tasks"]["qa"]["metrics"]["f1"]["value"] = None
    assert validate_report(broken) == []


def _mutated(report: dict, change) -> list[str]:
    broken = copy.deepcopy(report)
    change(broken)
    return validate_report(broken)


@pytest.mark.parametrize(("change", "expected"), [
    (lambda r: r.pop("run_id"), "$: missing required property 'run_id'"),
    (lambda r: r["gold"].pop("hash"), "$.gold: missing required property 'hash'"),
    (lambda r: r["models"][0].pop("tasks"), "$.models[0]: missing required property 'tasks'"),
    (lambda r: r.update(config_hash=5), "$.config_hash: expected string, got integer 5"),
    (lambda r: r["gold"].update(qa="71"), '$.gold.qa: expected integer, got string "71"'),
    (lambda r: r["gold"].update(articles=True), "$.gold.articles: expected integer, got boolean true"),
    (lambda r: r["environment"].update(git_dirty="yes"), "$.environment.git_dirty: expected boolean or null"),
    (lambda r: r["models"][0]["tasks"]["qa"]["metrics"]["f1"].update(value=1.5),
     "$.models[0].tasks.qa.metrics.f1.value: 1.5 is above the maximum 1"),
    (lambda r: r["models"][0]["tasks"]["summarization"]["by_style"]["headline"]["metrics"]["rouge1"].update(ci_low=-0.1),
     "$.models[0].tasks.summarization.by_style.headline.metrics.rouge1.ci_low: -0.1 is below the minimum 0"),
    (lambda r: r["models"][0]["tasks"]["qa"]["metrics"]["f1"].pop("ci_high"),
     "$.models[0].tasks.qa.metrics.f1: missing required property 'ci_high'"),
    (lambda r: r["models"][0]["tasks"].update(translation={}), "$.models[0].tasks: unexpected property 'translation'"),
    (lambda r: r["gold"].update(hash="not-a-hash"), '$.gold.hash: "not-a-hash" does not match'),
    (lambda r: r.update(schema_version=99), "$.schema_version: 99 is not one of [1]"),
    (lambda r: r["models"][0]["tasks"]["qa"]["items"][0]["scores"].update(f1=2),
     "$.models[0].tasks.qa.items[0].scores.f1: 2 is above the maximum 1"),
])
def test_a_broken_report_fails_naming_the_path(report, change, expected):
    errors = _mutated(report, change)
    assert any(e.startswith(expected) for e in errors), errors


def test_every_problem_is_reported(report):
    def change(r):
        r.pop("run_id")
        r["gold"]["qa"] = -1
    errors = _mutated(report, change)
    assert len(errors) == 2 and "$.gold.qa: -1 is below the minimum 0" in errors


def test_agrees_with_jsonschema_when_installed(report):
    jsonschema = pytest.importorskip("jsonschema", reason="jsonschema is not installed; the built-in validator is used")
    validator = jsonschema.Draft202012Validator(report_schema())
    assert not list(validator.iter_errors(report))
    broken = copy.deepcopy(report)
    broken["models"][0]["tasks"]["qa"]["metrics"]["f1"]["value"] = 1.5
    assert list(validator.iter_errors(broken)) and validate_report(broken)
