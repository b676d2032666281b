"""Shared pieces of the fault tests: a small deterministic OpenAI-compatible server (run in a
thread, or as its own process so a test can SIGKILL it), configs, and a `harness run` subprocess.

The server answers every prompt with its last few words, after a configurable delay, so runs are
deterministic and slow enough to interrupt. With a key it demands `Authorization: Bearer KEY`
and answers anything else with a rejection that echoes the header back (a hostile server).
A request whose `model` names one of FAULTS gets that fault instead of the plain answer (an
echoed key, a trickled response, a 429 with Retry-After, an odd but valid JSON body, a refusal,
a 1 MB answer, control characters).
Run as a script: python tests/support/faults.py --port N [--delay S] [--events FILE].
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Callable

import yaml

REPO = Path(__file__).resolve().parents[2]
GOLD = REPO / "gold"
N_ITEMS = 119  # items in the shipped gold: 97 questions; 3 summary styles of one article, 1 of 19 others
VOLATILE = ("run_id", "created_at", "timing")  # report fields that differ between two runs of one config


def prompt_hash(prompt: str) -> str:
    return hashlib.sha1(prompt.encode("utf-8")).hexdigest()[:12]


def answer_for(model: str, prompt: str) -> str:
    """Deterministic: the prompt's last six words (the model name changes nothing but the key)."""
    return " ".join(prompt.split()[-6:])


class StandInServer:
    """An OpenAI-compatible HTTP server on loopback; `delay` may be changed while it runs."""

    def __init__(self, port: int = 0, delay: float = 0.0, key: str | None = None,
                 reject_status: int = 401, events: Path | None = None):
        self.delay, self.key, self.reject_status, self.events = delay, key, reject_status, events
        self.requests = 0
        self.arrivals: dict[tuple[str, str], list[float]] = {}  # (model, prompt hash): monotonic times
        self.closed = False
        self._lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", port), self._handler())
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.base_url = f"http://127.0.0.1:{self.port}/v1"

    def _note(self, line: str) -> None:
        with self._lock:
            if line.startswith("recv"):
                self.requests += 1
            if self.events is not None:
                with open(self.events, "a") as file:
                    file.write(line + "\n")

    def _arrive(self, model: str, prompt: str) -> bool:
        """Record a request's arrival; whether it is the first for this model and prompt."""
        with self._lock:
            times = self.arrivals.setdefault((model, prompt_hash(prompt)), [])
            times.append(time.monotonic())
            return len(times) == 1

    def requests_for(self, model: str) -> int:
        with self._lock:
            return sum(len(times) for (name, _), times in self.arrivals.items() if name == model)

    def _handler(self):
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server's naming)
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))))
                prompt = body["messages"][-1]["content"] if "messages" in body else body["prompt"]
                stand_in._note(f"recv {prompt_hash(prompt)}")
                first = stand_in._arrive(body.get("model", ""), prompt)
                sent = self.headers.get("Authorization", "")
                if stand_in.key is not None and sent != f"Bearer {stand_in.key}":
                    return self._send(stand_in.reject_status, {"error": f"bad credentials: {sent!r}"})
                time.sleep(stand_in.delay)
                text = answer_for(body.get("model", ""), prompt)
                choice = {"message": {"role": "assistant", "content": text}} if "messages" in body else {"text": text}
                payload = {"choices": [choice | {"finish_reason": "stop"}],
                           "usage": {"prompt_tokens": len(prompt.split()), "completion_tokens": len(text.split())}}
                fault = FAULTS.get(body.get("model", ""))
                if fault is not None:
                    return fault(self, payload, Call(sent, first))
                self._send(200, payload)
                stand_in._note(f"sent {prompt_hash(prompt)}")

            def _send(self, status: int, payload: dict | bytes, headers: dict | None = None) -> None:
                data = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "text/plain" if isinstance(payload, bytes) else "application/json")
                self.send_header("Content-Length", str(len(data)))
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(data)

            def _trickle(self, data: bytes) -> None:
                """Send `data` a byte at a time, TRICKLE_S apart, until done, the client gives up or the server closes."""
                try:
                    for byte in data:
                        if stand_in.closed:
                            return
                        self.wfile.write(bytes([byte]))
                        time.sleep(TRICKLE_S)
                except OSError:
                    pass

            def log_message(self, *args):
                pass

        return Handler

    def __enter__(self) -> "StandInServer":
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        self.closed = True
        self.server.shutdown()
        self.server.server_close()


