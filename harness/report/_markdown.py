"""report.md: one table per task (models x metrics with 95% intervals), breakdowns, timing,
and the worst-scored items. Every piece of model or gold text is escaped so it cannot break
a table: `|`, newlines, HTML and Markdown markup are neutralised."""

from __future__ import annotations

import html
import re
from typing import Any

from harness.run._scoring import metric_value

WORST_ITEMS = 5
_MARKUP = re.compile(r"([\\`*_{}\[\]<>#+!~|])")
# Control characters (NUL, ESC: terminal escapes), bidi overrides and isolates (they reorder
# the rest of the line on screen), lone surrogates (not encodable): shown as \uXXXX text.
_INVISIBLE = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def cell(text: Any, limit: int = 160) -> str:
    """Text made safe for one Markdown table cell."""
    value = " ".join(str(text).split())  # newlines and tabs become spaces
    value = _INVISIBLE.sub(lambda m: f"\\u{ord(m.group()):04x}", value)
    if len(value) > limit:
        value = value[: limit - 1] + "…"
    return _MARKUP.sub(r"\\\1", html.escape(value, quote=False)).replace("\\|", "&#124;")


def fmt(metric: dict[str, Any] | None) -> str:
    if not metric or metric.get("value") is None:
        return "–"
    return f"{metric['value']:.3f} [{metric['ci_low']:.3f}, {metric['ci_high']:.3f}]"


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return lines + [""]


def _task_section(report: dict[str, Any], task: str, predictions: list[dict[str, Any]]) -> list[str]:
    models = [m for m in report["models"] if task in m["tasks"]]
    if not models:
        return []
    metrics = list(models[0]["tasks"][task]["metrics"])
    lines = [f"## {task}", ""]
    lines += _table(["model", "n", "failed", *metrics], [
        [cell(m["name"]), str(m["tasks"][task]["n"]), str(m["tasks"][task]["failed"]),
         *(fmt(m["tasks"][task]["metrics"].get(x)) for x in metrics)]
        for m in models
    ])
    if task == "qa":
        lines += _table(["model", "abstention accuracy"], [
            [cell(m["name"]), fmt(m["tasks"][task].get("abstention_accuracy"))] for m in models
        ])
    group_key = "by_type" if task == "qa" else "by_style"
    lines += [f"### {task} by {'question type' if task == 'qa' else 'style'}", ""]
    rows = []
    for m in models:
        for group, part in m["tasks"][task][group_key].items():
            rows.append([cell(m["name"]), cell(group), str(part["n"]), *(fmt(part["metrics"].get(x)) for x in metrics)])
    lines += _table(["model", "group", "n", *metrics], rows)
    lines += _worst_items(task, metrics[0], predictions)
    return lines


def _worst_items(task: str, metric: str, predictions: list[dict[str, Any]]) -> list[str]:
    def value(p: dict[str, Any]) -> float:
        return metric_value(p["scores"], metric)

    rows = sorted((p for p in predictions if p["task"] == task), key=lambda p: (value(p), p["model"], p["id"]))
    lines = [f"### {task}: worst items by {metric}", ""]
    return lines + _table(["model", "id", metric, "question / style", "gold", "prediction"], [
        [cell(p["model"]), cell(p["id"]), f"{value(p):.3f}", cell(p.get("question") or p.get("style") or ""),
         cell(" / ".join(p["references"]) if p["references"] else "(unanswerable)"),
         cell(p["error"] and f"FAILED: {p['error']}" or p["prediction"])]
        for p in rows[:WORST_ITEMS]
    ])


def _timing(report: dict[str, Any]) -> list[str]:
    rows = []
    for m in report["models"]:
        t = m.get("timing", {})
        rows.append([
            cell(m["name"]), f"{t.get('load_s', 0):.1f}", f"{t.get('generate_s', 0):.1f}",
            str(t.get("generated", 0)), str(t.get("cached", 0)), str(t.get("resumed", 0)),
            str(t.get("completion_tokens", 0)), f"{t['tokens_per_s']:.1f}" if t.get("tokens_per_s") else "–",
        ])
    header = ["model", "load s", "generation s", "generated", "from cache", "resumed", "tokens out", "tokens/s"]
    return ["## timing", "", *_table(header, rows)]


def _count(n: int, singular: str, plural: str | None = None) -> str:
    return f"{n} {singular if n == 1 else plural or singular + 's'}"


def render_markdown(report: dict[str, Any], predictions: list[dict[str, Any]]) -> str:
    gold = report["gold"]
    env = report["environment"]
    lines = [
        f"# Evaluation report: {cell(report['config']['name'])}", "",
        f"run `{report['run_id']}`, {report['created_at']}; gold `{gold['hash'][:12]}` "
        f"({_count(gold['articles'], 'article')}, {_count(gold['qa'], 'question')}, {_count(gold['summaries'], 'summary', 'summaries')}); "
        f"config `{report['config_hash'][:12]}`; harness {env['packages']['harness']}, "
        f"commit `{(env['git_commit'] or 'unknown')[:12]}`{' (dirty)' if env['git_dirty'] else ''}.", "",
        "Values are means over items with 95% bootstrap intervals "
        f"({report['scoring']['bootstrap']['resamples']} resamples, seed {report['scoring']['bootstrap']['seed']}). "
        "ROUGE values are F1.", "",
    ]
    for task in ("qa", "summarization"):
        lines += _task_section(report, task, predictions)
    lines += _timing(report)
    return "\n".join(lines)
