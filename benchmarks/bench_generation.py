"""Generation speed on the gold QA set with SmolLM2: naive path, fast path, llama.cpp, floor.

    .venv/bin/python benchmarks/bench_generation.py            # full QA set, median of 3 runs
    .venv/bin/python benchmarks/bench_generation.py --quick    # 12 questions, 1 run

- naive: one generate() per question, batch size 1 (what common harnesses do);
- fast: the transformers backend's shared-prefix path (the article is run once);
- llama.cpp: llama-cpp-python in-process (in a child process here, so a crash of its native
  code is reported instead of ending the benchmark) on the same GGUF file, one chat
  completion per question in sequence, so its own prefix reuse applies;
- floor: one forward pass over the shared prefix plus the measured time of one decode step at
  the batch size used times the decode steps the fast path needed.
Prompts are rendered by the harness's own code from configs/default.yaml. Prints markdown.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from harness.backends import create_backend  # noqa: E402
from harness.backends._gguf import cache_dir, locate_gguf  # noqa: E402
from harness.config import load_config  # noqa: E402
from harness.gold import load_gold  # noqa: E402
from harness.tasks import TASKS  # noqa: E402
from harness.metrics import extract_answer  # noqa: E402


class PeakRSS:
    """Peak resident memory of this process while the block runs (sampled every 20 ms)."""

    def __enter__(self) -> "PeakRSS":
        import psutil

        self._process, self.peak, self._stop = psutil.Process(), 0, threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def _sample(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self._process.memory_info().rss)
            self._stop.wait(0.02)

    def __exit__(self, *exc: Any) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self._process.memory_info().rss)


def qa_setup(quick: bool) -> tuple[Any, list[Any], Any]:
    """(model config, QA requests, QA task) as `harness run configs/default.yaml` builds them."""
    config = load_config(str(ROOT / "configs" / "default.yaml"))
    items = TASKS["qa"].items(load_gold(ROOT / config.gold), config.tasks.qa, 12 if quick else None)
    model = next(m for m in config.models if m.backend == "transformers")
    return model, [item.request() for item in items], config.tasks.qa


def timed_load(model_config: Any, cache: Path) -> tuple[Any, float]:
    os.environ["HARNESS_CACHE_DIR"] = str(cache)
    backend = create_backend(model_config)
    started = time.perf_counter()
    backend.load()
    return backend, time.perf_counter() - started


def load_times(model_config: Any) -> dict[str, Any]:
    """Cold: GGUF dequantized into an empty cache. Cached: loaded from the converted weights."""
    with tempfile.TemporaryDirectory() as empty, PeakRSS() as memory:
        cold, cold_s = timed_load(model_config, Path(empty))
        cold.close()
        _, cached_s = timed_load(model_config, Path(empty))
    return {"cold_s": cold_s, "cached_s": cached_s, "peak_rss": memory.peak}


def run_backend(backend: Any, requests: list[Any], generation: Any, fast: bool,
                batch_size: int) -> dict[str, Any]:
    """One pass over all requests; wall time, tokens and texts."""
    backend.fast_path, backend.config.batch_size = fast, batch_size
    before = dict(vars(backend.counts))
    started = time.perf_counter()
    results = {r.id: r for r in backend.generate(requests, generation)}
    wall = time.perf_counter() - started
    counts = {k: v - before[k] for k, v in vars(backend.counts).items()}
    errors = [r.id for r in results.values() if r.error]
    return {"wall_s": wall, "processed": counts["processed"], "decode_steps": counts["decode_steps"],
            "generated": sum(r.completion_tokens or 0 for r in results.values()),
            "texts": {k: r.text for k, r in results.items()}, "errors": errors}


def median_runs(runs: int, once: Any) -> dict[str, Any]:
    """Median wall time over runs; the other fields from the median run."""
    results = sorted((once() for _ in range(runs)), key=lambda r: r["wall_s"])
    return results[len(results) // 2]


def llamacpp_runs(gguf: Path, requests: list[Any], generation: Any, runs: int) -> dict[str, Any]:
    """The llama.cpp runs in a child process; {"error": ...} when it fails or crashes."""
    payload = {"gguf": str(gguf), "runs": runs, "max_tokens": generation.max_new_tokens,
               "messages": [_messages(r) for r in requests]}
    child = subprocess.run([sys.executable, __file__, "--llamacpp-worker"], input=json.dumps(payload),
                           capture_output=True, text=True)
    if child.returncode != 0:
        tail = (child.stderr.strip().splitlines() or [""])[-1]
        return {"error": f"exit status {child.returncode} {tail}".strip()}
    return json.loads(child.stdout.strip().splitlines()[-1])


def _messages(request: Any) -> list[dict[str, str]]:
    system = [{"role": "system", "content": request.system}] if request.system else []
    return system + [{"role": "user", "content": request.prompt}]


def llamacpp_worker() -> None:
    """Child process: median over runs of answering every question in sequence."""
    from llama_cpp import Llama

    job = json.loads(sys.stdin.read())
    started = time.perf_counter()
    llm = Llama(model_path=job["gguf"], n_ctx=4096, n_threads=os.cpu_count(), verbose=False)
    load_s = time.perf_counter() - started
    runs = sorted((_llamacpp_once(llm, job) for _ in range(job["runs"])), key=lambda r: r["wall_s"])
    print(json.dumps({**runs[len(runs) // 2], "load_s": load_s}))


def _llamacpp_once(llm: Any, job: dict[str, Any]) -> dict[str, Any]:
    llm.reset()  # each run starts without a cached prefix, like the other paths
    processed = generated = 0
    started = time.perf_counter()
    for messages in job["messages"]:
        previous = list(llm._input_ids)
        out = llm.create_chat_completion(messages=messages, max_tokens=job["max_tokens"],
                                         temperature=0.0)
        prompt = out["usage"]["prompt_tokens"]
        reused = len(os.path.commonprefix([previous, list(llm._input_ids)[:prompt]]))
        processed += prompt - min(reused, prompt - 1)  # llama.cpp re-runs the last token
        generated += out["usage"]["completion_tokens"]
    return {"wall_s": time.perf_counter() - started, "processed": processed, "generated": generated}


def floor(backend: Any, requests: list[Any], batch_size: int, steps: int) -> dict[str, Any]:
    """Prefix forward pass + per-step decode time at batch_size x decode steps needed."""
    import torch

    from harness.backends._grouping import shared_prefix_len
    from harness.backends._prefix import _prefix_keys_values, _step
    from harness.backends._shared_kv import SharedKVCache, shared_prefix_attention_on

    ids = [backend._prompt_ids(r) for r in requests]
    prefix_len = shared_prefix_len(ids)
    started = time.perf_counter()
    layers = _prefix_keys_values(backend.model, ids[0][:prefix_len])
    prefix_s = time.perf_counter() - started
    cache = SharedKVCache(layers, rows=batch_size)
    tokens = torch.full((batch_size, 1), ids[0][prefix_len])
    with shared_prefix_attention_on(backend.model):
        times = []
        for step in range(12):
            started = time.perf_counter()
            _step(backend.model, cache, tokens, torch.ones_like(tokens), tokens * 0 + prefix_len + step)
            times.append(time.perf_counter() - started)
    step_s = statistics.median(times[2:])
    return {"prefix_tokens": prefix_len, "prefix_s": prefix_s, "step_s": step_s,
            "steps": steps, "floor_s": prefix_s + step_s * steps}


def differences(fast: dict[str, str], naive: dict[str, str], rule: Any) -> list[tuple[str, str, str]]:
    pairs = ((k, extract_answer(fast[k] or "", rule), extract_answer(naive[k] or "", rule)) for k in naive)
    return [(k, a, b) for k, a, b in pairs if a != b]


def row(name: str, r: dict[str, Any], fast_s: float) -> str:
    if "error" in r:
        return f"| {name} | failed: {r['error']} | | | | |"
    rate = r["generated"] / r["wall_s"] if r["wall_s"] else 0.0
    return (f"| {name} | {r['wall_s']:.1f} | {r['processed']} | {r['generated']} | {rate:.1f} "
            f"| {r['wall_s'] / fast_s:.2f} |")


def report(args: Any, results: dict[str, Any]) -> None:
    fast_name = f"fast (batch {args.batch_sizes[0]})"
    fast_s = results["paths"][fast_name]["wall_s"]
    print(f"\n{results['n']} questions, {args.runs} run(s) each (median; naive "
          f"{args.naive_runs or args.runs}), threads "
          f"{results['threads']}, load average before/after {results['load_before']} / "
          f"{os.getloadavg()[0]:.2f}\n")
    print("| path | wall s | prompt tokens processed | tokens generated | generated tok/s | x fast |")
    print("|---|---|---|---|---|---|")
    for name, r in results["paths"].items():
        print(row(name, r, fast_s))
    f = results["floor"]
    print(f"\nfloor: prefix {f['prefix_tokens']} tokens {f['prefix_s']:.2f} s + decode step "
          f"{f['step_s'] * 1000:.0f} ms x {f['steps']} steps = {f['floor_s']:.1f} s; "
          f"fast / floor = {fast_s / f['floor_s']:.2f}")
    for key, value in results["load"].items():
        print(f"load {key}: {value / 2**20:.0f} MiB" if key == "peak_rss" else f"load {key}: {value:.2f}")
    print(f"peak RSS during the generation runs: {results['peak_rss'] / 2**20:.0f} MiB")
    diffs = results["differences"]
    print(f"\nfast vs naive extracted answers: {results['n'] - len(diffs)}/{results['n']} equal")
    for key, a, b in diffs:
        print(f"- {key}: fast {a!r} / naive {b!r}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="12 questions, 1 run")
    parser.add_argument("--batch-sizes", default="32,16,8", help="fast path batch sizes; first is reported")
    parser.add_argument("--naive-runs", type=int, help="runs of the slow naive path (default: --runs)")
    parser.add_argument("--threads", type=int, default=os.cpu_count())
    parser.add_argument("--skip-naive", action="store_true")
    parser.add_argument("--skip-llamacpp", action="store_true")
    parser.add_argument("--skip-load", action="store_true", help="skip the cold GGUF conversion")
    parser.add_argument("--llamacpp-worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.llamacpp_worker:
        return llamacpp_worker()
    args.runs = 1 if args.quick else args.runs
    args.batch_sizes = [int(b) for b in args.batch_sizes.split(",")]
    report(args, measure(args))


def measure(args: Any) -> dict[str, Any]:
    model_config, requests, task = qa_setup(args.quick)
    model_config = model_config.model_copy(update={"threads": args.threads})
    generation = model_config.generation
    results: dict[str, Any] = {"n": len(requests), "paths": {}, "threads": args.threads,
                               "load_before": f"{os.getloadavg()[0]:.2f}"}
    if not args.skip_llamacpp:  # first, while no torch threads are around
        gguf = locate_gguf(model_config.gguf).path
        llama = llamacpp_runs(gguf, requests, generation, args.runs)
    cache = cache_dir()  # HARNESS_CACHE_DIR or its default
    results["load"] = {} if args.skip_load else load_times(model_config)
    backend, results["load"]["cached_s_harness_cache"] = timed_load(model_config, cache)
    paths = results["paths"]
    with PeakRSS() as memory:
        for size in args.batch_sizes:
            paths[f"fast (batch {size})"] = median_runs(
                args.runs, lambda: run_backend(backend, requests, generation, True, size))
        if not args.skip_naive:
            paths["naive (generate, batch 1)"] = median_runs(
                args.naive_runs or args.runs, lambda: run_backend(backend, requests, generation, False, 1))
    results["peak_rss"] = memory.peak
    fast = paths[f"fast (batch {args.batch_sizes[0]})"]
    naive = paths.get("naive (generate, batch 1)", fast)
    results["differences"] = differences(fast["texts"], naive["texts"], task.extraction)
    # each batch's first token comes from its suffix pass; the other tokens need a step each
    batches = math.ceil(len(requests) / args.batch_sizes[0])
    results["floor"] = floor(backend, requests, args.batch_sizes[0], fast["decode_steps"] - batches)
    if not args.skip_llamacpp:
        paths["llama.cpp (in-process, sequential)"] = llama
    return results


if __name__ == "__main__":
    main()