TRICKLE_S = 0.4  # between two bytes of a trickled response: well under any read timeout
REFUSAL = "I can't help with that."


@dataclass(frozen=True)
class Call:
    """What a fault may use: the Authorization header sent, and whether this model and prompt are new."""

    sent: str
    first: bool


def _message(payload: dict) -> dict:
    return payload["choices"][0]["message"]


def _echo_key(handler, payload: dict, call: Call) -> None:
    """A 200 whose answer quotes the Authorization header back."""
    _message(payload)["content"] += f" (you sent {call.sent})"
    handler._send(200, payload)


def _echo_key_past_the_cut(handler, payload: dict, call: Call) -> None:
    """A 500 whose text body ends with the echoed header, placed so that the first 200 characters
    hold all of the key but its last character."""
    handler._send(500, ("x" * (201 - len(call.sent)) + call.sent).encode())


def _trickle_body(handler, payload: dict, call: Call) -> None:
    data = json.dumps(payload).encode()
    handler.send_response(200)
    handler.send_header("Content-Length", str(len(data)))
    handler.end_headers()
    handler._trickle(data)


def _trickle_headers(handler, payload: dict, call: Call) -> None:
    data = json.dumps(payload).encode()
    handler._trickle(f"HTTP/1.0 200 OK\r\nContent-Length: {len(data)}\r\n\r\n".encode() + data)


def _retry_after(value) -> Callable:
    """429 with `Retry-After: value()` the first time a prompt arrives, the answer after that."""
    def fault(handler, payload: dict, call: Call) -> None:
        if call.first:
            return handler._send(429, {"error": "rate limited"}, {"Retry-After": value()})
        handler._send(200, payload)
    return fault


def _edited(edit: Callable[[dict], None]) -> Callable:
    """The normal answer with one thing changed by `edit`."""
    def fault(handler, payload: dict, call: Call) -> None:
        edit(payload)
        handler._send(200, payload)
    return fault


def _content_parts(payload: dict) -> None:
    """The answer as a list of text parts (the newer format), split after its first word."""
    first, _, rest = _message(payload)["content"].partition(" ")
    _message(payload)["content"] = [{"type": "text", "text": first}, {"type": "text", "text": " " + rest}]


def _content_number(payload: dict) -> None:
    _message(payload)["content"] = 42


def _prompt_tokens_as_text(payload: dict) -> None:
    payload["usage"]["prompt_tokens"] = str(payload["usage"]["prompt_tokens"])


def _content_filtered(payload: dict) -> None:
    _message(payload)["content"] = None
    payload["choices"][0]["finish_reason"] = "content_filter"


def _refused(payload: dict) -> None:
    _message(payload).update(content=None, refusal=REFUSAL)


HUGE_ANSWER_CHARS = 1 << 20
CONTROL_CHARS = "NUL\x00 ESC\x1b[2J BEL\x07 DEL\x7f C1\x85 RLO\u202e LRI\u2066 end"


def _huge_answer(payload: dict) -> None:
    """A 1 MB answer, whatever max_tokens asked for (a server that ignores it)."""
    _message(payload)["content"] = ("word " * HUGE_ANSWER_CHARS)[:HUGE_ANSWER_CHARS]


def _control_chars(payload: dict) -> None:
    _message(payload)["content"] = CONTROL_CHARS


