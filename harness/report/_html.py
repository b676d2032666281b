"""report.html: one self-contained page (no network) with the tables of report.md, a bar
chart per task, the provenance, and a filterable table of every prediction.

Safety: every value from the report or the predictions goes through `esc` (html.escape with
quote=True); only fragments built here from numbers or escaped text are wrapped in `Html`.
A Content-Security-Policy admits the page's one inline script by its sha256 and nothing
else, so even an escaping bug could not run a script that came with the data. The script
reads its data from a JSON block and builds rows with textContent, never HTML (_html_items)."""

from __future__ import annotations

import base64
import hashlib
import html
import json
from typing import Any

from harness.report._charts import metric_chart
from harness.report._html_items import SCRIPT, items_section
from harness.report._html_text import Html, html_cell, esc, number, prediction, references, text_block
from harness.report._model import MetricValue, Report
from harness.report._tables import (
    COUNT,
    INTERVAL,
    PREDICTION,
    REASONS,
    REFERENCES,
    SCORE,
    SECONDS,
    Column,
    Table,
    breakdown_tables,
    metric_names,
    no_value,
    over_n,
    reason_text,
    scope_note,
    summary_table,
    task_info,
    task_names,
    timing_table,
    worst_items,
)

NUMERIC = {COUNT, INTERVAL, SCORE, SECONDS}


def _interval(metric: MetricValue | None) -> Html:
    missing = no_value(metric)
    if missing is not None:
        return Html(missing)
    n = f' <span class="ci">{over_n(metric).strip()}</span>' if metric.n is not None else ""
    if metric.ci_low is None or metric.ci_high is None:
        return Html(f"{metric.value:.3f}{n}")
    return Html(f'{metric.value:.3f} <span class="ci">[{metric.ci_low:.3f}, {metric.ci_high:.3f}]</span>{n}')


def _format(kind: str, value: Any) -> Any:
    if kind == INTERVAL:
        return _interval(value)
    if kind == SCORE:
        return number(value, 3)
    if kind == SECONDS:
        return number(value)
    if kind == REFERENCES:
        return references(value)
    if kind == PREDICTION:
        return text_block(prediction(value))
    if kind == REASONS:
        return text_block(reason_text(value))
    return value


def _table(table: Table) -> str:
    head = "".join(f"<th>{esc(c.label)}</th>" for c in table.columns)
    body = "".join(
        "<tr>" + "".join(f'<td class="num">{html_cell(_format(c.kind, v))}</td>' if c.kind in NUMERIC
                         else f"<td>{html_cell(_format(c.kind, v))}</td>" for c, v in zip(table.columns, row)) + "</tr>"
        for row in table.rows
    )
    return f'<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def _task_section(report: Report, task: str, predictions: list[dict[str, Any]]) -> str:
    summary = summary_table(report, task)
    if not summary.rows:
        return ""
    models = [m for m in report.models if task in m.tasks]
    metrics = metric_names(report, task)
    parts = [f'<section id="{esc(task)}"><h2>{esc(summary.title)}</h2>',
             metric_chart(task, models, metrics, report.scoring.bootstrap.confidence), _table(summary)]
    for index, table in enumerate(breakdown_tables(report, task)):
        if index == 0:  # the task's own breakdown shows; the others fold
            parts += [f"<h3>{esc(table.title)}</h3>", _table(table)]
        else:
            parts.append(f"<details><summary>{esc(table.title)}</summary>{_table(table)}</details>")
    worst = worst_items(report, task, predictions)
    if worst is not None:
        parts += [f"<h3>{esc(worst.title)}</h3>", _table(worst)]
    extras = [[m.name, json.dumps(m.tasks[task].extra_metrics, sort_keys=True)]
              for m in models if m.tasks[task].extra_metrics]
    if extras:
        parts += ["<h3>Extra metrics</h3>", _table(Table("Extra metrics", [Column("model"), Column("result")], extras))]
    return "\n".join(parts) + "</section>"


def _timing(report: Report) -> str:
    return f'<section id="timing"><h2>Timing</h2>{_table(timing_table(report))}</section>'


