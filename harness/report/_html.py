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
from typing import Any, Iterable

from harness.report._charts import metric_chart
from harness.report._html_items import SCRIPT, items_section
from harness.report._html_text import Html, cell, esc, number, prediction, prompt, reasons, references, text_block
from harness.report._model import MetricValue, Report
from harness.tasks import TASKS, metric_value

WORST_ITEMS = 5


def _table(header: list[str], rows: Iterable[list[Any]], numeric: Iterable[int] = ()) -> str:
    numeric = set(numeric)
    head = "".join(f"<th>{esc(h)}</th>" for h in header)
    body = "".join(
        "<tr>" + "".join(f'<td class="num">{cell(c)}</td>' if i in numeric else f"<td>{cell(c)}</td>"
                         for i, c in enumerate(row)) + "</tr>"
        for row in rows
    )
    return f'<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def _interval(metric: MetricValue | None) -> Html:
    if metric is None or metric.value is None:
        return Html("–")
    if metric.ci_low is None or metric.ci_high is None:
        return Html(f"{metric.value:.3f}")
    return Html(f'{metric.value:.3f} <span class="ci">[{metric.ci_low:.3f}, {metric.ci_high:.3f}]</span>')


def item_value(prediction: dict[str, Any], metric: str) -> float:
    """The per-item number a metric averages (ROUGE: its F1); 0 for a metric the item lacks."""
    return metric_value(prediction["scores"], metric) if metric in prediction["scores"] else 0.0


def _task_section(report: Report, task: str, predictions: list[dict[str, Any]]) -> str:
    models = [m for m in report.models if task in m.tasks]
    if not models:
        return ""
    spec = TASKS[task]
    title, group_name, extra = spec.title, spec.group_label, spec.summary_fields
    metrics = list(models[0].tasks[task].metrics)
    confidence = report.scoring.bootstrap.confidence
    summary = _table(["model", "n", "failed", "truncated", *metrics, *extra.values()], (
        [m.name, m.tasks[task].n, m.tasks[task].failed, m.tasks[task].truncated,
         *(_interval(m.tasks[task].metrics.get(x)) for x in metrics),
         *(_interval(getattr(m.tasks[task], field)) for field in extra)]
        for m in models
    ), numeric=range(1, 4 + len(metrics) + len(extra)))
    groups = _table(["model", group_name, "n", *metrics], (
        [m.name, group, part.n, *(_interval(part.metrics.get(x)) for x in metrics)]
        for m in models for group, part in m.tasks[task].groups().items()
    ), numeric=range(2, 3 + len(metrics)))
    articles = _table(["model", "article", "n", *metrics], (
        [m.name, article, part.n, *(_interval(part.metrics.get(x)) for x in metrics)]
        for m in models for article, part in (m.tasks[task].by_article or {}).items()
    ), numeric=range(2, 3 + len(metrics))) if any(m.tasks[task].by_article for m in models) else ""
    parts = [
        f'<section id="{esc(task)}"><h2>{esc(title)}</h2>',
        metric_chart(task, models, metrics, confidence),
        summary, f"<h3>{esc(title)} by {esc(group_name)}</h3>", groups,
        f"<details><summary>{esc(title)} by article</summary>{articles}</details>" if articles else "",
        _worst_items(task, metrics[0], predictions) if metrics else "",
    ]
    extras = [[m.name, json.dumps(m.tasks[task].extra_metrics, sort_keys=True)]
              for m in models if m.tasks[task].extra_metrics]
    if extras:
        parts += ["<h3>Extra metrics</h3>", _table(["model", "result"], extras)]
    return "\n".join(parts) + "</section>"


def _worst_items(task: str, metric: str, predictions: list[dict[str, Any]]) -> str:
    rows = sorted((p for p in predictions if p["task"] == task), key=lambda p: (item_value(p, metric), p["model"], p["id"]))
    table = _table(["model", "id", metric, "question / style", "gold", "prediction", "why"], (
        [p["model"], p["id"], number(item_value(p, metric), 3), text_block(prompt(p)),
         references(p.get("references") or []), text_block(prediction(p)),
         text_block(reasons(p))]
        for p in rows[:WORST_ITEMS]
    ), numeric=[2])
    return f"<h3>Worst {WORST_ITEMS} items by {esc(metric)}</h3>{table}"


def _timing(report: Report) -> str:
    rows = []
    for m in report.models:
        t = m.timing
        rows.append([m.name, number(t.get("load_s")), number(t.get("generate_s")),
                     *(t.get(k, 0) for k in ("generated", "cached", "resumed", "completion_tokens")),
                     number(t.get("tokens_per_s"))])
    header = ["model", "load s", "generation s", "generated", "from cache", "resumed", "tokens out", "tokens/s"]
    return f'<section id="timing"><h2>Timing</h2>{_table(header, rows, numeric=range(1, 8))}</section>'


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
    facts += [TASKS[name].scoring_note(scoring[name]) for name in TASKS if isinstance(scoring.get(name), dict)]
    listing = "".join(f"<dt>{esc(k)}</dt><dd>{cell(v)}</dd>" for k, v in facts)
    packages = _table(["package", "version"], ([k, v or "not installed"] for k, v in env.packages.items()))
    models = _table(["model", "backend", "model ref", "revision", "sha256", "generation"], (
        [m.name, m.backend, m.model_ref, m.revision, Html(f"<code>{esc(m.model_sha256)}</code>"),
         json.dumps(m.generation, sort_keys=True)]
        for m in report.models
    ))
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
            f"({boot.resamples} resamples, seed {boot.seed}); ROUGE values are F1.")


def render_html(report: Report, predictions: list[dict[str, Any]]) -> str:
    """The whole page as one string."""
    name, gold, env = report.config["name"], report.gold, report.environment
    sections = [_task_section(report, task, predictions) for task in TASKS]
    nav = "".join(f'<a href="#{t}">{esc(TASKS[t].title)}</a>' for t, s in zip(TASKS, sections) if s)
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
