"""Running a task's model judge (harness.tasks.JudgePlan): the judge model generates like any
model of the run (greedy, cached, resumable, in the same run log), and each reply becomes the
verdict the task's answer carries for its judge metric (`judge`: a Verdict; `rubric`: a
rating)."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any, Sequence

from harness.run._cache import PredictionCache
from harness.run._context import RunContext
from harness.run._model_run import run_model
from harness.run._runlog import RunLog
from harness.tasks import EvalItem, JudgePlan, Verdict


def judge_verdicts(plan: JudgePlan, context: RunContext) -> dict[str, Any]:
    """Graded item id -> the judge's verdict."""
    run = run_model(plan.model, plan.items, context)
    verdicts = {}
    for item in plan.items:
        generation = run.records[(item.task, item.id)]
        verdicts[item.id] = plan.verdict(item, generation.prediction, generation.error)
    return verdicts


def verdicts_outside_a_run(plan: JudgePlan) -> dict[str, Any]:
    """judge_verdicts for a plan of its own (agreement with labels): generations go through the
    prediction cache, the run log to a throwaway file."""
    cache = PredictionCache.default()
    with tempfile.TemporaryDirectory() as scratch:
        log = RunLog(Path(scratch) / "judge-log.jsonl")
        try:
            return judge_verdicts(plan, RunContext({}, cache, log, lambda event: None))
        finally:
            log.close()
            cache.close()


def judge_given(items: Sequence[EvalItem], answers: Sequence[str], options: Any) -> list[Verdict]:
    """The QA judge's verdict on each given answer to its item (for agreement with labels)."""
    from harness.tasks._qa_judge import judge_given as plan_given

    plan = plan_given(items, answers, options.judge)
    verdicts = verdicts_outside_a_run(plan)
    return [verdicts[item.id] for item in plan.items]
