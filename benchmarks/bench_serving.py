"""The `openai` backend against a real llama.cpp server with several slots, at several
concurrencies: questions per second, and whether answers equal the sequential ones.

    HARNESS_BENCH_LLAMA_SERVER=/path/to/llama-server .venv/bin/python benchmarks/bench_serving.py
    .venv/bin/python benchmarks/bench_serving.py --server python   # llama-cpp-python's llama_cpp.server

The server runs on loopback with the bundled SmolLM2 GGUF file: llama.cpp's own `llama-server`
(built from the llama.cpp source that llama-cpp-python vendors; it has slots, continuous batching
and a per-slot prompt cache), or llama-cpp-python's `llama_cpp.server` (one request at a time:
it has no slots). The QA requests go in gold order, so the questions of one article follow each
other and a slot that last served the same article reuses its prefix.

With llama-server it then measures the engine itself, from the `timings` it returns: the time
per decoded token of a request alone and of `--slots` requests decoding together (each exactly
32 tokens). Their ratio is what a step over N rows costs against a step over one, so N slots
can make decoding at most N / ratio times faster, whatever the client does.
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from harness.backends import create_backend  # noqa: E402
from harness.backends._gguf import locate_gguf  # noqa: E402
from harness.backends.openai import OpenAIModel, build_payload  # noqa: E402
from harness.config import load_config  # noqa: E402
from harness.gold import load_gold  # noqa: E402
from harness.tasks import task  # noqa: E402
from harness.tasks._extraction import extract_answer  # noqa: E402

SERVER_ENV = "HARNESS_BENCH_LLAMA_SERVER"
ALIAS = "smollm2"  # the model name the server answers to
TARGET = 2.0  # x the sequential throughput at concurrency = slots
ENGINE_TOKENS = 32  # tokens each request of the engine measurement decodes


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def server_command(args: Any, gguf: Path, port: int) -> list[str]:
    if args.server == "python":
        return [args.python, "-m", "llama_cpp.server", "--model", str(gguf), "--host", "127.0.0.1",
                "--port", str(port), "--n_ctx", str(args.ctx_per_slot), "--n_threads",
                str(args.threads), "--model_alias", ALIAS, "--cache", "true"]
    return [args.server, "-m", str(gguf), "--host", "127.0.0.1", "--port", str(port),
            "-np", str(args.slots), "-c", str(args.ctx_per_slot * args.slots), "-t", str(args.threads),
            "-tb", str(args.threads), "--cont-batching", "--alias", ALIAS, "--no-webui",
            *args.server_args.split()]


def wait_ready(process: subprocess.Popen, port: int, timeout: float = 120.0) -> None:
    import httpx

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"server exited with status {process.returncode}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/v1/models", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise SystemExit("server did not become ready in time")


def run_once(port: int, concurrency: int, requests: list[Any], generation: Any) -> dict[str, Any]:
    config = OpenAIModel(name="served", backend="openai", base_url=f"http://127.0.0.1:{port}/v1",
                         model=ALIAS, max_concurrency=concurrency, timeout_s=600,
                         generation=generation)
    backend = create_backend(config)
    backend.load()
    started = time.perf_counter()
    results = {r.id: r for r in backend.generate(requests, generation)}
    wall = time.perf_counter() - started
    backend.close()
    return {"wall_s": wall, "texts": {k: r.text or "" for k, r in results.items()},
            "errors": sum(1 for r in results.values() if r.error)}


def engine_scaling(port: int, requests: list[Any], slots: int, generation: Any) -> dict[str, float]:
    """llama-server's own milliseconds per prompt token and per decoded token (its `timings`,
    averaged over requests), for `slots` requests sent one at a time, then the same requests
    all at once, each decoding exactly ENGINE_TOKENS tokens (ignore_eos)."""
    import httpx

    url = f"http://127.0.0.1:{port}/v1/chat/completions"

    def post(request: Any) -> dict[str, float]:
        payload = {**build_payload("chat", ALIAS, request, generation),
                   "max_tokens": ENGINE_TOKENS, "ignore_eos": True}
        response = httpx.post(url, json=payload, timeout=600)
        response.raise_for_status()
        return response.json()["timings"]

    def per_token(timings: list[dict[str, float]], kind: str) -> float:
        return sum(t[f"{kind}_ms"] for t in timings) / max(1, sum(t[f"{kind}_n"] for t in timings))

    batch = requests[:slots]
    alone = [post(r) for r in batch]
    with ThreadPoolExecutor(slots) as pool:
        together = list(pool.map(post, batch))
    return {"prompt_alone": per_token(alone, "prompt"),
            "prompt_together": per_token(together, "prompt"),
            "decode_alone": per_token(alone, "predicted"),
            "decode_together": per_token(together, "predicted")}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--server", default=os.environ.get(SERVER_ENV),
                        help=f"llama-server binary (default ${SERVER_ENV}), or 'python' for llama_cpp.server")
    parser.add_argument("--python", default=os.environ.get("HARNESS_BENCH_LLAMACPP_PYTHON", sys.executable),
                        help="interpreter with llama-cpp-python[server], for --server python")
    parser.add_argument("--slots", type=int, default=4)
    parser.add_argument("--ctx-per-slot", type=int, default=4096)
    parser.add_argument("--concurrency", default="1,2,4,8")
    parser.add_argument("--threads", type=int, default=os.cpu_count())
    parser.add_argument("--server-args", default="", help="extra llama-server arguments")
    parser.add_argument("--gguf", type=Path,
                        help="serve this GGUF file instead of the bundled Q4_1 one (the same "
                             "model in another format, e.g. from llama.cpp's convert_hf_to_gguf.py)")
    parser.add_argument("--limit", type=int)
    parser.add_argument("--repeat", type=int, default=1,
                        help="runs of each concurrency in a row: the first finds slots without the "
                             "article (each reads it), the later ones find it cached in every slot")
    args = parser.parse_args()
    if not args.server:
        raise SystemExit(f"name a llama-server binary (--server or ${SERVER_ENV}) or --server python")
    config = load_config(str(ROOT / "configs" / "default.yaml"))
    items = task("qa").items(load_gold(ROOT / config.gold), config.tasks.qa, args.limit)
    model = next(m for m in config.models if m.backend == "transformers")
    requests, rule = [i.request() for i in items], config.tasks.qa.extraction
    port = free_port()
    command = server_command(args, args.gguf or locate_gguf(model.gguf).path, port)
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_ready(process, port)
        run_once(port, 1, requests[:2], model.generation)  # warm-up
        runs = {(c, i): run_once(port, c, requests, model.generation)
                for c in (int(x) for x in args.concurrency.split(",")) for i in range(args.repeat)}
        engine = (engine_scaling(port, requests, args.slots, model.generation)
                  if args.server != "python" else None)
    finally:
        process.terminate()
        process.wait(timeout=30)
    report(command, runs, rule, len(requests))
    if engine:
        report_engine(engine, args.slots, runs)


def report(command: list[str], runs: dict[tuple[int, int], dict[str, Any]], rule: Any, n: int) -> None:
    print(f"\n{n} questions; server: {' '.join(Path(c).name if i == 0 else c for i, c in enumerate(command))}\n")
    print("| concurrency | run | wall s | questions/s | x sequential | answers = sequential | errors |")
    print("|---|---|---|---|---|---|---|")
    base = runs[min(runs)]  # concurrency 1, first run
    speedups = speedup(runs)
    for (c, i), r in runs.items():
        same = sum(extract_answer(r["texts"][k], rule) == extract_answer(t, rule)
                   for k, t in base["texts"].items())
        print(f"| {c} | {i + 1} | {r['wall_s']:.1f} | {n / r['wall_s']:.2f} | {speedups[c, i]:.2f} "
              f"| {same}/{n} | {r['errors']} |")


def speedup(runs: dict[tuple[int, int], dict[str, Any]]) -> dict[tuple[int, int], float]:
    """Each run's throughput against the first run at the lowest concurrency (sequential)."""
    base = runs[min(runs)]["wall_s"]
    return {key: base / r["wall_s"] for key, r in runs.items()}


