"""A run killed with SIGKILL, or stopped with Ctrl-C, in the middle of generation.

`harness run` runs in a real subprocess against the openai backend and a deterministic stand-in
server that answers slowly enough to interrupt; `--no-cache` on every run, so what a resume
skips comes from the run log alone.
"""

from __future__ import annotations

import json
import shlex
import signal
import time

import pytest

from harness.run._runlog import RUN_LOG_NAME
from support.faults import (
    N_ITEMS, StandInServer, comparable_report, openai_model, read_jsonl, run_harness, start_harness,
    wait_for_log_lines, write_config,
)


def _assert_one_prediction_per_model_and_item(out, models: list[str]) -> None:
    predictions = read_jsonl(out / "predictions.jsonl")
    keys = [(p["model"], p["task"], p["id"]) for p in predictions]
    assert len(keys) == len(set(keys)) == N_ITEMS * len(models)
    assert {p["model"] for p in predictions} == set(models)
    assert all(p["error"] is None for p in predictions)
    log = read_jsonl(out / RUN_LOG_NAME)  # every line parses: the torn one is gone
    logged = [(r["model"], r["task"], r["id"]) for r in log]
    assert len(logged) == len(set(logged)) == N_ITEMS * len(models)


@pytest.mark.slow
def test_sigkill_mid_generation_then_resume_matches_an_uninterrupted_run(tmp_path):
    with StandInServer(delay=0.04) as server:
        models = [openai_model("a", server.base_url, max_concurrency=2), openai_model("b", server.base_url, max_concurrency=2)]
        config = write_config(tmp_path, models)
        clean = run_harness("run", config, "--output", tmp_path / "clean", "--no-cache", cache=tmp_path / "cache")
        assert clean.returncode == 0, clean.stderr

        out = tmp_path / "killed"
        process = start_harness("run", config, "--output", out, "--no-cache", cache=tmp_path / "cache")
        wait_for_log_lines(out / RUN_LOG_NAME, 20, process)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
        process.stdout.close(), process.stderr.close()
        assert process.returncode == -signal.SIGKILL
        assert not (out / "report.json").exists()
        finished = len(read_jsonl(out / RUN_LOG_NAME))
        assert 20 <= finished < 2 * N_ITEMS
        with open(out / RUN_LOG_NAME, "ab") as log:  # and a write the kill cut short
            log.write(b'{"model": "a", "task": "qa", "id": "kim-putin-')

        resumed = run_harness("run", config, "--output", out, "--resume", "--no-cache", cache=tmp_path / "cache")
    assert resumed.returncode == 0, resumed.stderr
    _assert_one_prediction_per_model_and_item(out, ["a", "b"])
    report = json.loads((out / "report.json").read_text())
    timing = [m["timing"] for m in report["models"]]
    assert sum(t["resumed"] for t in timing) == finished
    assert sum(t["generated"] for t in timing) == 2 * N_ITEMS - finished
    assert report["selection"]["resumed"] is True
    assert comparable_report(out / "report.json") == comparable_report(tmp_path / "clean" / "report.json")
    assert (out / "predictions.jsonl").read_bytes() == (tmp_path / "clean" / "predictions.jsonl").read_bytes()


@pytest.mark.slow
def test_ctrl_c_stops_promptly_with_a_resume_command_that_works(tmp_path):
    with StandInServer(delay=0.5) as server:  # the 70-odd queued requests would take ~20 s
        config = write_config(tmp_path, [openai_model("a", server.base_url, max_concurrency=2)])
        out = tmp_path / "out"
        process = start_harness("run", config, "--output", out, "--no-cache", cache=tmp_path / "cache")
        wait_for_log_lines(out / RUN_LOG_NAME, 8, process)
        interrupted = time.monotonic()
        process.send_signal(signal.SIGINT)
        stdout, stderr = process.communicate(timeout=30)
        stopped_s = time.monotonic() - interrupted
        assert process.returncode == 130, stderr
        assert stopped_s < 5  # no waiting for queued requests: at most the ones in flight
        message = stderr.strip().splitlines()[-1]  # the progress bar's lines come before it
        assert message.startswith("error: interrupted; finished predictions are saved in ")
        assert "Traceback" not in stderr
        resume = shlex.split(message.split("continue with: ", 1)[1])
        assert resume == ["harness", "run", str(config), "--output", str(out), "--resume"]
        kept = len(read_jsonl(out / RUN_LOG_NAME))
        assert kept >= 8

        server.delay = 0.0
        resumed = run_harness(*resume[1:], "--no-cache", cache=tmp_path / "cache")
        requests_after = server.requests
    assert resumed.returncode == 0, resumed.stderr
    _assert_one_prediction_per_model_and_item(out, ["a"])
    timing = json.loads((out / "report.json").read_text())["models"][0]["timing"]
    assert (timing["resumed"], timing["generated"]) == (kept, N_ITEMS - kept)
    assert requests_after <= N_ITEMS + 4  # the interrupted run sent little beyond what was in flight
