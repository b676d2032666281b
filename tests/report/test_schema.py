"""report.json has one typed model: the committed report.schema.json is generated from it, a
real report validates against that schema and round-trips through the model unchanged, and a
broken report fails both, naming the place."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import jsonschema
import pytest

from harness.errors import HarnessError
from harness.report import SCHEMA_VERSION, Report, read_report
from harness.report._schema import (
    PREDICTIONS_SCHEMA_PATH,
    REPORT_SCHEMA_PATH,
    predictions_schema,
    report_schema,
    schema_text,
)
from harness.run import RunOptions, run

GOLD = Path(__file__).resolve().parents[2] / "gold"


@pytest.fixture(scope="module")
def report_path(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("schema-run")
    config = {"name": "schema-test", "gold": str(GOLD), "tasks": {"qa": {}, "summarization": {}},
              "models": [{"name": "lead", "backend": "lead"}], "bootstrap": {"resamples": 100, "seed": 0}}
    (tmp / "config.yaml").write_text(json.dumps(config), encoding="utf-8")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("HARNESS_CACHE_DIR", str(tmp / "cache"))
        result = run(tmp / "config.yaml", RunOptions(output=tmp / "out", limit=3, use_cache=False))
    return result.output / "report.json"


@pytest.fixture(scope="module")
def report(report_path) -> dict:
    return json.loads(report_path.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def validator():
    return jsonschema.Draft202012Validator(report_schema())


def test_the_committed_schema_is_the_one_generated_from_the_model():
    assert REPORT_SCHEMA_PATH.read_text(encoding="utf-8") == schema_text(), (
        "report.schema.json is stale: run `python -m harness.report._schema` and commit it")
    assert PREDICTIONS_SCHEMA_PATH.read_text(encoding="utf-8") == schema_text(predictions_schema()), (
        "predictions.schema.json is stale: run `python -m harness.report._schema` and commit it")


def test_every_line_of_a_real_predictions_file_validates_against_its_schema(report_path):
    validator = jsonschema.Draft202012Validator(predictions_schema())
    lines = [json.loads(line) for line in (report_path.parent / "predictions.jsonl").read_text().splitlines()]
    assert {line["task"] for line in lines} == {"qa", "summarization"}
    for line in lines:
        assert list(validator.iter_errors(line)) == []
    bad = {**lines[0], "scores": {"exact_match": "1"}}
    assert list(validator.iter_errors(bad))


def test_the_schema_is_draft_2020_12_and_names_the_schema_versions_a_reader_accepts():
    schema = report_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert SCHEMA_VERSION in schema["properties"]["schema_version"]["enum"]


def test_a_real_report_validates_and_round_trips_through_the_model(report, report_path, validator):
    assert not list(validator.iter_errors(report))
    assert read_report(report_path).to_json() == report_path.read_text(encoding="utf-8")


def test_nulls_are_allowed_where_a_value_can_be_unknown(report, validator):
    broken = copy.deepcopy(report)
    broken["environment"]["git_commit"] = broken["environment"]["git_dirty"] = None
    broken["models"][0]["tasks"]["qa"]["metrics"]["f1"]["value"] = None
    assert not list(validator.iter_errors(broken))
    Report.model_validate(broken)


def test_fields_of_a_newer_minor_version_are_ignored_by_readers(report, tmp_path):
    newer = copy.deepcopy(report)
    newer["added_later"] = {"x": 1}
    newer["models"][0]["added_later"] = [1, 2]
    newer["models"][0]["tasks"]["qa"]["items"][0]["added_later"] = "y"
    path = tmp_path / "newer.json"
    path.write_text(json.dumps(newer), encoding="utf-8")
    assert read_report(path).model_dump(mode="json") == Report.model_validate(report).model_dump(mode="json")


@pytest.mark.parametrize(("change", "where"), [
    (lambda r: r.pop("run_id"), "run_id"),
    (lambda r: r["gold"].pop("hash"), "gold.hash"),
    (lambda r: r["models"][0].pop("tasks"), "models[0].tasks"),
    (lambda r: r.update(config_hash=5), "config_hash"),
    (lambda r: r["gold"].update(qa="71"), "gold.qa"),
    (lambda r: r["gold"].update(qa=-1), "gold.qa"),
    (lambda r: r["environment"].update(git_dirty="yes"), "environment.git_dirty"),
    (lambda r: r["models"][0]["tasks"]["qa"]["metrics"]["f1"].pop("ci_high"), "models[0].tasks.qa.metrics.f1.ci_high"),
    (lambda r: r["gold"].update(hash="not-a-hash"), "gold.hash"),
    (lambda r: r.update(schema_version=99), "schema_version"),
    (lambda r: r["models"][0]["tasks"]["qa"]["items"][0]["scores"].update(f1="high"),
     "models[0].tasks.qa.items[0].scores.f1"),
    (lambda r: r["scoring"]["bootstrap"].update(resamples=0), "scoring.bootstrap.resamples"),
])
def test_a_broken_report_fails_the_schema_and_the_reader_naming_the_place(report, validator, tmp_path, change, where):
    broken = copy.deepcopy(report)
    change(broken)
    assert list(validator.iter_errors(broken))
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(broken), encoding="utf-8")
    with pytest.raises(HarnessError) as caught:
        read_report(path)
    assert where in str(caught.value) and caught.value.exit_code == 2
