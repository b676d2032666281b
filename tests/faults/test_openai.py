"""The openai backend against a hostile OpenAI-compatible server on loopback (the stand-in of
tests/support/faults.py, which picks its fault from the request's `model`): an echoed API key, a
response trickled a byte at a time, 429 with Retry-After, odd but valid JSON, refusals.

The backend-level tests time one request; the `harness run` ones (a real subprocess) check what
reaches the report files, the run log and the prediction cache, and that the run goes on.
"""

from __future__ import annotations

import json
import secrets
import signal
import time
from pathlib import Path

import pytest

from harness import plugins
from harness.backends import GenerationOptions, Request, Result, create_backend
from harness.backends.lead import LeadBackend
from harness.backends.openai import OpenAIModel
from harness.cli import main
from support.faults import (
    REFUSAL, StandInServer, answer_for, fault_model, openai_model, read_jsonl, run_harness, start_harness,
    write_config,
)

VARIABLE = "HARNESS_FAULT_TEST_KEY"
QUESTION = Request(id="k-q001", task="qa", prompt="Where did the two leaders meet?")


def _one(config: dict) -> tuple:
    """One request through the backend: its Result and how long it took."""
    backend = create_backend(OpenAIModel(**config))
    backend.load()
    started = time.monotonic()
    try:
        [result] = list(backend.generate([QUESTION], GenerationOptions(max_new_tokens=8)))
    finally:
        backend.close()
    return result, time.monotonic() - started


def _files_holding(root: Path, needle: bytes) -> list[str]:
    return [str(p) for p in root.rglob("*") if p.is_file() and needle in p.read_bytes()]


def _tasks(out: Path) -> dict:
    report = json.loads((out / "report.json").read_text())
    return {m["name"]: m["tasks"]["qa"] for m in report["models"]}


@pytest.mark.slow
def test_a_key_echoed_in_an_answer_or_past_an_error_cut_reaches_no_file(tmp_path):
    key = "sk-" + secrets.token_hex(20)
    with StandInServer(key=key) as server:
        models = [fault_model(fault, server.base_url, api_key_env=VARIABLE, max_retries=0)
                  for fault in ("echo-key", "echo-key-past-the-cut")]
        config = write_config(tmp_path, models, {"qa": {}})
        out, cache = tmp_path / "out", tmp_path / "cache"
        done = run_harness("run", config, "--output", out, "--limit", "3", "--max-failed", "1.0", cache=cache,
                           **{VARIABLE: key})
    assert done.returncode == 0, done.stderr
    answers = [p for p in read_jsonl(out / "predictions.jsonl") if p["model"] == "echo-key"]
    assert len(answers) == 3 and all(p["error"] is None and p["prediction"].endswith("(you sent Bearer ***)")
                                     for p in answers)
    failed = _tasks(out)["echo-key-past-the-cut"]["failed_items"]
    assert len(failed) == 3 and all(f["error"].startswith("HTTP 500: xxx") and "Bearer *** (after 1 attempt)"
                                    in f["error"] for f in failed)
    needle = key[:8].encode()  # any start of the key of 8 characters or more is the key
    assert (cache / "predictions.sqlite3").exists()
    assert _files_holding(out, needle) == [] and _files_holding(cache, needle) == []
    assert key[:8] not in done.stdout + done.stderr


@pytest.mark.parametrize("fault", ["trickle-body", "trickle-headers"])
def test_timeout_s_is_a_deadline_for_each_whole_attempt(fault):
    with StandInServer() as server:
        result, took = _one(fault_model(fault, server.base_url, timeout_s=1, max_retries=1))
        attempts = server.requests_for(fault)
    assert result.text is None and result.error == "timed out after 1.0 s (after 2 attempts)"
    assert attempts == 2
    assert 2.0 <= took < 5.0  # two attempts of 1 s and a backoff under 0.5 s; a trickle would take 40 s


@pytest.mark.slow
def test_ctrl_c_cancels_requests_in_flight_at_once(tmp_path):
    with StandInServer(delay=30) as server:  # answers only after 30 s
        config = write_config(tmp_path, [openai_model("a", server.base_url, max_concurrency=2, timeout_s=60)])
        process = start_harness("run", config, "--output", tmp_path / "out", "--no-cache", cache=tmp_path / "cache")
        deadline = time.monotonic() + 60
        while server.requests < 2 and time.monotonic() < deadline and process.poll() is None:
            time.sleep(0.05)
        assert server.requests == 2
        interrupted = time.monotonic()
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=60)
        stopped_s = time.monotonic() - interrupted
    assert process.returncode == 130, stderr
    assert stopped_s < 5  # not the 30 s the two requests in flight would take


@pytest.mark.parametrize("fault, options, shortest, longest", [
    ("retry-after-2s", {}, 2.0, 4.0),
    ("retry-after-date", {}, 1.9, 4.5),  # an HTTP date 3 s ahead, to the whole second
    ("retry-after-an-hour", {"retry_after_max_s": 1.5}, 1.5, 3.5),  # capped
])
def test_a_429_waits_what_retry_after_asks_up_to_the_cap(fault, options, shortest, longest):
    with StandInServer() as server:
        result, _ = _one(fault_model(fault, server.base_url, max_retries=2, **options))
        [arrivals] = [times for (model, _), times in server.arrivals.items() if model == fault]
    assert result.error is None and result.text == answer_for(fault, QUESTION.prompt)
    assert len(arrivals) == 2 and shortest <= arrivals[1] - arrivals[0] < longest


