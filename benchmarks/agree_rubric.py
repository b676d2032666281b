"""Agreement of the rubric judge (`tasks.summarization.judge` of a config) with SummEval's expert
ratings, on the first --articles documents of the file (each with its 16 systems' summaries).

The judge rates each summary as in a run (its prompt, greedy, its token limit; generations go
through the prediction cache, so a rerun is free). Per dimension: how many summaries got a
score, then summary-level Kendall and Spearman (scipy, per document across its summaries, then
the mean over documents) and system-level ones, of the judge's score against the expert mean,
over the summaries that have a score (harness.agreement._correlation). `mean` is the judge's
mean of the four dimensions, correlated with each expert dimension.

    .venv/bin/python benchmarks/agree_rubric.py --summeval ../shared/data/summeval/summeval_1600.jsonl \\
        --config configs/summaries-judged.yaml --articles 2
"""

from __future__ import annotations

import argparse
import json
import math
import time
from pathlib import Path
from types import SimpleNamespace

DIMENSIONS = ("consistency", "relevance", "coherence", "fluency")


def _no_request(template=None):
    raise RuntimeError("a SummEval summary is given, not generated")


def main() -> None:
    from harness.agreement._correlation import correlate
    from harness.agreement._summary_readers import read
    from harness.config import load_config
    from harness.run._judge import verdicts_outside_a_run
    from harness.tasks import EvalItem
    from harness.tasks._rubric_judge import judge_plan

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--summeval", type=Path, required=True)
    parser.add_argument("--config", type=Path, required=True, help="a config with tasks.summarization.judge")
    parser.add_argument("--articles", type=int, default=2)
    args = parser.parse_args()
    judge = load_config(args.config).tasks.summarization.judge
    if judge is None:
        raise SystemExit(f"{args.config}: no tasks.summarization.judge")
    records = read([args.summeval], "summeval")
    documents = list(dict.fromkeys(r.doc_id for r in records))[: args.articles]
    records = [r for r in records if r.doc_id in documents]
    items = [EvalItem("summarization", str(index), r.doc_id, r.system, r.references, _no_request, document=r.document)
             for index, r in enumerate(records)]
    summaries = {str(index): SimpleNamespace(text=r.summary) for index, r in enumerate(records)}
    started = time.perf_counter()
    ratings = verdicts_outside_a_run(judge_plan(judge, items, lambda item: summaries[item.id]))
    seconds = time.perf_counter() - started
    verdicts = [ratings[str(index)] for index in range(len(records))]
    judged = {d: [v.scores[d] for v in verdicts] for d in DIMENSIONS}
    judged["mean"] = [sum(v.scores.values()) / len(DIMENSIONS) if v.complete else None for v in verdicts]
    result = {"summaries": len(records), "documents": len(documents), "judge": judge.model.name,
              "seconds": round(seconds, 1), "complete": sum(v.complete for v in verdicts), "dimensions": {}}
    for part, column in judged.items():
        kept = [i for i, value in enumerate(column) if value is not None]
        entry = {"scored": len(kept), "values": sorted({column[i] for i in kept})}
        for dim in (DIMENSIONS if part == "mean" else (part,)):
            if len(kept) < 2:
                entry[dim] = None
                continue
            c = correlate([records[i].doc_id for i in kept], [records[i].system for i in kept],
                          [float(column[i]) for i in kept], [records[i].scores[dim] for i in kept])
            entry[dim] = {k: None if isinstance(v, float) and math.isnan(v) else v
                          for k, v in (("summary_kendall", c.summary_kendall), ("summary_spearman", c.summary_spearman),
                                       ("system_kendall", c.system_kendall), ("system_spearman", c.system_spearman),
                                       ("documents", c.documents), ("left_out", c.left_out))}
        result["dimensions"][part] = entry
    result["replies"] = [v.reply[:120] for v in verdicts[:3]]
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
