"""Agreement of the likelihood metric with people: SummEval (summary-level Spearman and Kendall
with the expert mean ratings: per article across its systems, then averaged) and the SummaC
validation splits (balanced accuracy at one threshold for all five splits).

The per-token log-probabilities (with and without the article) are computed once and kept in
--store (JSON lines), so the normalisations below are compared on the same numbers:
  logprob        mean log p(token | article prompt)
  pmi            logprob - mean log p(token | article-free prompt)
  pmi_low20      mean of the lowest 20% of the per-token PMI values (at least one token)
Each is a higher-is-more-faithful value. The threshold of each, and the logistic SCALE, are
chosen on the SummaC validation splits (`--fit`); SummEval is never used to choose anything.

    python benchmarks/agree_likelihood.py --summeval ../shared/data/summeval/summeval_1600.jsonl \
        --summac ../shared/data/summac-val/*_val.jsonl --store /tmp/likelihood.jsonl
"""

from __future__ import annotations

import argparse
import ast
import json
import math
import time
from pathlib import Path
from types import SimpleNamespace

VARIANTS = ("logprob", "pmi", "pmi_low20")
DIMENSIONS = ("consistency", "relevance", "coherence", "fluency")


def variants(given: list[float], alone: list[float]) -> dict[str, float] | None:
    if not given:
        return None
    per_token = sorted(g - a for g, a in zip(given, alone))
    low = per_token[: max(1, len(per_token) // 5)]
    return {"logprob": sum(given) / len(given),
            "pmi": sum(given) / len(given) - sum(alone) / len(alone),
            "pmi_low20": sum(low) / len(low)}


def read_summeval(path: str, articles: int | None) -> list[SimpleNamespace]:
    rows, seen = [], []
    for line in open(path, encoding="utf-8"):
        row = json.loads(line)
        if row["doc_id"] not in seen:
            if articles is not None and len(seen) >= articles:
                continue
            seen.append(row["doc_id"])
        mean = row["expert_mean"]
        mean = ast.literal_eval(mean) if isinstance(mean, str) else mean
        rows.append(SimpleNamespace(id=f"summeval/{row['doc_id']}/{row['system_id']}", article_id=row["doc_id"],
                                    document=row["source"], text=row["system_output"], ratings=mean))
    return rows


def read_summac(paths: list[str], docs: int | None) -> list[SimpleNamespace]:
    rows = []
    for path in paths:
        split = Path(path).name.removesuffix("_val.jsonl")
        seen: list[str] = []
        for index, line in enumerate(open(path, encoding="utf-8")):
            row = json.loads(line)
            if row["document"] not in seen:
                if docs is not None and len(seen) >= docs:
                    continue
                seen.append(row["document"])
            rows.append(SimpleNamespace(id=f"summac/{split}/{index}", article_id=f"{split}/{seen.index(row['document'])}",
                                        document=row["document"], text=row["claim"], label=int(row["label"]),
                                        split=split))
    return rows


def scored(answers: list[SimpleNamespace], store: Path) -> dict[str, dict[str, float] | None]:
    """Item id -> its variants, computing (and storing) what the store lacks."""
    from harness.metrics import likelihood

    have = {}
    if store.exists():
        for line in open(store, encoding="utf-8"):
            record = json.loads(line)
            have[record["id"]] = record
    todo = [a for a in answers if a.id not in have]
    if todo:
        start = time.perf_counter()
        given, alone = likelihood.token_logprobs(todo)
        print(f"scored {len(todo)} summaries of {len({a.document for a in todo})} documents in "
              f"{time.perf_counter() - start:.1f} s", flush=True)
        with open(store, "a", encoding="utf-8") as out:
            for a, g, al in zip(todo, given, alone):
                have[a.id] = {"id": a.id, "given": g, "alone": al}
                out.write(json.dumps(have[a.id]) + "\n")
    return {a.id: variants(have[a.id]["given"], have[a.id]["alone"]) for a in answers}


def summary_level(rows: list[SimpleNamespace], values: dict, variant: str, dimension: str) -> tuple[float, float, int]:
    """(mean Spearman, mean Kendall, documents left out): per article across systems."""
    from scipy.stats import kendalltau, spearmanr

    by_article: dict[str, list] = {}
    for row in rows:
        v = values[row.id]
        by_article.setdefault(row.article_id, []).append(
            (v[variant] if v else -math.inf, row.ratings[dimension]))
    rhos, taus, left_out = [], [], 0
    for pairs in by_article.values():
        x = [p[0] if math.isfinite(p[0]) else -1e9 for p in pairs]
        y = [p[1] for p in pairs]
        rho, tau = spearmanr(x, y).statistic, kendalltau(x, y).statistic
        if math.isnan(rho) or math.isnan(tau):
            left_out += 1
            continue
        rhos.append(rho)
        taus.append(tau)
    return sum(rhos) / len(rhos), sum(taus) / len(taus), left_out


def balanced_accuracy(rows: list[SimpleNamespace], values: dict, variant: str, threshold: float) -> float:
    tp = sum(1 for r in rows if r.label == 1 and _value(values, r, variant) >= threshold)
    tn = sum(1 for r in rows if r.label == 0 and _value(values, r, variant) < threshold)
    positives = sum(r.label == 1 for r in rows)
    return (tp / positives + tn / (len(rows) - positives)) / 2


def _value(values: dict, row: SimpleNamespace, variant: str) -> float:
    v = values[row.id]
    return v[variant] if v else -math.inf


def by_split(rows: list[SimpleNamespace]) -> dict[str, list[SimpleNamespace]]:
    splits: dict[str, list] = {}
    for row in rows:
        splits.setdefault(row.split, []).append(row)
    return splits


def best_threshold(rows: list[SimpleNamespace], values: dict, variant: str) -> tuple[float, float]:
    """The threshold (a midpoint between observed values) with the highest mean balanced
    accuracy over the splits, and that mean."""
    splits = by_split(rows)
    observed = sorted({_value(values, r, variant) for r in rows if math.isfinite(_value(values, r, variant))})
    candidates = [(a + b) / 2 for a, b in zip(observed, observed[1:])][:: max(1, len(observed) // 2000)]
    best = max(candidates, key=lambda t: sum(balanced_accuracy(s, values, variant, t) for s in splits.values()))
    return best, sum(balanced_accuracy(s, values, variant, best) for s in splits.values()) / len(splits)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--summeval")
    parser.add_argument("--summac", nargs="*", default=[])
    parser.add_argument("--summeval-articles", type=int, default=None)
    parser.add_argument("--summac-docs", type=int, default=None, help="first N documents of each split")
    parser.add_argument("--store", default="/tmp/likelihood-logprobs.jsonl")
    parser.add_argument("--json", help="write the figures here")
    parser.add_argument("--threads", type=int, help="torch threads (default: the metric's THREADS)")
    args = parser.parse_args()
    if args.threads:
        from harness.metrics import likelihood

        likelihood.THREADS = args.threads
    store, figures = Path(args.store), {}
    if args.summac:
        rows = read_summac(args.summac, args.summac_docs)
        values = scored(rows, store)
        figures["summac"] = {}
        for variant in VARIANTS:
            threshold, mean = best_threshold(rows, values, variant)
            splits = {name: round(balanced_accuracy(s, values, variant, threshold), 4)
                      for name, s in by_split(rows).items()}
            spread = _spread(rows, values, variant)
            figures["summac"][variant] = {"threshold": threshold, "mean_balanced_accuracy": round(mean, 4),
                                          "splits": splits, "n": len(rows), "std": spread}
            print(f"SummaC {variant:10s} threshold {threshold:+.4f}: mean balanced accuracy {mean:.4f} {splits}")
    if args.summeval:
        rows = read_summeval(args.summeval, args.summeval_articles)
        values = scored(rows, store)
        figures["summeval"] = {}
        for variant in VARIANTS:
            figures["summeval"][variant] = {}
            for dimension in DIMENSIONS:
                rho, tau, left = summary_level(rows, values, variant, dimension)
                figures["summeval"][variant][dimension] = {"summary_spearman": round(rho, 4),
                                                           "summary_kendall": round(tau, 4), "left_out": left}
            c, r = figures["summeval"][variant]["consistency"], figures["summeval"][variant]["relevance"]
            print(f"SummEval {variant:10s} consistency rho {c['summary_spearman']:.3f} tau {c['summary_kendall']:.3f}"
                  f" | relevance rho {r['summary_spearman']:.3f} tau {r['summary_kendall']:.3f}"
                  f" ({len(rows)} summaries, {c['left_out']} articles left out)")
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=1) + "\n")


def _spread(rows: list[SimpleNamespace], values: dict, variant: str) -> float:
    """The standard deviation of the variant over the SummaC rows (the logistic SCALE)."""
    xs = [_value(values, r, variant) for r in rows if math.isfinite(_value(values, r, variant))]
    mean = sum(xs) / len(xs)
    return round(math.sqrt(sum((x - mean) ** 2 for x in xs) / len(xs)), 4)


if __name__ == "__main__":
    main()
