"""`harness run`: gold x models -> predictions -> scores -> report files.

Every finished generation is appended to the run log in the output directory, so a run that
dies can be resumed (`--resume`) without regenerating what it had finished; the prediction
cache makes re-runs and added models cheap across output directories.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from harness.run._cache import PredictionCache
from harness.config import EvalConfig, config_hash, load_config
from harness.errors import HarnessError
from harness.run._model_run import run_model
from harness.gold import load_gold
from harness.run._items import EvalItem, build_items
from harness.metrics import compute_extra_metric, load_extra_metric
from harness.report import build_report, print_summary, write_report
from harness.run._runlog import RUN_LOG_NAME, RunLog, read_run_log
from harness.run._scoring import SCORERS, aggregate, metric_value

TASKS = ("qa", "summarization")


@dataclass
class RunOptions:
    output: Path | None = None
    overrides: list[str] = field(default_factory=list)
    limit: int | None = None
    models: list[str] | None = None
    tasks: list[str] | None = None
    resume: bool = False
    use_cache: bool = True


def _select(kind: str, wanted: list[str] | None, available: list[str]) -> list[str]:
    if wanted is None:
        return available
    unknown = [name for name in wanted if name not in available]
    if unknown:
        raise HarnessError(f"--{kind}: unknown {', '.join(unknown)}; this config has: {', '.join(available)}")
    return [name for name in available if name in wanted]


def _output_dir(config: EvalConfig, options: RunOptions, run_id: str) -> Path:
    if options.output is not None:
        return options.output
    base = Path("reports") / config.name
    if options.resume:
        unfinished = sorted(d for d in base.glob("*/") if (d / RUN_LOG_NAME).exists() and not (d / "report.json").exists())
        if not unfinished:
            raise HarnessError(f"--resume: no unfinished run under {base}/; pass --output DIR to name one")
        return unfinished[-1]
    return base / run_id


def _score_model(name: str, run, items: dict[str, list[EvalItem]], config: EvalConfig) -> tuple[dict, list[dict]]:
    tasks, lines = {}, []
    for task_name, task_items in items.items():
        task = getattr(config.tasks, task_name)
        scored = []
        for item in task_items:
            record = run.records[(item.task, item.id)]
            result = SCORERS[task_name](item, record, task)
            scored.append({**result, "error": record.get("error")})
            lines.append(_prediction_line(name, item, record, result))
        tasks[task_name] = aggregate(task_name, task, task_items, scored, config.bootstrap)
        tasks[task_name]["failed_items"] = [
            {"id": item.id, "error": s["error"]} for item, s in zip(task_items, scored) if s["error"] is not None
        ]
        if task.extra_metrics:
            tasks[task_name]["extra_metrics"] = _extra_metrics(task, task_items, scored)
        tasks[task_name]["items"] = [  # per-item values, for paired comparison of two reports
            {"id": item.id, "article_id": item.article_id, "group": item.group,
             "scores": {m: metric_value(s["scores"], m) for m in task.metrics}}
            for item, s in zip(task_items, scored)
        ]
    return tasks, lines


@functools.lru_cache(maxsize=None)
def _loaded_metric(path: str):
    """An `evaluate` module, loaded once however many models a run scores with it."""
    return load_extra_metric(path)


def _extra_metrics(task, items: list[EvalItem], scored: list[dict]) -> dict[str, Any]:
    """Config-added `evaluate` metrics over the whole task: extracted answers vs references."""
    answers = [s["answer"] for s in scored]
    references = [list(item.references) or [""] for item in items]  # unanswerable: the empty answer
    return {
        extra.name: compute_extra_metric(_loaded_metric(extra.path), answers, references, extra.kwargs)
        for extra in task.extra_metrics
    }


def _prediction_line(model: str, item: EvalItem, record: dict, result: dict) -> dict[str, Any]:
    line = {
        "model": model, "task": item.task, "id": item.id, "article_id": item.article_id,
        "question": item.request.question, "style": item.request.style,
        "prediction": record.get("prediction"), "answer": result["answer"],
        "references": list(item.references), "scores": result["scores"], "error": record.get("error"),
    }
    if "sentences" in result:
        line["sentences"] = result["sentences"]
    return line


def run(config_path: Path, options: RunOptions) -> Path:
    """Run a config; returns the output directory holding the report files."""
    config = load_config(config_path, options.overrides)
    if options.limit is not None and options.limit < 1:
        raise HarnessError(f"--limit must be at least 1 (got {options.limit})")
    task_names = _select("tasks", options.tasks, [t for t in TASKS if getattr(config.tasks, t) is not None])
    model_names = _select("models", options.models, [m.name for m in config.models])
    gold = load_gold(config.gold)
    items = build_items(gold, config.tasks, Path(config_path).parent, task_names, options.limit)
    created = dt.datetime.now(dt.timezone.utc)
    run_id = f"{created:%Y%m%dT%H%M%SZ}-{config_hash(config)[:8]}"
    out = _output_dir(config, options, run_id)
    log_path = out / RUN_LOG_NAME
    resumed = read_run_log(log_path) if options.resume else {}
    _prepare(out, log_path, options.resume)
    cache = PredictionCache.default(options.use_cache)
    log = RunLog(log_path)
    all_items = [item for task_items in items.values() for item in task_items]
    models, predictions = [], []
    try:
        for model_config in (m for m in config.models if m.name in model_names):
            model_run = run_model(model_config, all_items, resumed, cache, log)
            tasks, lines = _score_model(model_config.name, model_run, items, config)
            models.append({"config": model_config, "run": model_run, "tasks": tasks})
            predictions += lines
    except KeyboardInterrupt:
        raise HarnessError(
            f"interrupted; finished predictions are saved in {log_path}; continue with: "
            f"harness run {config_path} --output {out} --resume", exit_code=130,
        ) from None
    finally:
        log.close()
        cache.close()
    selection = {"tasks": task_names, "models": model_names, "limit": options.limit, "resumed": options.resume, "cache": options.use_cache}
    report = build_report(run_id, created, config, config_path, gold, models, selection)
    write_report(out, report, predictions)
    print_summary(report, out)
    return out


def _prepare(out: Path, log_path: Path, resume: bool) -> None:
    try:
        out.mkdir(parents=True, exist_ok=True)
        if not resume and log_path.exists():
            log_path.unlink()  # a fresh run in a reused directory starts a fresh log
    except OSError as error:
        raise HarnessError(f"{out}: cannot use as output directory: {error.strerror or error}") from None
