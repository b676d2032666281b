"""Bar charts for report.html: each metric per model, with interval whiskers, as an embedded
PNG (a data: URI, so the page stays one self-contained file). matplotlib is optional
(`pip install 'harness[report]'`): without it the page says so instead of showing a chart."""

from __future__ import annotations

import base64
import html
import io
import math
from typing import Any

MISSING = "Charts are not shown: matplotlib is not installed (pip install 'harness[report]')."


def _whisker(metric: Any) -> tuple[float, float, float]:
    """(value, length below, length above) of a MetricValue; nan with no whiskers when unknown."""
    if metric is None or metric.value is None:
        return math.nan, 0.0, 0.0
    value = metric.value
    low = value if metric.ci_low is None else metric.ci_low
    high = value if metric.ci_high is None else metric.ci_high
    return value, max(0.0, value - low), max(0.0, high - value)


def _bars(models: list[Any], task: str, metrics: list[str]) -> list[tuple[str, list, list, list]]:
    """Per model (a ModelResult): (name, values, lower whisker lengths, upper whisker lengths)."""
    out = []
    for model in models:
        columns = [_whisker(model.tasks[task].metrics.get(name)) for name in metrics]
        values, low, high = (list(column) for column in zip(*columns)) if columns else ([], [], [])
        out.append((model.name, values, low, high))
    return out


def _plain(text: str) -> str:
    """matplotlib reads `$...$` as math: keep names literal."""
    return text.replace("$", r"\$")


def _png(task: str, metrics: list[str], bars: list, confidence: float) -> bytes:
    # A bare Figure (no pyplot) renders PNG through the Agg canvas and leaves the process's
    # global backend alone.
    from matplotlib.figure import Figure

    width = max(4.5, 1.2 + len(metrics) * (0.35 + 0.32 * len(bars)))
    figure = Figure(figsize=(min(width, 12.0), 3.4), dpi=110)
    axes = figure.subplots()
    step = 0.8 / max(1, len(bars))
    for index, (name, values, low, high) in enumerate(bars):
        xs = [m + (index - (len(bars) - 1) / 2) * step for m in range(len(metrics))]
        axes.bar(xs, values, width=step * 0.92, label=_plain(name), yerr=[low, high],
                 capsize=3, error_kw={"elinewidth": 1, "ecolor": "#222"})
    axes.set_xticks(range(len(metrics)), [_plain(m) for m in metrics])
    axes.set_ylim(0, 1)
    axes.set_ylabel("mean over items")
    axes.set_title(_plain(f"{task}: mean with {confidence:.0%} bootstrap interval"), fontsize=10)
    axes.grid(axis="y", alpha=0.3)
    axes.set_axisbelow(True)
    axes.legend(fontsize=8, loc="upper right", frameon=False)
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", metadata={"Software": None})
    return buffer.getvalue()


def metric_chart(task: str, models: list[Any], metrics: list[str], confidence: float = 0.95) -> str:
    """An HTML fragment: the chart as <img src="data:image/png;base64,...">, or a note why not."""
    try:
        png = _png(task, metrics, _bars(models, task, metrics), confidence)
    except ImportError:
        return f'<p class="note">{html.escape(MISSING, quote=True)}</p>'
    alt = f"Bar chart: {task} metrics per model, with {confidence:.0%} interval whiskers"
    data = base64.b64encode(png).decode("ascii")
    return f'<img class="chart" alt="{html.escape(alt, quote=True)}" src="data:image/png;base64,{data}">'
