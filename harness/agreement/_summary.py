"""`harness agreement` for summaries: how far each summary metric agrees with people.

Graded ratings (summeval, or summaries-jsonl with `scores`): per metric and rated dimension, Kendall's
tau and Spearman's rho at the summary and system level with bootstrap intervals
(harness.agreement._correlation). Binary labels (summac, or summaries-jsonl with `label`): per file,
balanced accuracy of each faithfulness metric at its documented threshold, and the mean over
the files (harness.agreement._balanced). The targets of issue 22 are printed under the tables.
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from harness.agreement._summary_metrics import FAITHFULNESS, THRESHOLDS, compute
from harness.agreement._balanced import balanced_accuracy, choose_threshold
from harness.agreement._correlation import correlate
from harness.agreement._summary_readers import SummaryRecord, read

CORRELATION_KEYS = ("summary_kendall", "summary_spearman", "system_kendall", "system_spearman")
SPEARMAN_FACTOR = 2.0  # target: the best faithfulness metric's summary-level rho with consistency, over ROUGE-1's
MAX_LEFT_OUT = 0.25  # a metric without a coefficient on more of the documents is not eligible for the target
BALANCED_TARGET = 0.65  # target: mean balanced accuracy over the SummaC validation splits


def measure(paths: Sequence[Path], fmt: str, metrics: Sequence[str] | None = None,
            tune: bool = False) -> dict[str, Any]:
    """The agreement of each metric with the judgments in `paths` (see the module doc); `tune`:
    binary labels, each thresholded metric at the threshold best on these files instead."""
    started = time.perf_counter()
    records = read(list(paths), fmt)
    values = compute(records, metrics)
    graded = records[0].label is None
    result = _graded(records, values) if graded else _binary(records, values, tune)
    result["seconds"] = round(time.perf_counter() - started, 1)
    return result


def _graded(records: list[SummaryRecord], values: dict[str, list[float]]) -> dict[str, Any]:
    dims = sorted(set.intersection(*(set(r.scores) for r in records)))
    docs, systems = [r.doc_id for r in records], [r.system for r in records]
    out: dict[str, Any] = {"kind": "graded", "summaries": len(records), "documents": len(set(docs)),
                           "systems": len(set(systems)), "metrics": {}}
    for name, column in values.items():
        out["metrics"][name] = {}
        for dim in dims:
            c = correlate(docs, systems, column, [r.scores[dim] for r in records])
            entry: dict[str, Any] = {key: getattr(c, key) for key in CORRELATION_KEYS}
            entry.update({"intervals": {k: list(v) for k, v in c.intervals.items()},
                          "documents": c.documents, "left_out": c.left_out})
            out["metrics"][name][dim] = entry
    return out


def _binary(records: list[SummaryRecord], values: dict[str, list[float]], tune: bool) -> dict[str, Any]:
    splits = sorted({r.split for r in records})
    labels = {s: [r.label for r in records if r.split == s] for s in splits}
    out: dict[str, Any] = {"kind": "binary", "summaries": len(records), "splits": splits, "metrics": {}}
    names = [n for n in values if n in THRESHOLDS]
    for name in names:
        column = {s: [v for v, r in zip(values[name], records) if r.split == s] for s in splits}
        if tune:
            threshold, _ = choose_threshold({s: (column[s], labels[s]) for s in splits})
        else:
            threshold = THRESHOLDS[name]
        per = {s: {"balanced_accuracy": balanced_accuracy(column[s], labels[s], threshold), "n": len(column[s])}
               for s in splits}
        out["metrics"][name] = {"balanced_accuracy": _mean([p["balanced_accuracy"] for p in per.values()]),
                                "n": len(records), "threshold": threshold, "splits": per}
    return out


def _mean(values: list[float]) -> float:
    found = [v for v in values if not math.isnan(v)]
    return sum(found) / len(found) if found else math.nan


def _f(value: float) -> str:
    return "   n/a" if value is None or math.isnan(value) else f"{value:6.3f}"


def format_result(result: dict[str, Any]) -> str:
    """The tables and the targets as text."""
    if result["kind"] == "binary":
        return _format_binary(result)
    lines = [f"{result['summaries']} rated summaries of {result['documents']} documents by {result['systems']} "
             "systems; Kendall tau-b and Spearman rho (scipy.stats), 95% bootstrap intervals over documents",
             "rouge1_mean / rouge1_max: ROUGE-1 F1 (rouge_score, stemmer) averaged / best over the references",
             f"{'metric':<26} {'dimension':<12} {'summ tau':>6} {'[interval]':<16} {'summ rho':>6} "
             f"{'[interval]':<16} {'sys tau':>7} {'sys rho':>7}  left out"]
    for name, dims in result["metrics"].items():
        for dim, e in dims.items():
            ci = e["intervals"]
            lines.append(
                f"{name:<26} {dim:<12} {_f(e['summary_kendall'])}   [{_f(ci['summary_kendall'][0])},"
                f"{_f(ci['summary_kendall'][1])}] {_f(e['summary_spearman'])}   [{_f(ci['summary_spearman'][0])},"
                f"{_f(ci['summary_spearman'][1])}]  {_f(e['system_kendall'])}  {_f(e['system_spearman'])}  "
                f"{e['left_out']} of {e['documents']} (constant)")
    lines += _graded_targets(result["metrics"])
    lines.append(f"time: {result['seconds']} s")
    return "\n".join(lines)


def _graded_targets(metrics: dict[str, Any]) -> list[str]:
    """The Spearman target; a metric that leaves out more than MAX_LEFT_OUT of the documents
    (constant within them) is shown but not eligible: its mean covers too few documents."""
    rouge = metrics.get("rouge1_mean", {}).get("consistency")
    if rouge is None:
        return []
    goal = SPEARMAN_FACTOR * rouge["summary_spearman"]
    lines, eligible = [], []
    for name in FAITHFULNESS:
        e = metrics.get(name, {}).get("consistency")
        if e is None:
            continue
        ok = e["left_out"] <= MAX_LEFT_OUT * e["documents"] and not math.isnan(e["summary_spearman"])
        lines.append(f"  {name}: summary-level Spearman with consistency {_f(e['summary_spearman']).strip()} "
                     f"({e['left_out']} of {e['documents']} documents left out{'' if ok else ': not eligible'})")
        if ok:
            eligible.append((e["summary_spearman"], name))
    if not eligible:
        return lines
    best, name = max(eligible)
    return lines + [f"target: best offline faithfulness metric's summary-level Spearman with consistency >= "
                    f"{SPEARMAN_FACTOR:g} x rouge1_mean's ({goal:.3f}): {name} {best:.3f}: "
                    f"{'holds' if best >= goal else 'missed'}"]


def _format_binary(result: dict[str, Any]) -> str:
    splits = result["splits"]
    lines = [f"{result['summaries']} labelled summaries; balanced accuracy at each metric's threshold",
             f"{'metric':<26} {'threshold':>9} " + " ".join(f"{s[:12]:>12}" for s in splits) + "     mean"]
    for name, e in result["metrics"].items():
        lines.append(f"{name:<26} {e['threshold']:9.3f} "
                     + " ".join(f"{_f(e['splits'][s]['balanced_accuracy']):>12}" for s in splits)
                     + f"   {_f(e['balanced_accuracy'])}")
    faithful = [(e["balanced_accuracy"], n) for n, e in result["metrics"].items() if n in FAITHFULNESS]
    if faithful and len(splits) > 1:
        best, name = max(faithful)
        lines.append(f"target: mean balanced accuracy >= {BALANCED_TARGET} over the splits: {name} {best:.4f}: "
                     f"{'holds' if best >= BALANCED_TARGET else 'missed'}")
    lines.append(f"time: {result['seconds']} s")
    return "\n".join(lines)


def json_result(result: Any) -> Any:
    """The --json form ({"metrics": {METRIC: {DIMENSION: {...}}}} or {"metrics": {METRIC: {...}}}):
    the result with each NaN (no coefficient) as null."""
    if isinstance(result, dict):
        return {k: json_result(v) for k, v in result.items()}
    if isinstance(result, (list, tuple)):
        return [json_result(v) for v in result]
    if isinstance(result, float) and math.isnan(result):
        return None
    return result
