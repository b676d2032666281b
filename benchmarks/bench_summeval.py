"""Time the SummEval meta-evaluation: every offline summary metric on the 1,600 rated summaries,
with the correlations and their bootstrap intervals, as `harness agreement` computes them.

    python benchmarks/bench_summeval.py [--data PATH] [--documents N] [--json]

Prints the wall and CPU seconds of each stage (reading, each metric, the correlations) and the
total; on a shared machine the CPU seconds are the figure that carries over.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

DEFAULT = Path(__file__).resolve().parents[1].parent / "shared/data/summeval/summeval_1600.jsonl"


def _timed(what: str, stages: list, fn):
    wall, cpu = time.perf_counter(), time.process_time()
    value = fn()
    stages.append({"stage": what, "wall_s": round(time.perf_counter() - wall, 2),
                   "cpu_s": round(time.process_time() - cpu, 2)})
    return value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--documents", type=int, help="only the first N documents (a quick check)")
    args = parser.parse_args()

    from harness.agreement._correlation import correlate
    from harness.agreement._summary_metrics import compute
    from harness.agreement._summary_readers import read

    stages: list = []
    records = _timed("read", stages, lambda: read([args.data], "summeval"))
    if args.documents is not None:
        keep = list(dict.fromkeys(r.doc_id for r in records))[:args.documents]
        records = [r for r in records if r.doc_id in set(keep)]
    from harness.metrics.extractiveness import PARTS

    values: dict = {}
    groups = (["rouge1_mean"], ["rouge1_max"], [f"extractiveness.{p}" for p in PARTS],
              ["entity_precision_rules"], ["entity_precision", "support"],  # support reuses spaCy's entities
              ["alignment"], ["likelihood"])  # likelihood: SmolLM2, each article's prefill shared by its summaries
    for names in groups:
        values.update(_timed(", ".join(names) if len(names) < 3 else "extractiveness (all parts)", stages,
                             lambda n=names: compute(records, n)))
    docs, systems = [r.doc_id for r in records], [r.system for r in records]
    dims = sorted(records[0].scores)
    _timed(f"correlations ({len(values)} metrics x {len(dims)} dimensions, 1000 bootstrap draws)", stages,
           lambda: [correlate(docs, systems, v, [r.scores[d] for r in records]) for v in values.values() for d in dims])
    total = {"wall_s": round(sum(s["wall_s"] for s in stages), 1), "cpu_s": round(sum(s["cpu_s"] for s in stages), 1)}
    if args.json:
        print(json.dumps({"stages": stages, "total": total}, indent=1))
        return
    for s in stages:
        print(f"{s['stage']:<70} wall {s['wall_s']:8.2f} s   cpu {s['cpu_s']:8.2f} s")
    print(f"{'total':<70} wall {total['wall_s']:8.1f} s   cpu {total['cpu_s']:8.1f} s")


if __name__ == "__main__":
    main()
