"""The `judge` metric: a model (any backend) grades each answer of a QA run with the judge
prompt; greedy, cached and resumable like any generation. Its verdict is the first of
CORRECT / INCORRECT in its reply; a reply with neither, or a failed one, counts as incorrect,
and the raw reply is kept as the verdict's reason."""

from __future__ import annotations

import functools
import re
from typing import Any

from harness.metrics import Verdict
from harness.run._cache import PredictionCache
from harness.run._events import Emit
from harness.run._model_run import run_model
from harness.run._runlog import RunLog
from harness.tasks import TASKS, EvalItem

JUDGE_TASK = "qa-judge"  # the run log's task name for the judge's generations
_VERDICT = re.compile(r"\b(INCORRECT|CORRECT)\b", re.IGNORECASE)


def judge_answers(model: str, items: list[EvalItem], records: dict, options: Any, resumed: dict,
                  cache: PredictionCache, log: RunLog, emit: Emit) -> dict[str, Verdict]:
    """QA item id -> the judge's verdict on `model`'s answer (failed answers are not judged)."""
    judge = options.judge
    answers = {item.id: TASKS["qa"].answer(records[(item.task, item.id)]["prediction"], options)
               for item in items if records[(item.task, item.id)].get("error") is None}
    judged = [_judge_item(item.id, item, answers[item.id], judge) for item in items if item.id in answers]
    run = run_model(_judge_config(judge), judged, resumed, cache, log, emit)
    return {item.id: _verdict(run.records[(JUDGE_TASK, item.id)]) for item in judged}


def _judge_config(judge: Any) -> Any:
    """The judge model's config, greedy, with the judge's token limit."""
    generation = judge.model.generation.model_copy(update={"max_new_tokens": judge.max_new_tokens, "temperature": 0.0})
    return judge.model.model_copy(update={"generation": generation})


def judge_given(items: list[EvalItem], answers: list[str], options: Any) -> list[Verdict]:
    """The judge's verdict on each given answer to its item (for `harness gold agreement`);
    generations go through the prediction cache, the run log to a throwaway file."""
    import tempfile
    from pathlib import Path

    judge = options.judge
    config = _judge_config(judge)
    judged = [_judge_item(f"{index}", item, answer, judge) for index, (item, answer) in enumerate(zip(items, answers))]
    cache = PredictionCache.default()
    with tempfile.TemporaryDirectory() as scratch:
        log = RunLog(Path(scratch) / "judge-log.jsonl")
        try:
            run = run_model(config, judged, {}, cache, log, lambda event: None)
        finally:
            log.close()
            cache.close()
    return [_verdict(run.records[(JUDGE_TASK, item.id)]) for item in judged]


def parse_verdict(reply: str) -> Verdict:
    """CORRECT or INCORRECT, whichever comes first in the reply; neither is incorrect."""
    found = _VERDICT.search(reply)
    said = " ".join(reply.split())[:200]
    if found is None:
        return Verdict(False, f"judge gave no verdict: {said!r}")
    return Verdict(found.group(1).upper() == "CORRECT", f"judge: {said!r}")


def _verdict(record: dict[str, Any]) -> Verdict:
    if record.get("error") is not None:
        return Verdict(False, f"judge failed: {record['error']}")
    return parse_verdict(record["prediction"])


def _judge_item(judge_id: str, item: EvalItem, answer: str, judge: Any) -> EvalItem:
    """The judging of one answer as an item of its own."""
    return EvalItem(JUDGE_TASK, judge_id, item.article_id, item.group, item.references,
                    functools.partial(_request, judge_id, item, answer, judge), question=item.question)


def _request(judge_id: str, item: EvalItem, answer: str, judge: Any, template: Any = None):
    from harness.backends import Request

    system, prompt = (template or judge.template).render(question=item.question or "", answers=list(item.references),
                                           prediction=answer)
    return Request(id=judge_id, task=JUDGE_TASK, prompt=prompt, system=system, article_id=item.article_id,
                   question=item.question)
