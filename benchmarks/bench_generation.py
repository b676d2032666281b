"""Generation speed on the gold QA set with SmolLM2: the fast path against a first-principles
floor and against what users would otherwise run.

    .venv/bin/python benchmarks/bench_generation.py                 # every QA item in gold/
    .venv/bin/python benchmarks/bench_generation.py --quick         # 12 questions, 1 run
    HARNESS_BENCH_LLAMACPP_PYTHON=/path/to/venv/bin/python \\
    HARNESS_BENCH_LMEVAL_PYTHON=/path/to/other/bin/python .venv/bin/python benchmarks/bench_generation.py

Paths, all on the harness's own prompts (rendered from configs/default.yaml):
- fast: the transformers backend's shared-prefix path, in the dtype `auto` picks here, then in
  the other of float32/bfloat16 (answers compared: the bfloat16 agreement);
- naive: one generate() per question, batch size 1, same dtype as the fast path;
- llama.cpp: llama-cpp-python in-process on the same GGUF file, one chat completion per
  question in sequence (its own prefix reuse applies), from the interpreter named by
  --llamacpp-python / HARNESS_BENCH_LLAMACPP_PYTHON (a `pip install llama-cpp-python` build,
  compiled for this CPU); this environment's build only where that one is not named or crashes;
- lm-eval: lm-evaluation-harness's `hf` backend, `generate_until`, on the same rendered prompts
  and the same (converted) weights, from --lmeval-python / HARNESS_BENCH_LMEVAL_PYTHON;
- floor: see benchmarks/_floor.py (work counted from the fast path's passes, machine measured).
An anchor whose interpreter is not named is reported as not run. Prints markdown.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import _anchors  # noqa: E402
from _floor import Machine, Shape, run_floor  # noqa: E402

from harness.backends import create_backend  # noqa: E402
from harness.backends._chat import chat_prompt  # noqa: E402
from harness.backends._gguf import converted_dir, locate_gguf  # noqa: E402
from harness.config import load_config  # noqa: E402
from harness.gold import load_gold  # noqa: E402
from harness.tasks import task  # noqa: E402
from harness.tasks._extraction import extract_answer  # noqa: E402

TARGETS = {"floor": 1.5, "llama.cpp": 2.0, "lm-eval": 15.0, "naive": 8.0, "agreement": 0.98}


def qa_setup(limit: int | None) -> tuple[Any, list[Any], Any]:
    """(model config, QA requests, QA task options) as `harness run configs/default.yaml` builds them."""
    config = load_config(str(ROOT / "configs" / "default.yaml"))
    items = task("qa").items(load_gold(ROOT / config.gold), config.tasks.qa, limit)
    model = next(m for m in config.models if m.backend == "transformers")
    return model, [item.request() for item in items], config.tasks.qa


def load(model_config: Any, dtype: str) -> Any:
    backend = create_backend(model_config.model_copy(update={"dtype": dtype}))
    backend.load()
    return backend


def run_backend(backend: Any, requests: list[Any], generation: Any, fast: bool,
                batch_size: int) -> dict[str, Any]:
    """One pass over all requests: wall time, tokens, texts and the fast path's passes."""
    backend.fast_path, backend.config.batch_size = fast, batch_size
    before, passes = dict(vars(backend.counts)), len(backend.counts.passes)
    started = time.perf_counter()
    results = {r.id: r for r in backend.generate(requests, generation)}
    wall = time.perf_counter() - started
    return {"wall_s": wall, "processed": backend.counts.processed - before["processed"],
            "generated": sum(r.completion_tokens or 0 for r in results.values()),
            "texts": {k: r.text or "" for k, r in results.items()},
            "errors": [k for k, r in results.items() if r.error],
            "passes": backend.counts.passes[passes:]}


