"""The QA task's model judge: a model (any backend) grades each answer with the judge prompt,
greedy, with the judge's token limit. The answer is fenced as data in the prompt, and the reply
is read strictly (harness.tasks._judge_replies): a reply that states no verdict, or a failed
generation, is no verdict (it scores 0 and counts as a failure of the judge metric)."""

from __future__ import annotations

import functools
from typing import Any, Callable, Sequence

from harness.tasks._base import Answer, EvalItem, JudgePlan, Verdict
from harness.tasks._judge_replies import fence_safe, reply_verdict

JUDGE_TASK = "qa-judge"  # the run log's task name for the judge's generations


def judge_plan(judge: Any, items: Sequence[EvalItem], answer: Callable[[EvalItem], Answer | None]) -> JudgePlan:
    """The judging of every answered item (`answer(item)` not None) as items of the judge model."""
    answers = {item.id: answer(item) for item in items}
    judged = [_judge_item(item.id, item, answers[item.id].text, judge) for item in items if answers[item.id] is not None]
    return JudgePlan(judge.greedy_model(), judged, verdict)


def judge_given(items: Sequence[EvalItem], answers: Sequence[str], judge: Any) -> JudgePlan:
    """The judging of given answers (for agreement with labels): item i is graded on answers[i],
    under the id str(i)."""
    judged = [_judge_item(f"{index}", item, answer, judge) for index, (item, answer) in enumerate(zip(items, answers))]
    return JudgePlan(judge.greedy_model(), judged, verdict)


def verdict(item: EvalItem, reply: str | None, error: str | None) -> Verdict:
    """The verdict of one judge generation on the answer it graded."""
    return reply_verdict(reply, error, item.data["answer"])


def _judge_item(judge_id: str, item: EvalItem, answer: str, judge: Any) -> EvalItem:
    """The judging of one answer as an item of its own."""
    return EvalItem(JUDGE_TASK, judge_id, item.article_id, item.group, item.references,
                    functools.partial(_request, judge_id, item, answer, judge), fields=item.fields,
                    data={"answer": answer})


def _request(judge_id: str, item: EvalItem, answer: str, judge: Any, template: Any = None):
    from harness.backends import Request

    system, prompt = (template or judge.template).render(question=item.fields.get("question", ""),
                                                         answers=list(item.references), prediction=fence_safe(answer))
    return Request(id=judge_id, task=JUDGE_TASK, prompt=prompt, system=system, article_id=item.article_id)