FAULTS: dict[str, Callable] = {
    "echo-key": _echo_key,
    "echo-key-past-the-cut": _echo_key_past_the_cut,
    "trickle-body": _trickle_body,
    "trickle-headers": _trickle_headers,
    "retry-after-2s": _retry_after(lambda: "2"),
    "retry-after-date": _retry_after(lambda: formatdate(time.time() + 3, usegmt=True)),
    "retry-after-an-hour": _retry_after(lambda: "3600"),
    "content-parts": _edited(_content_parts),
    "content-number": _edited(_content_number),
    "prompt-tokens-as-text": _edited(_prompt_tokens_as_text),
    "content-filter": _edited(_content_filtered),
    "refusal": _edited(_refused),
    "huge-answer": _edited(_huge_answer),
    "control-chars": _edited(_control_chars),
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, process: subprocess.Popen | None = None, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nothing listens on port {port} after {seconds} s")


def start_server_process(port: int, events: Path, delay: float = 0.0) -> subprocess.Popen:
    """The stand-in as its own process (so it can really be killed), once it accepts connections."""
    process = subprocess.Popen([sys.executable, __file__, "--port", str(port), "--delay", str(delay),
                                "--events", str(events)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_for_port(port, process)
    return process


def kill(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)


def event_ids(path: Path, kind: str) -> list[str]:
    if not path.exists():
        return []
    return [line.split()[1] for line in path.read_text().splitlines() if line.startswith(kind + " ")]


def openai_model(name: str, base_url: str, **options) -> dict:
    return {"name": name, "backend": "openai", "base_url": base_url, "model": f"standin-{name}",
            "generation": {"max_new_tokens": 16}, **options}


def fault_model(fault: str, base_url: str, **options) -> dict:
    """A model the stand-in answers with FAULTS[fault]; the config's model name is the fault's."""
    assert fault in FAULTS, fault
    return openai_model(fault, base_url, model=fault, **options)


def write_config(directory: Path, models: list[dict], tasks: dict | None = None) -> Path:
    config = {"name": "faults", "gold": str(GOLD), "tasks": tasks or {"qa": {}, "summarization": {}},
              "models": models, "bootstrap": {"resamples": 50, "seed": 3}}
    path = directory / "config.yaml"
    path.write_text(yaml.safe_dump(config))
    return path


def harness_command(*args) -> list[str]:
    return [sys.executable, "-m", "harness.cli", *map(str, args)]


def harness_env(cache: Path, **extra: str) -> dict[str, str]:
    return {**os.environ, "HARNESS_CACHE_DIR": str(cache), "PYTHONUNBUFFERED": "1", **extra}


def run_harness(*args, cache: Path, timeout: float = 120, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(harness_command(*args), cwd=REPO, env=harness_env(cache, **env),
                          capture_output=True, text=True, timeout=timeout)


def start_harness(*args, cache: Path, **env: str) -> subprocess.Popen:
    return subprocess.Popen(harness_command(*args), cwd=REPO, env=harness_env(cache, **env),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def wait_for_log_lines(log: Path, count: int, process: subprocess.Popen, seconds: float = 60) -> int:
    """Wait until the run log holds `count` complete lines; returns how many it holds."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        lines = log.read_bytes().count(b"\n") if log.exists() else 0
        if lines >= count:
            return lines
        if process.poll() is not None:
            raise AssertionError(f"run ended (exit {process.returncode}) before {count} log lines: "
                                 f"{process.stderr.read()[-2000:]}")
        time.sleep(0.02)
    raise AssertionError(f"the run log did not reach {count} lines in {seconds} s")


def read_jsonl(path: Path) -> list[dict]:
    # "\n" only: str.splitlines() also splits at a raw U+0085 or U+2028 inside a JSON string
    return [json.loads(line) for line in path.read_text(encoding="utf-8").split("\n") if line]


def comparable_report(path: Path) -> dict:
    """report.json without what legitimately differs between an interrupted and a clean run."""
    report = json.loads(path.read_text())
    for key in VOLATILE:
        report.pop(key)
    report["selection"].pop("resumed")
    for model in report["models"]:
        model.pop("timing")
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description="a deterministic OpenAI-compatible stand-in server")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--delay", type=float, default=0.0)
    parser.add_argument("--events", type=Path)
    args = parser.parse_args()
    server = StandInServer(args.port, args.delay, events=args.events)
    server.server.serve_forever()


if __name__ == "__main__":
    main()