@pytest.mark.slow
def test_odd_but_valid_json_fails_its_items_and_the_run_goes_on(tmp_path):
    with StandInServer() as server:
        models = [openai_model("plain", server.base_url)] + [
            fault_model(fault, server.base_url) for fault in ("content-parts", "content-number", "prompt-tokens-as-text")]
        config = write_config(tmp_path, models, {"qa": {}})
        done = run_harness("run", config, "--output", tmp_path / "out", "--limit", "3", "--max-failed", "1.0",
                           cache=tmp_path / "cache")
    assert done.returncode == 0, done.stderr
    predictions = read_jsonl(tmp_path / "out" / "predictions.jsonl")
    by_model = {name: [p for p in predictions if p["model"] == name] for name in ("plain", "content-parts")}
    assert [p["prediction"] for p in by_model["content-parts"]] == [p["prediction"] for p in by_model["plain"]]
    assert all(p["error"] is None for p in by_model["content-parts"])
    tasks = _tasks(tmp_path / "out")
    assert (tasks["plain"]["failed"], tasks["content-parts"]["failed"]) == (0, 0)
    assert {f["error"] for f in tasks["content-number"]["failed_items"]} == {
        "unexpected response: message.content is int 42, not text"}
    errors = {f["error"] for f in tasks["prompt-tokens-as-text"]["failed_items"]}
    assert len(errors) >= 1 and all(e.startswith("unexpected response: usage.prompt_tokens is str '")
                                    and e.endswith(", not a whole number") for e in errors)
    assert tasks["content-number"]["failed"] == tasks["prompt-tokens-as-text"]["failed"] == 3


@pytest.mark.slow
def test_a_refusal_is_a_failed_item_and_never_cached(tmp_path):
    with StandInServer() as server:
        models = [openai_model("plain", server.base_url)] + [
            fault_model(fault, server.base_url) for fault in ("content-filter", "refusal")]
        config = write_config(tmp_path, models, {"qa": {}})
        runs = [run_harness("run", config, "--output", tmp_path / f"out{n}", "--limit", "2", "--max-failed", "1.0",
                            cache=tmp_path / "cache") for n in (1, 2)]
        requests = {name: server.requests_for(f"standin-{name}" if name == "plain" else name)
                    for name in ("plain", "content-filter", "refusal")}
    assert [done.returncode for done in runs] == [0, 0], runs[-1].stderr
    assert requests == {"plain": 2, "content-filter": 4, "refusal": 4}  # the second run: plain from the cache only
    for n in (1, 2):
        tasks = _tasks(tmp_path / f"out{n}")
        assert tasks["plain"]["failed"] == 0
        assert {f["error"] for f in tasks["refusal"]["failed_items"]} == {f"refused: {REFUSAL}"}
        assert {f["error"] for f in tasks["content-filter"]["failed_items"]} == {
            "refused: the server's content filter stopped the answer (finish_reason content_filter)"}
        assert tasks["refusal"]["failed"] == tasks["content-filter"]["failed"] == 2


SECRET = "tok-5e11a2b9c0d4"


class LeakyLead(LeadBackend):
    """The lead baseline with a secret of its own in its answers, an error and an exception."""

    def redact(self, text: str) -> str:
        return text.replace(SECRET, "***")

    def generate(self, requests, generation):
        for result in LeadBackend.generate(self, requests, generation):
            if result.id.endswith("q002"):
                raise RuntimeError(f"crashed holding {SECRET}")
            if result.id.endswith("q003"):
                yield Result(result.id, None, error=f"refused by {SECRET}")
            else:
                yield Result(result.id, f"{result.text} {SECRET}")


def test_the_runner_passes_every_backend_string_through_redact(tmp_path, monkeypatch):
    monkeypatch.setenv("HARNESS_CACHE_DIR", str(tmp_path / "cache"))
    real_load = plugins.load
    monkeypatch.setattr(plugins, "load", lambda kind, name: LeakyLead if (kind, name) == ("backend", "lead")
                        else real_load(kind, name))
    config = write_config(tmp_path, [{"name": "lead", "backend": "lead"}], {"qa": {}})
    assert main(["run", str(config), "--output", str(tmp_path / "out"), "--limit", "4"]) == 0
    records = {p["id"].rsplit("-", 1)[1]: p for p in read_jsonl(tmp_path / "out" / "predictions.jsonl")}
    assert records["q001"]["prediction"].endswith(" ***") and records["q004"]["prediction"].endswith(" ***")
    assert records["q002"]["error"] == "RuntimeError: crashed holding ***"
    assert records["q003"]["error"] == "refused by ***"
    assert _files_holding(tmp_path / "out", SECRET.encode()) == []
    assert _files_holding(tmp_path / "cache", SECRET.encode()) == []
