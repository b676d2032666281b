"""From generations to numbers: extract, score each item, aggregate with bootstrap intervals.

Failed items (the backend reported an error, or a replayed file lacks them) stay in the
denominator and score zero on every metric: dropping them would flatter a flaky model.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from harness.run._items import EvalItem
from harness.metrics import (
    abstention_item_score,
    extract_answer,
    mean_with_ci,
    qa_item_scores,
    rouge_item_scores,
    split_sentences,
)


def score_qa(item: EvalItem, record: dict[str, Any], task) -> dict[str, Any]:
    """{"answer", "scores"} for one QA item; scores hold exact_match, f1, abstained, abstention."""
    if record.get("error") is not None:
        scores = {"exact_match": 0.0, "f1": 0.0, "abstained": False, "abstention": 0.0}
        return {"answer": "", "scores": scores}
    answer = extract_answer(record["prediction"], task.extraction)
    scores = qa_item_scores(answer, list(item.references), task.abstain_phrase)
    scores["abstention"] = abstention_item_score(scores["abstained"], item.references)
    return {"answer": answer, "scores": scores}


def score_summary(item: EvalItem, record: dict[str, Any], task) -> dict[str, Any]:
    """{"answer", "sentences", "scores"}; the answer is the prediction one sentence a line."""
    if record.get("error") is not None:
        zero = {"precision": 0.0, "recall": 0.0, "f1": 0.0}
        return {"answer": "", "sentences": [], "scores": {kind: dict(zero) for kind in task.metrics}}
    sentences = split_sentences(record["prediction"])
    scores = rouge_item_scores(sentences, list(item.references), task.metrics, task.use_stemmer, task.tokenizer)
    return {"answer": "\n".join(sentences), "sentences": sentences, "scores": scores}


SCORERS = {"qa": score_qa, "summarization": score_summary}


def metric_value(scores: dict[str, Any], metric: str) -> float:
    """The per-item number a metric averages: a QA score as it is, a ROUGE score its F1."""
    value = scores[metric]
    return float(value["f1"] if isinstance(value, dict) else value)


def aggregate(task_name: str, task, items: list[EvalItem], scored: list[dict[str, Any]], bootstrap) -> dict[str, Any]:
    """Task summary for one model: means with intervals, overall and by type or style."""
    options = {"resamples": bootstrap.resamples, "seed": bootstrap.seed, "confidence": bootstrap.confidence}
    summary = {
        "n": len(items),
        "metrics": _metrics(task_name, task, items, scored, options),
        "failed": sum(1 for s in scored if s["error"] is not None),
    }
    groups: dict[str, list[int]] = defaultdict(list)
    for index, item in enumerate(items):
        groups[item.group].append(index)
    by_group = {
        group: {"n": len(indexes), "metrics": _metrics(task_name, task, [items[i] for i in indexes], [scored[i] for i in indexes], options)}
        for group, indexes in sorted(groups.items())
    }
    summary["by_type" if task_name == "qa" else "by_style"] = by_group
    if task_name == "qa":
        summary["abstention_accuracy"] = mean_with_ci(
            [s["scores"]["abstention"] for s in scored], [i.article_id for i in items], **options
        )
    return summary


def _metrics(task_name: str, task, items: list[EvalItem], scored: list[dict[str, Any]], options: dict) -> dict[str, Any]:
    clusters = [item.article_id for item in items]
    out = {}
    for metric in task.metrics:
        values = [metric_value(s["scores"], metric) for s in scored]
        out[metric] = mean_with_ci(values, clusters, **options)
        if task_name == "summarization":
            for part in ("precision", "recall"):
                parts = [s["scores"][metric][part] for s in scored]
                out[metric][part] = sum(parts) / len(parts) if parts else None
    return out
