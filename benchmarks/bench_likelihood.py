"""The likelihood metric's cost: each article's prefill shared by its summaries, against one
forward pass per summary over article + summary (the plain way), on SummEval articles; and the
metric's oneDNN linear layers (cpu_matmul: onednn) against torch's own.

All runs score the same summaries with the same model (SmolLM2-135M-Instruct, float32, CPU,
the metric's threads) and must give the same log-probabilities (the largest differences are
printed); each model is loaded and warmed up before it is timed. Prints the times, their
ratios, the tokens each ran through the model and the machine's load average, since on a
shared machine other processes take cores too.

    python benchmarks/bench_likelihood.py --articles 10
"""

from __future__ import annotations

import argparse
import os
import time

from agree_likelihood import read_summeval


def timed(answers: list, shared: bool) -> tuple[float, int, tuple]:
    from harness.metrics import likelihood

    model = likelihood.backend()
    before = model.counts.processed
    start = time.perf_counter()
    logprobs = likelihood.token_logprobs(answers, shared=shared)
    return time.perf_counter() - start, model.counts.processed - before, logprobs


def largest_difference(first: tuple, second: tuple) -> float:
    """The largest absolute difference between two runs' per-token log-probabilities."""
    return max((abs(a - b) for s, t in zip(first, second) for x, y in zip(s, t) for a, b in zip(x, y)),
               default=0.0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--summeval", default="../shared/data/summeval/summeval_1600.jsonl")
    parser.add_argument("--articles", type=int, default=10, help="first N SummEval articles (16 summaries each)")
    parser.add_argument("--threads", type=int, help="torch threads (default: the metric's THREADS)")
    args = parser.parse_args()
    from harness.metrics import likelihood

    likelihood.THREADS = args.threads or likelihood.THREADS

    answers = read_summeval(args.summeval, args.articles)
    model = likelihood.backend()
    likelihood.token_logprobs(answers[:2])  # warm-up: first calls allocate and pick kernels
    load = os.getloadavg()[0]
    shared_s, shared_tokens, shared = timed(answers, shared=True)
    separate_s, separate_tokens, separate = timed(answers, shared=False)
    diff = largest_difference(shared, separate)
    print(f"{len(answers)} summaries of {args.articles} SummEval articles, {model.config.threads} threads, "
          f"load average {load:.1f} before / {os.getloadavg()[0]:.1f} after on {os.cpu_count()} cores "
          f"(a shared machine: other processes run too)")
    print(f"shared prefill : {shared_s:8.1f} s  {shared_tokens:9,d} tokens through the model")
    print(f"one pass each  : {separate_s:8.1f} s  {separate_tokens:9,d} tokens through the model")
    print(f"ratio          : {separate_s / shared_s:8.2f}x faster shared ({separate_tokens / shared_tokens:.2f}x "
          f"fewer tokens); largest log-probability difference {diff:.2e}")
    print(f"per summary    : {shared_s / len(answers) * 1000:8.0f} ms shared, "
          f"{separate_s / len(answers) * 1000:.0f} ms one pass each")

    from harness.backends.transformers import TransformersBackend

    torch_linear = TransformersBackend(model.config.model_copy(update={"cpu_matmul": "torch"}))
    torch_linear.load()
    likelihood._backend = torch_linear
    likelihood.token_logprobs(answers[:2])
    torch_s, _, by_torch = timed(answers, shared=True)
    diff = largest_difference(shared, by_torch)
    print(f"shared, torch's float32 linear layers (MKL) in place of oneDNN's: {torch_s:.1f} s; "
          f"oneDNN {torch_s / shared_s:.2f}x faster; largest log-probability difference {diff:.2e}")


if __name__ == "__main__":
    main()
