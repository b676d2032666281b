"""`harness run`: gold x models -> predictions -> scores -> report files.

Every finished generation is appended to the run log in the output directory, so a run that
dies can be resumed (`--resume`) without regenerating what it had finished; the prediction
cache makes re-runs and added models cheap across output directories.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from harness.config import EvalConfig, config_hash, enabled_tasks, load_config
from harness.errors import HarnessError, Terminated
from harness.files import write_atomic
from harness.gold import load_gold
from harness.report import ModelResult, PredictionLine, Report, RunTiming, Selection, build_report, write_pages
from harness.run._cache import PredictionCache
from harness.run._context import RunContext
from harness.run._events import Emit, ignore
from harness.run._judge import judge_verdicts
from harness.run._lock import output_lock
from harness.run._model_run import run_model
from harness.run._runlog import RUN_LOG_NAME, RunLog, read_run_log
from harness.run._scoring import score_task
from harness.tasks import EvalItem, task as get_task


@dataclass
class RunOptions:
    output: Path | None = None
    overrides: list[str] = field(default_factory=list)
    limit: int | None = None
    models: list[str] | None = None
    tasks: list[str] | None = None
    resume: bool = False
    use_cache: bool = True
    started: float | None = None  # time.perf_counter() when the command started, for timing.startup_s


@dataclass(frozen=True)
class RunResult:
    """Where the report files were written, and the report."""

    output: Path
    report: Report


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


def run(config_path: Path, options: RunOptions, emit: Emit = ignore) -> RunResult:
    """Run a config; progress goes to `emit` (see harness.run.events)."""
    clock = _Clock(options.started)
    config = load_config(config_path, options.overrides)
    clock.lap("config_s")
    if options.limit is not None and options.limit < 1:
        raise HarnessError(f"--limit must be at least 1 (got {options.limit})")
    tasks = enabled_tasks(config)
    task_names = _select("tasks", options.tasks, list(tasks))
    model_names = _select("models", options.models, [m.name for m in config.models])
    gold = load_gold(config.gold)
    items = {name: get_task(name).items(gold, tasks[name], options.limit) for name in task_names}
    clock.lap("gold_s")
    created = dt.datetime.now(dt.timezone.utc)
    run_id = f"{created:%Y%m%dT%H%M%SZ}-{config_hash(config)[:8]}"
    out = _output_dir(config, options, run_id)
    _check_outside(out, Path(config.gold))
    _make_dir(out)
    with output_lock(out):  # held until report.json is written
        models, predictions = _generate_and_score(config, config_path, options, _Selected(items, tasks, model_names),
                                                  out, emit, clock)
        selection = Selection(tasks=task_names, models=model_names, limit=options.limit,
                              resumed=options.resume, cache=options.use_cache)
        report = build_report(run_id, created, config, config_path, gold, models, selection)
        write_pages(out, report, predictions)
        clock.lap("report_s")
        report.timing = clock.timing()
        write_atomic(out / "report.json", report.to_json())  # last: its presence marks a finished run
    return RunResult(out, report)


@dataclass(frozen=True)
class _Selected:
    """What this run covers: each task's items and options, and the models by name."""

    items: dict[str, list[EvalItem]]
    options: dict[str, Any]
    models: list[str]


def _generate_and_score(config: EvalConfig, config_path: Path, options: RunOptions, selected: _Selected,
                        out: Path, emit: Emit, clock: "_Clock") -> tuple[list[ModelResult], list[PredictionLine]]:
    """Each selected model's result and predictions.jsonl lines, with the run log of `out`
    (continued on --resume, else started afresh)."""
    log_path = out / RUN_LOG_NAME
    resumed = read_run_log(log_path) if options.resume else {}
    if not options.resume:
        _remove(log_path)  # a fresh run in a reused directory starts a fresh log
    cache = PredictionCache.default(options.use_cache)
    log = RunLog(log_path)
    context = RunContext(resumed, cache, log, emit)
    models, predictions = [], []
    try:
        for model_config in (m for m in config.models if m.name in selected.models):
            result, lines = _run_one(model_config, selected, config, context, clock)
            models.append(result)
            predictions += lines
    except KeyboardInterrupt as stop:
        what, code = ("terminated (SIGTERM)", 143) if isinstance(stop, Terminated) else ("interrupted", 130)
        raise HarnessError(
            f"{what}; finished predictions are saved in {log_path}; continue with: "
            f"harness run {config_path} --output {out} --resume", exit_code=code,
        ) from None
    finally:
        log.close()
        cache.close()
    return models, predictions