def _provenance(report: Report) -> str:
    gold, env, boot = report.gold, report.environment, report.scoring.bootstrap
    commit = env.git_commit or "unknown"
    facts = [
        ("config", f"{report.config['name']} ({report.config_path or ''})"),
        ("config hash", Html(f"<code>{esc(report.config_hash)}</code>")),
        ("run id", report.run_id), ("created", report.created_at),
        ("gold", f"{gold.path}: {gold.articles} articles, {gold.qa} questions, {gold.summaries} summaries"),
        ("gold hash", Html(f"<code>{esc(gold.hash)}</code>")),
        ("git commit", Html(f"<code>{esc(commit)}</code>{' (dirty)' if env.git_dirty else ''}")),
        ("harness", env.packages.get("harness")), ("python", env.python),
        ("platform", " ".join(str(v) for v in (env.platform, env.machine, env.device) if v)),
        ("bootstrap", f"{boot.resamples} resamples, seed {boot.seed}, confidence {boot.confidence}"),
    ]
    scoring = report.scoring_options()
    facts += [(task_info(report, name).title, task_info(report, name).scoring_note) for name in task_names(report)
              if task_info(report, name).scoring_note]
    facts += [(f"metric {metric}", f"{info.description} ({info.provider})")
              for name in task_names(report) for metric, info in task_info(report, name).metrics.items()]
    listing = "".join(f"<dt>{esc(k)}</dt><dd>{html_cell(v)}</dd>" for k, v in facts)
    packages = _table(Table("Packages", [Column("package"), Column("version")],
                            [[k, v or "not installed"] for k, v in env.packages.items()]))
    models = _table(Table("Models", [Column(label) for label in ("model", "backend", "model ref", "revision", "sha256",
                                                                 "generation")], [
        [m.name, m.backend, m.model_ref, m.revision, Html(f"<code>{esc(m.model_sha256)}</code>"),
         json.dumps(m.generation, sort_keys=True)]
        for m in report.models
    ]))
    sections = {"config": report.config, "scoring": scoring,
                "selection": report.selection.model_dump(mode="json") if report.selection else None}
    dumps = "".join(
        f"<details><summary>{esc(name)}</summary><pre>{esc(json.dumps(sections[key], indent=2, sort_keys=True))}</pre></details>"
        for name, key in (("resolved config", "config"), ("scoring options", "scoring"), ("run selection", "selection"))
        if sections[key] is not None
    )
    return (f'<section id="provenance"><h2>Provenance</h2><dl class="prov">{listing}</dl>'
            f"<h3>Models</h3>{models}<h3>Packages</h3>{packages}{dumps}</section>")



STYLE = """
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1b1b1b;background:#fff;max-width:1200px;margin:0 auto;padding:1rem 1.5rem}
h1{font-size:1.5rem;margin-bottom:.2rem}h2{margin-top:2rem;border-bottom:1px solid #ddd;padding-bottom:.2rem}h3{font-size:1.05rem;margin-top:1.4rem}
nav a{margin-right:1rem}table{border-collapse:collapse;margin:.5rem 0 1rem;font-size:13px}
th,td{border:1px solid #d6d6d6;padding:.25rem .5rem;text-align:left;vertical-align:top}th{background:#f1f3f5}
tbody tr:nth-child(even){background:#fafafa}td.num{text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums}
.ci{color:#666;font-size:12px}.text{white-space:pre-wrap;overflow-wrap:anywhere;max-width:30rem}
.ref+.ref,details .ref{border-top:1px dashed #ccc;margin-top:.2rem;padding-top:.2rem}summary{color:#555;cursor:pointer;font-size:12px}.ref{overflow-wrap:anywhere;max-width:26rem}
.failed{color:#a40000}.note{color:#666}code{font:12px ui-monospace,Menlo,Consolas,monospace;overflow-wrap:anywhere}
img.chart{max-width:100%;height:auto;display:block;margin:.5rem 0}pre{background:#f6f8fa;padding:.5rem;overflow:auto;font-size:12px}
dl.prov{display:grid;grid-template-columns:max-content 1fr;gap:.15rem 1rem}dt{font-weight:600}dd{margin:0}
.filters{display:flex;gap:1rem;align-items:center;flex-wrap:wrap;position:sticky;top:0;background:#fff;padding:.4rem 0;z-index:1}
tr[hidden]{display:none}.scores{white-space:pre;font-variant-numeric:tabular-nums}
"""


def content_security_policy(script: str = SCRIPT) -> str:
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")
    return (f"default-src 'none'; script-src 'sha256-{digest}'; style-src 'unsafe-inline'; "
            "img-src data:; base-uri 'none'; form-action 'none'")


def _method(report: Report) -> str:
    boot = report.scoring.bootstrap
    return (f"Values are means over items with {boot.confidence:.0%} bootstrap intervals "
            f"({boot.resamples} resamples, seed {boot.seed}); a multi-part metric's value is its main part "
            f"(ROUGE: F1).{scope_note(report)}")


def render_html(report: Report, predictions: list[dict[str, Any]]) -> str:
    """The whole page as one string."""
    name, gold, env = report.config["name"], report.gold, report.environment
    names = task_names(report)
    sections = [_task_section(report, task, predictions) for task in names]
    nav = "".join(f'<a href="#{esc(t)}">{esc(task_info(report, t).title)}</a>' for t, s in zip(names, sections) if s)
    subtitle = (f"run {esc(report.run_id)} · {esc(report.created_at)} · gold {esc(gold.hash[:12])} · "
                f"config {esc(report.config_hash[:12])} · commit {esc((env.git_commit or 'unknown')[:12])}"
                f"{' (dirty)' if env.git_dirty else ''}")
    return "\n".join([
        "<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{esc(content_security_policy())}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>Evaluation report: {esc(name)}</title><style>{STYLE}</style></head><body>",
        f"<h1>Evaluation report: {esc(name)}</h1><p class=\"note\">{subtitle}</p>",
        f'<nav>{nav}<a href="#timing">Timing</a><a href="#items">All items</a><a href="#provenance">Provenance</a></nav>',
        f"<p>{esc(_method(report))}</p>",
        *sections, _timing(report), items_section(predictions), _provenance(report),
        f"<script>{SCRIPT}</script>", "</body></html>", "",
    ])