def report_engine(engine: dict[str, float], slots: int,
                  runs: dict[tuple[int, int], dict[str, Any]]) -> None:
    step_cost = engine["decode_together"] / engine["decode_alone"]
    print(f"\nllama-server's own timings, {slots} requests of {ENGINE_TOKENS} decoded tokens each:\n")
    print("| requests at once | ms per prompt token | ms per decoded token |")
    print("|---|---|---|")
    print(f"| 1 | {engine['prompt_alone']:.1f} | {engine['decode_alone']:.1f} |")
    print(f"| {slots} | {engine['prompt_together']:.1f} | {engine['decode_together']:.1f} |")
    ceiling = slots / step_cost
    print(f"\na decode step over {slots} rows costs {step_cost:.2f}x a step over one: {slots} slots can "
          f"decode at most {ceiling:.2f}x faster than one, whatever the client sends")
    at_slots = [x for (c, _), x in speedup(runs).items() if c == slots]
    if at_slots:
        best = max(at_slots)
        print(f"\n| target | result | met |\n|---|---|---|\n| >= {TARGET:g}x the sequential throughput at "
              f"concurrency {slots} | {best:.2f}x (engine decode ceiling {ceiling:.2f}x) | "
              f"{'met' if best >= TARGET else 'not met'} |")


if __name__ == "__main__":
    main()
