"""A comparison as GitHub-flavoured Markdown (job summary, PR comment) or as a JSON object.

Both carry the same content: the headline (PASS/FAIL and why), warnings, what only one report
holds, dropped item counts, and one row per model x task x metric.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

from harness.compare._compare import IMPROVED, NO_CHANGE, NO_ITEMS, REGRESSED, Comparison, Row
from harness.report._cells import markdown_cell

_SYMBOLS = {IMPROVED: "🟢", REGRESSED: "🔴", NO_CHANGE: "⚪", NO_ITEMS: "➖"}


def headline(comparison: Comparison) -> str:
    """One line: PASS or FAIL, and why."""
    failures = comparison.failures
    if failures:
        worst = ", ".join(f"{r.model} {r.task}.{r.metric} {r.delta:+.3f}" for r in failures)
        return f"FAIL: {len(failures)} significant regression(s) beyond the allowed drop: {worst}"
    regressions = [row for row in comparison.rows if row.verdict == REGRESSED]
    if regressions:
        return f"PASS: {len(regressions)} significant regression(s), all within their allowed drop"
    return "PASS: no significant regression"


def render_json(comparison: Comparison) -> str:
    data: dict[str, Any] = {
        "result": "fail" if comparison.failures else "pass",
        "exit_code": comparison.exit_code,
        "headline": headline(comparison),
        **asdict(comparison),
        "confidence": 1 - comparison.alpha,
    }
    return json.dumps(data, indent=2, ensure_ascii=False)


def render_markdown(comparison: Comparison) -> str:
    status = headline(comparison)
    lines = [f"## harness compare: {status.split(':')[0]}", "", f"**{markdown_cell(status, limit=2000)}**", "",
             f"Base: {markdown_cell(comparison.base, limit=500)} · head: {markdown_cell(comparison.head, limit=500)}", "",
             f"Paired bootstrap over the items both reports hold: {comparison.resamples} resamples, "
             f"seed {comparison.seed}, alpha {comparison.alpha:g}.", ""]
    lines += [f"- ⚠️ {markdown_cell(warning, limit=2000)}" for warning in comparison.warnings]
    lines += [""] if comparison.warnings else []
    for task in dict.fromkeys(row.task for row in comparison.rows):
        lines += _task_table(comparison, task)
    lines += _listing("Only in base", comparison.only_in_base)
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
    return "–" if value is None else f"{value:.3f}"


def _delta(row: Row) -> str:
    if row.delta is None:
        return "–"
    return f"{row.delta:+.3f} [{row.ci_low:+.3f}, {row.ci_high:+.3f}]"


def _verdict_text(row: Row) -> str:
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
