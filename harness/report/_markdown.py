"""report.md: per task the summary of every model (metrics with intervals), each breakdown,
the worst-scored items; then timing. The tables come from harness.report._tables; every piece
of model or gold text goes through `markdown_cell`, so it cannot break a table: `|`, newlines, HTML and
Markdown markup are neutralised."""

from __future__ import annotations

from typing import Any

from harness.report._cells import markdown_cell
from harness.report._model import ARTICLE_BREAKDOWN, MetricValue, Report
from harness.report._tables import (
    COUNT,
    INTERVAL,
    PREDICTION,
    REASONS,
    REFERENCES,
    SCORE,
    SECONDS,
    Table,
    breakdown_tables,
    no_value,
    over_n,
    prediction_text,
    reason_text,
    scope_note,
    summary_table,
    task_names,
    timing_table,
    weakest_first,
    worst_items,
)

WORST_ARTICLES = 10


def fmt(metric: MetricValue | None) -> str:
    missing = no_value(metric)
    if missing is not None:
        return missing
    return f"{metric.value:.3f} [{metric.ci_low:.3f}, {metric.ci_high:.3f}]{over_n(metric)}"


def _format(kind: str, value: Any) -> str:
    if kind == INTERVAL:
        return fmt(value)
    if kind == COUNT:
        return str(value)
    if kind == SCORE:
        return f"{value:.3f}"
    if kind == SECONDS:
        return f"{value:.1f}" if isinstance(value, (int, float)) and value else "–"
    if kind == REFERENCES:
        return markdown_cell(" / ".join(value) if value else "(unanswerable)")
    if kind == PREDICTION:
        return markdown_cell(prediction_text(value))
    if kind == REASONS:
        return markdown_cell(reason_text(value))
    return markdown_cell(value)


def _table(table: Table, rows: list[list[Any]] | None = None, title: str | None = None) -> list[str]:
    lines = [f"### {title or table.title}", "", "| " + " | ".join(markdown_cell(c.label) for c in table.columns) + " |",
             "|" + "---|" * len(table.columns)]
    lines += ["| " + " | ".join(_format(c.kind, v) for c, v in zip(table.columns, row)) + " |"
              for row in (table.rows if rows is None else rows)]
    return lines + [""]


def _task_section(report: Report, task: str, predictions: list[dict[str, Any]]) -> list[str]:
    summary = summary_table(report, task)
    if not summary.rows:
        return []
    lines = [f"## {markdown_cell(summary.title)}", ""] + _table(summary, title="all items")
    for table in breakdown_tables(report, task):
        if table.columns[1].label == ARTICLE_BREAKDOWN:
            lines += _table(table, weakest_first(table)[:WORST_ARTICLES],
                            f"{markdown_cell(table.title)}: the {WORST_ARTICLES} weakest (every article: report.json, "
                            "report.html)")
        else:
            lines += _table(table, title=markdown_cell(table.title))
    worst = worst_items(report, task, predictions)
    return lines + (_table(worst) if worst is not None else [])


def _count(n: int, singular: str, plural: str | None = None) -> str:
    return f"{n} {singular if n == 1 else plural or singular + 's'}"


def render_markdown(report: Report, predictions: list[dict[str, Any]]) -> str:
    gold, env, bootstrap = report.gold, report.environment, report.scoring.bootstrap
    lines = [
        f"# Evaluation report: {markdown_cell(report.config['name'])}", "",
        f"run `{report.run_id}`, {report.created_at}; gold `{gold.hash[:12]}` "
        f"({_count(gold.articles, 'article')}, {_count(gold.qa, 'question')}, {_count(gold.summaries, 'summary', 'summaries')}); "
        f"config `{report.config_hash[:12]}`; harness {env.packages['harness']}, "
        f"commit `{(env.git_commit or 'unknown')[:12]}`{' (dirty)' if env.git_dirty else ''}.", "",
        f"Values are means over items with {bootstrap.confidence:.0%} bootstrap intervals "
        f"({bootstrap.resamples} resamples, seed {bootstrap.seed}); a multi-part metric's value is its "
        f"main part (ROUGE: F1).{scope_note(report)}", "",
    ]
    for task in task_names(report):
        lines += _task_section(report, task, predictions)
    lines += ["## timing", ""] + _table(timing_table(report), title="per model")
    return "\n".join(lines)
