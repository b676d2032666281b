"""Assembling a run's Report: provenance, the options every number depends on, the models' results."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from harness.report._model import (
    BootstrapInfo,
    GoldInfo,
    MetricInfo,
    ModelResult,
    Report,
    Scoring,
    Selection,
    TaskInfo,
    schema_version_of,
)
from harness.report._provenance import environment


def _scoring(config: Any, tasks: dict[str, Any]) -> Scoring:
    """Every option that changes a number, so two reports can be checked for comparability."""
    from harness.metrics import metrics_signature
    from harness.tasks import task

    bootstrap = BootstrapInfo(**config.bootstrap.model_dump(mode="json"), method="percentile",
                              cluster="article when more than one", aggregate="arithmetic mean over items")
    per_task = {name: task(name).scoring_options(options) for name, options in tasks.items()}
    return Scoring(bootstrap=bootstrap, signature=metrics_signature(), **per_task)


def _task_info(tasks: dict[str, Any]) -> dict[str, TaskInfo]:
    """How each task is shown, and which distribution provided each of its metrics."""
    from harness import plugins
    from harness.tasks import metric, task

    info = {}
    for name, options in tasks.items():
        spec = task(name)
        metrics = {name: MetricInfo(description=metric(name).description,
                                    provider=plugins.provider("metric", name)) for name in options.metrics}
        info[name] = TaskInfo(title=spec.title, group_label=spec.group_label, item_field=spec.item_field,
                              scoring_note=spec.scoring_note(spec.scoring_options(options)), metrics=metrics)
    return info


def _devices(models: list[ModelResult]) -> str:
    """The devices local models ran on ("cpu", "cuda:0", ...); "none" when nothing ran locally."""
    devices = sorted({str(m.runtime["device"]) for m in models if m.runtime.get("device")})
    return ", ".join(devices) or "none"


def build_report(run_id: str, created: dt.datetime, config: Any, config_path: Path, gold: Any,
                 models: list[ModelResult], selection: Selection) -> Report:
    from harness.config import config_hash, enabled_tasks, resolved_config

    return Report(
        schema_version=schema_version_of(models),
        run_id=run_id,
        created_at=created.isoformat(timespec="seconds"),
        config_path=str(config_path),
        config=resolved_config(config),
        config_hash=config_hash(config),
        selection=selection,
        gold=GoldInfo(path=str(config.gold), hash=gold.hash, articles=len(gold.articles),
                      qa=len(gold.qa), summaries=len(gold.summaries)),
        environment=environment(Path.cwd()) | {"device": _devices(models)},
        scoring=_scoring(config, enabled_tasks(config)),
        tasks=_task_info({name: options for name, options in enabled_tasks(config).items()
                          if name in selection.tasks}),
        models=models,
    )
