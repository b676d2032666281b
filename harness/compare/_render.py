"""A comparison as GitHub-flavoured Markdown (job summary, PR comment) or as a JSON object.

Both carry the same content: the headline (PASS/FAIL and why), warnings, what only one report
holds, dropped item counts, models and tasks with too few items compared, and one row per
model x task x metric.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

from harness.compare._compare import IMPROVED, NO_CHANGE, NO_ITEMS, REGRESSED, Comparison, MetricDelta
from harness.report._cells import markdown_cell

_SYMBOLS = {IMPROVED: "🟢", REGRESSED: "🔴", NO_CHANGE: "⚪", NO_ITEMS: "➖"}
_SHOWN = 8  # parts of the base the head lacks named in the headline (all are listed below it)


def headline(comparison: Comparison) -> str:
    """One line: PASS or FAIL, and why."""
    if not comparison.passed:
        return "FAIL: " + "; ".join(_reasons(comparison))
    regressions = [row for row in comparison.rows if row.verdict == REGRESSED]
    if regressions:
        return f"PASS: {len(regressions)} significant regression(s), all within their allowed drop"
    return "PASS: no significant regression"


def _reasons(comparison: Comparison) -> list[str]:
    """Why the comparison fails: regressions, then what the head lacks, then too few items."""
    reasons = []
    if failures := comparison.failures:
        worst = ", ".join(f"{r.model} {r.task}.{r.metric} {r.delta:+.3f}" for r in failures)
        reasons.append(f"{len(failures)} significant regression(s) beyond the allowed drop: {worst}")
    if missing := comparison.only_in_base:
        shown = ", ".join(missing[:_SHOWN]) + (f" and {len(missing) - _SHOWN} more" if len(missing) > _SHOWN else "")
        reasons.append(f"the head lacks {shown}")
    if comparison.too_few:
        reasons.append("too few items compared: " + "; ".join(comparison.too_few))
    if not reasons:  # passed is False only when something above is, or when there are no rows
        reasons.append("nothing was compared (the base report holds no model with a task)")
    return reasons


def render_comparison_json(comparison: Comparison) -> str:
    data: dict[str, Any] = {
        "result": "pass" if comparison.passed else "fail",
        "exit_code": comparison.exit_code,
        "headline": headline(comparison),
        **asdict(comparison),
        "confidence": 1 - comparison.alpha,
    }
    return json.dumps(data, indent=2, ensure_ascii=False)


def render_comparison_markdown(comparison: Comparison) -> str:
    status = headline(comparison)
    lines = [f"## harness compare: {status.split(':')[0]}", "", f"**{markdown_cell(status, limit=2000)}**", "",
             f"Base: {markdown_cell(comparison.base, limit=500)} · head: {markdown_cell(comparison.head, limit=500)}", "",
             f"Paired bootstrap over the items both reports hold and scored (n, per metric): {comparison.resamples} resamples, "
             f"seed {comparison.seed}, alpha {comparison.alpha:g}.", ""]
    lines += [f"- ⚠️ {markdown_cell(warning, limit=2000)}" for warning in comparison.warnings]
    lines += [""] if comparison.warnings else []
    for task in dict.fromkeys(row.task for row in comparison.rows):
        lines += _task_table(comparison, task)
    lines += _listing("Only in base (the head lacks it: the gate fails)", comparison.only_in_base)
    lines += _listing(f"Too few items compared (--min-coverage {comparison.min_coverage:g}: the gate fails)",
                      comparison.too_few)
    lines += _listing("Only in head", comparison.only_in_head)
    lines += _listing("Dropped items (held by one report only)", [
        f"{d.model} {d.task}: {d.only_in_base} only in base, {d.only_in_head} only in head, {d.compared} compared"
        for d in comparison.dropped
    ])
    return "\n".join(lines).rstrip() + "\n"


def _task_table(comparison: Comparison, task: str) -> list[str]:
    confidence = f"{(1 - comparison.alpha) * 100:g}%"
    lines = [f"### {markdown_cell(task)}", "", f"| model | metric | n | base | head | delta [{confidence} CI] | verdict |",
             "|---|---|---:|---:|---:|---|---|"]
    for row in (r for r in comparison.rows if r.task == task):
        lines.append(f"| {markdown_cell(row.model)} | {markdown_cell(row.metric)} | {row.n} | {_number(row.base)} | "
                     f"{_number(row.head)} | {_delta(row)} | {_verdict_text(row)} |")
    return lines + [""]


def _number(value: float | None) -> str:
    """A mean; "n/a" when no item was compared."""
    return "n/a" if value is None else f"{value:.3f}"


def _delta(row: MetricDelta) -> str:
    if row.delta is None:
        return "–"
    return f"{row.delta:+.3f} [{row.ci_low:+.3f}, {row.ci_high:+.3f}]"


def _verdict_text(row: MetricDelta) -> str:
    text = f"{_SYMBOLS[row.verdict]} {row.verdict}"
    if row.verdict != REGRESSED:
        return text
    if row.fails:
        return text + " (fails)"
    if row.allowance is not None:
        return text + f" (within allowed drop {row.allowance:g})"
    return text


def _listing(title: str, entries: list[str]) -> list[str]:
    if not entries:
        return []
    return [f"**{title}:**", "", *(f"- {markdown_cell(entry, limit=500)}" for entry in entries), ""]