def median_run(runs: int, once: Any) -> dict[str, Any]:
    """The run with the median wall time (its other fields with it)."""
    results = sorted((once() for _ in range(runs)), key=lambda r: r["wall_s"])
    return {**results[len(results) // 2], "runs": runs}


def anchor_jobs(backend: Any, requests: list[Any], generation: Any, args: Any) -> dict[str, Any]:
    """What the llama.cpp and lm-eval workers are given: the same prompts, tokens, weights."""
    texts = [chat_prompt(backend.tokenizer, r.system, r.prompt)[0] for r in requests]
    sha256 = backend.identity()["model_sha256"]
    eot = backend.tokenizer.convert_ids_to_tokens(backend.model.generation_config.eos_token_id)
    eot = eot[0] if isinstance(eot, list) else eot
    return {
        "llamacpp": {"gguf": str(locate_gguf(backend.config.gguf).path), "runs": args.runs,
                     "max_tokens": generation.max_new_tokens, "threads": args.threads,
                     "messages": [_messages(r) for r in requests]},
        "lmeval": {"model_dir": str(converted_dir(sha256)), "threads": args.threads,
                   "dtype": str(backend.model.dtype).removeprefix("torch."),
                   "batch_sizes": args.lmeval_batch_sizes, "max_tokens": generation.max_new_tokens,
                   "until": [eot], "prompts": texts,
                   "prompt_ids": [backend._prompt_ids(r) for r in requests]},
    }


def gguf_weight_type(path: str) -> str:
    """The weight type a GGUF file declares (e.g. Q4_1): what llama.cpp computes with, since it
    runs the file's quantized weights as they are."""
    import gguf

    field = gguf.GGUFReader(path).fields["general.file_type"]
    return gguf.LlamaFileType(int(field.parts[field.data[0]][0])).name.removeprefix("MOSTLY_")


def _messages(request: Any) -> list[dict[str, str]]:
    system = [{"role": "system", "content": request.system}] if request.system else []
    return system + [{"role": "user", "content": request.prompt}]


def anchors(jobs: dict[str, Any], requests: list[Any], args: Any) -> dict[str, dict[str, Any]]:
    """llama.cpp and lm-eval rows (or their errors), texts keyed by request id."""
    out: dict[str, dict[str, Any]] = {}
    ids = [r.id for r in requests]
    if not args.skip_llamacpp:
        result = _anchors.llamacpp(jobs["llamacpp"], args.llamacpp_python)
        if "texts" in result:
            result["texts"] = dict(zip(ids, result["texts"]))
            result["dtype"] = gguf_weight_type(jobs["llamacpp"]["gguf"])
        out["llama.cpp (in-process, sequential)"] = result
    if not args.skip_lmeval:
        result = _anchors.lmeval(jobs["lmeval"], args.lmeval_python)
        for size, run in result.get("runs", {}).items():
            out[f"lm-eval hf generate_until (batch {size})"] = {
                "wall_s": run["wall_s"], "texts": dict(zip(ids, run["texts"])),
                "processed": None, "generated": None, "version": result["version"],
                "same_token_ids": result["same_token_ids"]}
        if "error" in result:
            out["lm-eval hf generate_until"] = result
    return out


def agreement(a: dict[str, str], b: dict[str, str], rule: Any) -> tuple[int, list[tuple[str, str, str]]]:
    """(equal extracted answers, the differing ones) over the ids of a."""
    pairs = [(k, extract_answer(a[k], rule), extract_answer(b.get(k, ""), rule)) for k in a]
    diffs = [(k, x, y) for k, x, y in pairs if x != y]
    return len(pairs) - len(diffs), diffs


def measure(args: Any) -> dict[str, Any]:
    model_config, requests, task = qa_setup(4 if args.quick else args.limit)
    model_config = model_config.model_copy(update={"threads": args.threads})
    generation = model_config.generation
    results: dict[str, Any] = {"n": len(requests), "threads": args.threads, "paths": {},
                               "load_before": os.getloadavg()[0]}
    main = load(model_config, args.dtype)
    results["dtype"] = dtype = str(main.model.dtype).removeprefix("torch.")
    jobs = anchor_jobs(main, requests, generation, args)
    outside = anchors(jobs, requests, args)  # first: this process's threads are idle meanwhile
    paths, size = results["paths"], args.batch_sizes[0]
    for batch in args.batch_sizes:
        paths[f"fast (batch {batch})"] = median_run(
            args.runs, lambda: run_backend(main, requests, generation, True, batch))
    fast = paths[f"fast (batch {size})"]
    if not args.skip_naive:
        paths["naive (generate, batch 1)"] = median_run(
            args.naive_runs, lambda: run_backend(main, requests, generation, False, 1))
    results["machine"] = machine = Machine(Shape.of(main.model.config), main.model.dtype, args.threads)
    results["floor"] = run_floor(machine, fast["passes"])
    main.close()
    if not args.skip_other_dtype:
        other = "float32" if dtype == "bfloat16" else "bfloat16"
        second = load(model_config, other)
        paths[f"fast (batch {size}, {other})"] = median_run(
            args.runs, lambda: run_backend(second, requests, generation, True, size))
        paths[f"fast (batch {size}, {other})"]["dtype"] = other
        second.close()
    paths.update(outside)
    results["agreement"] = {name: agreement(fast["texts"], r["texts"], task.extraction)
                            for name, r in paths.items() if "texts" in r and r is not fast}
    results["load_after"] = os.getloadavg()[0]
    return results


def row(name: str, r: dict[str, Any], fast_s: float, equal: Any, dtype: str) -> str:
    if "error" in r:
        return f"| {name} | | failed or not run: {r['error']} | | | | | |"
    done = r.get("generated")
    rate = f"{done / r['wall_s']:.1f}" if done else ""
    same = f"{equal[0]}/{equal[0] + len(equal[1])}" if equal else "(itself)"
    return (f"| {name} | {r.get('dtype', dtype)} | {r['wall_s']:.1f} | {r.get('processed') or ''} "
            f"| {done or ''} | {rate} | {r['wall_s'] / fast_s:.2f} | {same} |")


def report(args: Any, results: dict[str, Any]) -> None:
    paths, dtype = results["paths"], results["dtype"]
    fast = paths[f"fast (batch {args.batch_sizes[0]})"]
    print(f"\n{results['n']} questions, {args.threads} threads, median of {args.runs} run(s) "
          f"(naive {args.naive_runs}); load average before/after {results['load_before']:.2f} / "
          f"{results['load_after']:.2f}\n")
    print("| path | dtype | wall s | prompt tokens processed | tokens generated | generated tok/s "
          "| x fast | extracted answers = fast |")
    print("|---|---|---|---|---|---|---|---|")
    for name, r in paths.items():
        print(row(name, r, fast["wall_s"], results["agreement"].get(name), dtype))
    floor_lines(results, fast["wall_s"])
    for name, r in paths.items():
        if "build" in r:
            print(f"\nllama.cpp: {r['version']}, {r['build']}, load {r['load_s']:.2f} s\n"
                  f"  system info: {r['system_info'].strip()}")
            for line in r["tried"]:
                print(f"  (fell back after: {line})")
        if "same_token_ids" in r:
            print(f"\n{name}: lm-eval {r['version']}, same token ids as the harness: {r['same_token_ids']}")
    targets(results, fast["wall_s"])
    for name, (_, diffs) in results["agreement"].items():
        for key, a, b in diffs[:args.show_differences]:
            print(f"- {name}: {key}: fast {a!r} / {b!r}")


def floor_lines(results: dict[str, Any], fast_s: float) -> None:
    f, m = results["floor"], results["machine"]
    print(f"\nfloor ({results['dtype']}): {f.flops / 1e9:.0f} GFLOP and {f.bytes / 1e9:.1f} GB read "
          f"over {len(results['paths'][next(iter(results['paths']))]['passes'])} passes -> "
          f"{f.seconds:.1f} s ({f.compute_s:.1f} s compute-bound passes, {f.memory_s:.1f} s "
          f"memory-bound); fast {fast_s:.1f} s = {fast_s / f.seconds:.2f}x the floor")
    parts = "; ".join(f"{kind} {flops / 1e9:.0f} GFLOP in {seconds:.1f} s ({flops / seconds / 1e9:.0f} GFLOP/s)"
                      for kind, (flops, seconds) in f.kinds.items())
    print(f"  matmuls at the rates measured at their shapes ({len(m.rates)} shapes): {parts}; "
          f"memory read {m.bandwidth / 1e9:.1f} GB/s")


def targets(results: dict[str, Any], fast_s: float) -> None:
    paths = results["paths"]
    print("\n| target | result | met |")
    print("|---|---|---|")
    ratio = fast_s / results["floor"].seconds
    print(f"| fast within {TARGETS['floor']}x of the floor | {ratio:.2f}x | {_met(ratio <= TARGETS['floor'])} |")
    for label, prefix, key in (("native llama.cpp", "llama.cpp", "llama.cpp"),
                               ("lm-eval (best batch size)", "lm-eval", "lm-eval"),
                               ("naive", "naive", "naive")):
        walls = [r["wall_s"] for n, r in paths.items() if n.startswith(prefix) and "wall_s" in r]
        if walls:
            speedup = min(walls) / fast_s
            print(f"| >= {TARGETS[key]:g}x faster than {label} | {speedup:.2f}x "
                  f"| {_met(speedup >= TARGETS[key])} |")
        else:
            print(f"| >= {TARGETS[key]:g}x faster than {label} | not run | |")
    for name, (equal, diffs) in results["agreement"].items():
        if name.startswith("fast ("):
            share = equal / (equal + len(diffs))
            print(f"| {name} answers = fast ({results['dtype']}) on >= 98% | {equal}/{equal + len(diffs)} "
                  f"({share:.1%}) | {_met(share >= TARGETS['agreement'])} |")


def _met(ok: bool) -> str:
    return "met" if ok else "NOT met"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="runs of each fast path (median)")
    parser.add_argument("--naive-runs", type=int, default=1, help="runs of the slow naive path")
    parser.add_argument("--quick", action="store_true", help="4 questions, 1 run, no anchors")
    parser.add_argument("--limit", type=int, help="the first N QA items (default: all)")
    parser.add_argument("--dtype", default="auto", help="the fast path's dtype (default: what auto picks)")
    parser.add_argument("--batch-sizes", default="128", help="fast path batch sizes; the first is the reference")
    parser.add_argument("--threads", type=int, default=os.cpu_count())
    parser.add_argument("--llamacpp-python", default=_anchors.interpreter(None, _anchors.LLAMACPP_ENV),
                        help=f"interpreter with llama-cpp-python (default: ${_anchors.LLAMACPP_ENV})")
    parser.add_argument("--lmeval-python", default=_anchors.interpreter(None, _anchors.LMEVAL_ENV),
                        help=f"interpreter with lm-eval[hf] (default: ${_anchors.LMEVAL_ENV})")
    parser.add_argument("--lmeval-batch-sizes", default="1,4",
                        help="lm-eval batch sizes (default: 1 and 4, its fastest of 1-64 here)")
    parser.add_argument("--skip-naive", action="store_true")
    parser.add_argument("--skip-llamacpp", action="store_true")
    parser.add_argument("--skip-lmeval", action="store_true")
    parser.add_argument("--skip-other-dtype", action="store_true")
    parser.add_argument("--show-differences", type=int, default=5)
    parser.add_argument("--json", type=Path, help="also write the results (without texts) here")
    args = parser.parse_args()
    if args.quick:
        args.runs = args.naive_runs = 1
        args.skip_llamacpp = args.skip_lmeval = True
    args.batch_sizes = [int(b) for b in args.batch_sizes.split(",")]
    args.lmeval_batch_sizes = [int(b) for b in args.lmeval_batch_sizes.split(",")]
    results = measure(args)
    report(args, results)
    if args.json:
        args.json.write_text(json.dumps(_plain(results), indent=1) + "\n")


def _plain(results: dict[str, Any]) -> dict[str, Any]:
    paths = {n: {k: v for k, v in r.items() if k not in ("texts", "passes")}
             for n, r in results["paths"].items()}
    m = results["machine"]
    return {**results, "paths": paths, "floor": vars(results["floor"]),
            "machine": {"rates": {"x".join(map(str, k)): v for k, v in m.rates.items()},
                        "bandwidth": m.bandwidth}}


if __name__ == "__main__":
    main()