class _Clock:
    """Wall-clock seconds per phase of a run, for report.json's `timing`."""

    def __init__(self, started: float | None) -> None:
        self.last = time.perf_counter()
        self.start = self.last if started is None else started
        self.phases = {"config_s": 0.0, "gold_s": 0.0, "models_s": 0.0, "load_s": 0.0,
                       "generate_s": 0.0, "scoring_s": 0.0, "report_s": 0.0}
        if started is not None:
            self.phases["startup_s"] = self.last - started

    def lap(self, phase: str) -> None:
        now = time.perf_counter()
        self.phases[phase] += now - self.last
        self.last = now

    def add(self, phase: str, seconds: float) -> None:
        """A part of a phase timed elsewhere (a model's load and generation within models_s)."""
        self.phases[phase] += seconds

    def timing(self) -> RunTiming:
        return RunTiming(**self.phases, total_s=time.perf_counter() - self.start)


def _run_one(model_config: Any, selected: _Selected, config: EvalConfig, context: RunContext,
             clock: _Clock) -> tuple[ModelResult, list[PredictionLine]]:
    """Generate and score one model over every selected task (each task's judge included)."""
    all_items = [item for task_items in selected.items.values() for item in task_items]
    model_run = run_model(model_config, all_items, context)
    judged = {name: _judged(name, task_items, model_run.records, selected.options[name], context)
              for name, task_items in selected.items.items()}
    clock.lap("models_s")
    clock.add("load_s", model_run.timing["load_s"])
    clock.add("generate_s", model_run.timing["generate_s"])
    results, lines = {}, []
    for task_name, task_items in selected.items.items():
        results[task_name], task_lines = score_task(model_config.name, task_name, selected.options[task_name],
                                                    task_items, model_run.records, config.bootstrap,
                                                    judged[task_name])
        lines += task_lines
    identity = model_run.identity
    result = ModelResult(
        name=model_config.name, backend=model_config.backend, model_ref=identity.get("model_ref"),
        revision=identity.get("revision"), model_sha256=identity.get("model_sha256"),
        generation=model_config.generation.model_dump(mode="json"),
        prompts={task: model_config.template_for(task).label for task in model_config.prompts
                 if task in selected.items} or None,
        runtime=model_run.runtime,
        timing=model_run.timing, tasks=results,
    )
    clock.lap("scoring_s")
    return result, lines


def _judged(task_name: str, items: list[EvalItem], records: dict, options: Any,
            context: RunContext) -> dict[str, Any] | None:
    """The task's model judge's verdicts on this model's answers, by item id (None without one)."""
    task = get_task(task_name)

    def answer(item: EvalItem) -> Any:
        generation = records[(item.task, item.id)]
        return None if generation.failed else task.answer(item, generation.prediction, options)

    plan = task.judge(options, items, answer)
    return judge_verdicts(plan, context) if plan is not None else None


def _check_outside(out: Path, gold: Path) -> None:
    """Refuse an output directory inside the gold directory: report files there would be read
    as gold (or break its validation) on the next run."""
    try:
        target, root = out.resolve(), gold.resolve()
    except (OSError, RuntimeError):  # a link loop: creating the directory will say what is wrong
        return
    if target == root or root in target.parents:
        raise HarnessError(f"output directory {out} is inside the gold directory {gold}; "
                           "choose one outside it (--output DIR)")


def _make_dir(out: Path) -> None:
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise HarnessError(f"{out}: cannot use as output directory: {error.strerror or error}") from None


def _remove(path: Path) -> None:
    try:
        path.unlink(missing_ok=True)
    except OSError as error:
        raise HarnessError(f"{path}: cannot remove the previous run log: {error.strerror or error}") from None
