"""report.md: one table per task (models x metrics with intervals), breakdowns, timing, and the
worst-scored items. Every piece of model or gold text goes through `cell`, so it cannot break
a table: `|`, newlines, HTML and Markdown markup are neutralised."""

from __future__ import annotations

from typing import Any

from harness.report._cells import cell
from harness.report._model import MetricValue, Report
from harness.tasks import TASKS, metric_value

WORST_ITEMS = 5
WORST_ARTICLES = 10


def fmt(metric: MetricValue | None) -> str:
    if metric is None or metric.value is None:
        return "–"
    return f"{metric.value:.3f} [{metric.ci_low:.3f}, {metric.ci_high:.3f}]"


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return lines + [""]


def _task_section(report: Report, task: str, predictions: list[dict[str, Any]]) -> list[str]:
    models = [m for m in report.models if task in m.tasks]
    if not models:
        return []
    spec = TASKS[task]
    metrics = list(models[0].tasks[task].metrics)
    cut = any(m.tasks[task].truncated for m in models)
    lines = [f"## {task}", ""]
    lines += _table(["model", "n", "failed", *(["truncated"] if cut else []), *metrics], [
        [cell(m.name), str(m.tasks[task].n), str(m.tasks[task].failed),
         *([str(m.tasks[task].truncated)] if cut else []), *(fmt(m.tasks[task].metrics.get(x)) for x in metrics)]
        for m in models
    ])
    for field, label in spec.summary_fields.items():
        lines += _table(["model", label], [[cell(m.name), fmt(getattr(m.tasks[task], field))] for m in models])
    lines += [f"### {task} by {spec.group_label}", ""]
    rows = [[cell(m.name), cell(group), str(part.n), *(fmt(part.metrics.get(x)) for x in metrics)]
            for m in models for group, part in m.tasks[task].groups().items()]
    lines += _table(["model", "group", "n", *metrics], rows)
    lines += _articles(task, models, metrics)
    lines += _worst_items(task, metrics[0], predictions)
    return lines


def _articles(task: str, models: list[Any], metrics: list[str]) -> list[str]:
    """With many articles, the WORST_ARTICLES weakest of each model (all of them: report.json, report.html)."""
    if not any(m.tasks[task].by_article for m in models):
        return []
    first = metrics[0]
    rows = []
    for m in models:
        parts = sorted((m.tasks[task].by_article or {}).items(),
                       key=lambda kv: (kv[1].metrics[first].value if kv[1].metrics[first].value is not None else 0, kv[0]))
        rows += [[cell(m.name), cell(article), str(part.n), *(fmt(part.metrics.get(x)) for x in metrics)]
                 for article, part in parts[:WORST_ARTICLES]]
    title = f"### {task}: the {WORST_ARTICLES} weakest articles by {first} (every article: report.json, report.html)"
    return [title, ""] + _table(["model", "article", "n", *metrics], rows)


def _worst_items(task: str, metric: str, predictions: list[dict[str, Any]]) -> list[str]:
    def value(p: dict[str, Any]) -> float:
        return metric_value(p["scores"], metric)

    rows = sorted((p for p in predictions if p["task"] == task), key=lambda p: (value(p), p["model"], p["id"]))
    reasons = any(p.get("reasons") for p in rows)
    lines = [f"### {task}: worst items by {metric}", ""]
    return lines + _table(["model", "id", metric, "question / style", "gold", "prediction", *(["why"] if reasons else [])], [
        [cell(p["model"]), cell(p["id"]), f"{value(p):.3f}", cell(p.get("question") or p.get("style") or ""),
         cell(" / ".join(p["references"]) if p["references"] else "(unanswerable)"),
         cell(p["error"] and f"FAILED: {p['error']}" or p["prediction"]),
         *([cell(reason_text(p))] if reasons else [])]
        for p in rows[:WORST_ITEMS]
    ])


def reason_text(prediction: dict[str, Any]) -> str:
    """The rules that decided a prediction's verdicts ("correct: contains 'Hanoi'")."""
    return "; ".join(f"{name}: {rule}" for name, rule in (prediction.get("reasons") or {}).items())


def _timing(report: Report) -> list[str]:
    rows = []
    for m in report.models:
        t = m.timing
        rows.append([
            cell(m.name), f"{t.get('load_s', 0):.1f}", f"{t.get('generate_s', 0):.1f}",
            str(t.get("generated", 0)), str(t.get("cached", 0)), str(t.get("resumed", 0)),
            str(t.get("completion_tokens", 0)), f"{t['tokens_per_s']:.1f}" if t.get("tokens_per_s") else "–",
        ])
    header = ["model", "load s", "generation s", "generated", "from cache", "resumed", "tokens out", "tokens/s"]
    return ["## timing", "", *_table(header, rows)]


def _count(n: int, singular: str, plural: str | None = None) -> str:
    return f"{n} {singular if n == 1 else plural or singular + 's'}"


def render_markdown(report: Report, predictions: list[dict[str, Any]]) -> str:
    gold, env, bootstrap = report.gold, report.environment, report.scoring.bootstrap
    lines = [
        f"# Evaluation report: {cell(report.config['name'])}", "",
        f"run `{report.run_id}`, {report.created_at}; gold `{gold.hash[:12]}` "
        f"({_count(gold.articles, 'article')}, {_count(gold.qa, 'question')}, {_count(gold.summaries, 'summary', 'summaries')}); "
        f"config `{report.config_hash[:12]}`; harness {env.packages['harness']}, "
        f"commit `{(env.git_commit or 'unknown')[:12]}`{' (dirty)' if env.git_dirty else ''}.", "",
        f"Values are means over items with {bootstrap.confidence:.0%} bootstrap intervals "
        f"({bootstrap.resamples} resamples, seed {bootstrap.seed}). "
        "ROUGE values are F1.", "",
    ]
    for task in TASKS:
        lines += _task_section(report, task, predictions)
    lines += _timing(report)
    return "\n".join(lines)
