"""`harness run` end to end with the backends that need no model: lead and predictions.

The real-model run is in test_run_smollm2.py; these check the runner's bookkeeping: scores
recomputed from predictions.jsonl, the prediction cache, resume, failures, selection.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from harness.cli import main
from harness.metrics import rouge_item_scores
from harness.sentences import split_sentences
from harness.stats import mean_with_ci
from harness.tasks._extraction import extract_answer
from support.scoring import qa_item_scores
from harness.run._runlog import RUN_LOG_NAME

REPO = Path(__file__).resolve().parents[2]
GOLD = REPO / "gold"


@pytest.fixture(autouse=True)
def cache_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("HARNESS_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache"


def write_config(tmp_path: Path, models: list[dict], **tasks) -> Path:
    config = {
        "name": "test",
        "gold": str(GOLD),
        "tasks": tasks or {"qa": {}, "summarization": {}},
        "models": models,
        "bootstrap": {"resamples": 200, "seed": 7},
    }
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(config))
    return path


def run(*args: str) -> int:
    return main(["run", *map(str, args)])


def read_lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_lead_run_writes_reports_whose_numbers_follow_from_predictions(tmp_path, capsys):
    config = write_config(tmp_path, [{"name": "lead", "backend": "lead"}])
    assert run(config, "--output", tmp_path / "out") == 0
    out = tmp_path / "out"
    report = json.loads((out / "report.json").read_text())
    predictions = read_lines(out / "predictions.jsonl")
    assert "report:" in capsys.readouterr().out
    gold_qa = read_lines(GOLD / "kim-putin-talks" / "qa.jsonl")
    qa_lines = [p for p in predictions if p["task"] == "qa"]
    assert [p["id"] for p in qa_lines] == [q["id"] for q in gold_qa]
    for line, gold in zip(qa_lines, gold_qa):  # each item rescored from the raw prediction
        answer = extract_answer(line["prediction"], "default")
        assert line["answer"] == answer
        expected = qa_item_scores(answer, gold["answers"], "unanswerable")
        assert line["scores"]["exact_match"] == expected["exact_match"]
        assert line["scores"]["f1"] == expected["f1"]
    qa = report["models"][0]["tasks"]["qa"]
    f1 = mean_with_ci([p["scores"]["f1"] for p in qa_lines], [p["article_id"] for p in qa_lines], resamples=200, seed=7)
    assert qa["metrics"]["f1"] == f1
    assert qa["n"] == len(gold_qa) and qa["failed"] == 0
    summaries = [p for p in predictions if p["task"] == "summarization"]
    authored = {p["id"] for p in summaries if p["article_id"] == "kim-putin-talks"}
    assert authored == {f"kim-putin-talks/{s}" for s in ("headline", "one_sentence", "short")}
    assert len(summaries) == 22 and {p["id"].split("/")[1] for p in summaries if p["id"] not in authored} == {"short"}
    for line in summaries:
        assert line["answer"] == "\n".join(split_sentences(line["prediction"]))
        assert line["scores"] == rouge_item_scores(line["answer"].split("\n"), line["references"])
    short = next(p for p in summaries if p["id"].endswith("/short"))
    assert len(short["answer"].split("\n")) == 3  # lead: first three sentences, kept apart for rougeLsum
    assert report["gold"]["qa"] == len(gold_qa) and len(report["gold"]["hash"]) == 64
    assert (out / "report.md").read_text().startswith("# Evaluation report: test")
    timing = report["timing"]  # every phase of the command, adding up to its total
    phases = ("startup_s", "config_s", "gold_s", "models_s", "scoring_s", "report_s")
    assert all(timing[p] >= 0 for p in phases) and timing["startup_s"] > 0
    assert sum(timing[p] for p in phases) <= timing["total_s"] <= sum(timing[p] for p in phases) + 1
    assert timing["load_s"] + timing["generate_s"] <= timing["models_s"]


def test_second_run_is_served_from_the_prediction_cache(tmp_path):
    config = write_config(tmp_path, [{"name": "lead", "backend": "lead"}])
    assert run(config, "--output", tmp_path / "a") == 0
    assert run(config, "--output", tmp_path / "b") == 0
    timing = json.loads((tmp_path / "b" / "report.json").read_text())["models"][0]["timing"]
    assert timing["generated"] == 0 and timing["cached"] == 119
    assert run(config, "--output", tmp_path / "c", "--no-cache") == 0
    timing = json.loads((tmp_path / "c" / "report.json").read_text())["models"][0]["timing"]
    assert timing["generated"] == 119 and timing["cached"] == 0
    first = read_lines(tmp_path / "a" / "predictions.jsonl")
    assert first == read_lines(tmp_path / "b" / "predictions.jsonl") == read_lines(tmp_path / "c" / "predictions.jsonl")


def test_changed_generation_options_miss_the_cache(tmp_path):
    config = write_config(tmp_path, [{"name": "lead", "backend": "lead"}])
    assert run(config, "--output", tmp_path / "a") == 0
    assert run(config, "--output", tmp_path / "b", "--set", "models.0.generation.seed=5") == 0
    timing = json.loads((tmp_path / "b" / "report.json").read_text())["models"][0]["timing"]
    assert timing["cached"] == 0 and timing["generated"] == 119


def test_resume_keeps_finished_items_and_drops_a_torn_line(tmp_path):
    config = write_config(tmp_path, [{"name": "lead", "backend": "lead"}], qa={})
    full = tmp_path / "full"
    assert run(config, "--output", full, "--no-cache") == 0
    # An interrupted run: the first 10 log lines made it, the 11th was cut mid-write.
    out = tmp_path / "interrupted"
    out.mkdir()
    log_lines = (full / RUN_LOG_NAME).read_text().splitlines(keepends=True)
    (out / RUN_LOG_NAME).write_text("".join(log_lines[:10]) + log_lines[10][:25])
    assert run(config, "--output", out, "--resume", "--no-cache") == 0
    timing = json.loads((out / "report.json").read_text())["models"][0]["timing"]
    assert timing["resumed"] == 10 and timing["generated"] == 87
    assert read_lines(out / "predictions.jsonl") == read_lines(full / "predictions.jsonl")
    records = read_lines(out / RUN_LOG_NAME)
    assert len(records) == 97 == len({r["id"] for r in records})


def test_resume_without_output_finds_nothing_to_resume(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    config = write_config(tmp_path, [{"name": "lead", "backend": "lead"}], qa={})
    assert run(config, "--resume") == 2
    assert "no unfinished run under reports/test/" in capsys.readouterr().err


def test_items_missing_from_a_predictions_file_fail_and_count_as_wrong(tmp_path):
    gold_qa = read_lines(GOLD / "kim-putin-talks" / "qa.jsonl")
    answered = gold_qa[:5]
    replay = tmp_path / "replay.jsonl"
    replay.write_text("".join(json.dumps({"id": q["id"], "prediction": q["answers"][0] if q["answers"] else "unanswerable"}) + "\n" for q in answered))
    config = write_config(tmp_path, [{"name": "replay", "backend": "predictions", "path": str(replay)}], qa={})
    assert run(config, "--output", tmp_path / "out") == 0
    qa = json.loads((tmp_path / "out" / "report.json").read_text())["models"][0]["tasks"]["qa"]
    assert qa["n"] == len(gold_qa) and qa["failed"] == len(gold_qa) - 5
    assert qa["metrics"]["exact_match"]["value"] == pytest.approx(5 / len(gold_qa))
    assert all("missing from predictions file" in f["error"] for f in qa["failed_items"])


def test_limit_models_and_tasks_select_what_runs(tmp_path, capsys):
    config = write_config(tmp_path, [{"name": "lead", "backend": "lead"}, {"name": "other", "backend": "lead"}])
    assert run(config, "--output", tmp_path / "out", "--limit", "4", "--models", "other", "--tasks", "qa") == 0
    report = json.loads((tmp_path / "out" / "report.json").read_text())
    assert [m["name"] for m in report["models"]] == ["other"]
    assert list(report["models"][0]["tasks"]) == ["qa"] and report["models"][0]["tasks"]["qa"]["n"] == 4
    assert run(config, "--models", "nope") == 2
    assert "--models: unknown nope; this config has: lead, other" in capsys.readouterr().err


def test_an_extra_evaluate_metric_is_reported_beside_the_built_ins(tmp_path, monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_EVALUATE_OFFLINE", "1")
    from harness.metrics import evaluate_module_path

    extra = {"name": "squad_again", "path": evaluate_module_path("harness_squad")}
    config = write_config(tmp_path, [{"name": "lead", "backend": "lead"}], qa={"extra_metrics": [extra]})
    assert run(config, "--output", tmp_path / "out") == 0
    qa = json.loads((tmp_path / "out" / "report.json").read_text())["models"][0]["tasks"]["qa"]
    answerable = [i for i in qa["items"] if i["group"] != "unanswerable"]
    assert qa["extra_metrics"]["squad_again"]["f1"] == pytest.approx(
        sum(i["scores"]["f1"] for i in qa["items"]) / len(qa["items"]), abs=0.2)
    assert 0 <= qa["extra_metrics"]["squad_again"]["exact_match"] <= 1 and answerable


def test_unwritable_output_directory_is_a_clear_error(tmp_path, capsys):
    config = write_config(tmp_path, [{"name": "lead", "backend": "lead"}], qa={})
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    assert run(config, "--output", blocker / "out") == 2
    err = capsys.readouterr().err
    assert "cannot use as output directory" in err and "Traceback" not in err


def test_unusable_cache_directory_is_a_clear_error(tmp_path, monkeypatch, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    monkeypatch.setenv("HARNESS_CACHE_DIR", str(blocker / "cache"))
    config = write_config(tmp_path, [{"name": "lead", "backend": "lead"}], qa={})
    assert run(config, "--output", tmp_path / "out") == 2
    err = capsys.readouterr().err
    assert "prediction cache" in err and "HARNESS_CACHE_DIR" in err and "internal error" not in err
    assert run(config, "--output", tmp_path / "out", "--no-cache") == 0
