"""The QA task's model judge: a model (any backend) grades each answer with the judge prompt,
greedy, with the judge's token limit. Its verdict is the first of CORRECT / INCORRECT in its
reply; a reply with neither, or a failed generation, is no verdict (it scores 0 and counts as a
failure of the judge metric), and the raw reply is kept as the verdict's reason."""

from __future__ import annotations

import functools
import re
from typing import Any, Callable, Sequence

from harness.tasks._base import Answer, EvalItem, JudgePlan, Verdict

JUDGE_TASK = "qa-judge"  # the run log's task name for the judge's generations
_VERDICT = re.compile(r"\b(INCORRECT|CORRECT)\b", re.IGNORECASE)


def judge_plan(judge: Any, items: Sequence[EvalItem], answer: Callable[[EvalItem], Answer | None]) -> JudgePlan:
    """The judging of every answered item (`answer(item)` not None) as items of the judge model."""
    answers = {item.id: answer(item) for item in items}
    judged = [_judge_item(item.id, item, answers[item.id].text, judge) for item in items if answers[item.id] is not None]
    return JudgePlan(judge_config(judge), judged, verdict)


def judge_config(judge: Any) -> Any:
    """The judge model's config, greedy, with the judge's token limit."""
    generation = judge.model.generation.model_copy(update={"max_new_tokens": judge.max_new_tokens, "temperature": 0.0})
    return judge.model.model_copy(update={"generation": generation})


def parse_verdict(reply: str) -> Verdict:
    """CORRECT or INCORRECT, whichever comes first in the reply; neither is no verdict."""
    found = _VERDICT.search(reply)
    said = " ".join(reply.split())[:200]
    if found is None:
        return Verdict(False, f"judge gave no verdict: {said!r}", decided=False)
    return Verdict(found.group(1).upper() == "CORRECT", f"judge: {said!r}")


def verdict(reply: str | None, error: str | None) -> Verdict:
    """The verdict of one judge generation: its reply parsed, or the failure."""
    if error is not None or reply is None:
        return Verdict(False, f"judge failed: {error}", decided=False)
    return parse_verdict(reply)


def _judge_item(judge_id: str, item: EvalItem, answer: str, judge: Any) -> EvalItem:
    """The judging of one answer as an item of its own."""
    return EvalItem(JUDGE_TASK, judge_id, item.article_id, item.group, item.references,
                    functools.partial(_request, judge_id, item, answer, judge), fields=item.fields)


def _request(judge_id: str, item: EvalItem, answer: str, judge: Any, template: Any = None):
    from harness.backends import Request

    question = item.fields.get("question", "")
    system, prompt = (template or judge.template).render(question=question, answers=list(item.references),
                                                         prediction=answer)
    return Request(id=judge_id, task=JUDGE_TASK, prompt=prompt, system=system, article_id=item.article_id)


def judge_given(items: Sequence[EvalItem], answers: Sequence[str], judge: Any) -> JudgePlan:
    """The judging of given answers (for agreement with labels): item i is graded on answers[i],
    under the id str(i)."""
    judged = [_judge_item(f"{index}", item, answer, judge) for index, (item, answer) in enumerate(zip(items, answers))]
    return JudgePlan(judge_config(judge), judged, verdict)
