"""What a task is and what its metrics score: the items it builds from the gold set, the
scoring input every metric gets (Answer), the Metric contract, and what the report shows of the
task. One Task subclass per module, registered by entry point (`harness.tasks`) like backends
and metrics (harness.plugins).

Task modules import only light packages at module level (pydantic, the harness's own base
types): the config validator asks them, and `harness compare` must stay free of models,
prompts and gold.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, ClassVar, Generic, Mapping, Sequence, TypeVar, Union

from pydantic import BaseModel

if TYPE_CHECKING:
    from harness.backends import Request


@dataclass(frozen=True)
class EvalItem:
    """One item of one task: what it is scored against, and how to render its request.

    The request is rendered on demand, not stored: a run holds items for the whole gold set,
    but only the prompts of the items it is generating.
    """

    task: str
    id: str
    article_id: str
    group: str  # the breakdown the report shows (the task's `group_label`)
    references: tuple[str, ...]  # what the answer is scored against (task-specific; () may mean "no answer")
    render: Callable[..., "Request"]  # render(template=None): the task's template, or a model's own
    document: str = ""  # the article text
    fields: Mapping[str, str] = field(default_factory=dict)  # what a prediction line shows of the item ({"question": ...})
    data: Mapping[str, Any] = field(default_factory=dict)  # task-specific inputs of its Answer, not shown
    max_new_tokens: int | None = None  # the task's own token limit for this item, over the model's

    def request(self, template: Any = None) -> "Request":
        """The request, rendered with the task's prompt template or, given one, a model's own."""
        return self.render(template)


@dataclass(frozen=True)
class Verdict:
    """A 0/1 verdict and the rule that decided it, in words. `decided` False: no verdict could
    be reached (a judge that failed or gave none); it scores 0 and counts as a failure of the
    metric on that item."""

    correct: bool
    rule: str
    decided: bool = True

    @property
    def value(self) -> float:
        return float(self.correct)


@dataclass(frozen=True)
class NoScore:
    """A metric's result on an item it should have scored and could not (a judge's reply
    without a clear rating): it has no number, so it is left out of the metric's mean and
    interval like an item the metric does not apply to (a metric returns None for those), and
    it counts as a failure of the metric on that item. `rule` says why."""

    rule: str


@dataclass(frozen=True)
class Answer:
    """What every metric scores: one model output for one item, with what a metric may read.

    `text` is what is scored (QA: the answer extracted from the output; summaries: the summary,
    one sentence a line); `raw` is the model's output as generated; `document` the article.
    Tasks subclass it to add their own fields (harness.tasks.qa.QAAnswer, ...SummaryAnswer).
    """

    id: str
    article_id: str
    group: str
    text: str
    raw: str
    references: tuple[str, ...]
    document: str


Score = Union[float, Verdict, dict, NoScore, None]  # a number, a verdict, named parts (numbers), or no number


@dataclass(frozen=True)
class Metric:
    """A per-item score of one task's answers, registered under `name` (harness.plugins).

    `score(answer, options)` gets the task's scoring input (an Answer subclass) and the task's
    config options and returns a number, a Verdict (the number is its value, the rule is shown
    per item), or, when `parts` is set, a dict of those parts whose `value_part` is the number
    averaged; or None when the metric does not apply to the item (an article without gold
    questions), or a NoScore when it could not score it: either way the item has no number and
    is left out of the metric's mean. `score_many(answers, options)` is the batch form (one
    result per answer, in order), for metrics that load a model once; a metric gives one or
    both, and the harness calls score_many when it is given.
    """

    name: str
    task: str
    description: str
    score: Callable[[Any, Any], Score] | None = None
    parts: tuple[str, ...] = ()
    value_part: str | None = None  # the part that is the metric's number; default: the last part
    score_many: Callable[[Sequence[Any], Any], Sequence[Score]] | None = None

    def __post_init__(self) -> None:
        if self.score is None and self.score_many is None:
            raise TypeError(f"metric {self.name!r} needs score or score_many")
        if self.value_part is not None and self.value_part not in self.parts:
            raise TypeError(f"metric {self.name!r}: value_part {self.value_part!r} is not one of its parts")

    @property
    def number_part(self) -> str | None:
        """The part averaged as the metric's number (None for a single-number metric)."""
        return self.value_part or (self.parts[-1] if self.parts else None)

    def failed(self) -> float | dict[str, float]:
        """The score of an item whose generation failed: zero on every part."""
        return {part: 0.0 for part in self.parts} if self.parts else 0.0


V = TypeVar("V")  # what a task's judge makes of one reply: a Verdict (QA), a rubric rating (summaries)


@dataclass(frozen=True)
class JudgePlan(Generic[V]):
    """A model that grades a task's answers: its config, one item per answer to grade (ids are
    the graded items' ids), and how a reply becomes the verdict the task's answer carries."""

    model: Any
    items: list[EvalItem]
    verdict: Callable[[EvalItem, str | None, str | None], V]  # (judge item, reply, error) -> verdict


class Task(ABC):
    """One task of the harness. Subclasses set the class attributes and implement the methods."""

    name: ClassVar[str]  # the key under `tasks:` in a config and in the report
    title: ClassVar[str]  # shown as the section title
    group_label: ClassVar[str]  # what EvalItem.group is ("question type")
    item_field: ClassVar[str]  # the EvalItem.fields entry that says what an item asks ("question")
    Options: ClassVar[type[BaseModel]]  # the task's config model

    @abstractmethod
    def items(self, gold: Any, options: Any, limit: int | None) -> list[EvalItem]:
        """The task's items in gold order (the first `limit` when given); nothing is rendered yet."""

    @abstractmethod
    def answer(self, item: EvalItem, raw: str, options: Any, judged: Any = None) -> Answer:
        """The scoring input of one generation (`judged`: the task's model judge's verdict on it,
        what its JudgePlan's `verdict` made of the reply)."""

    def item_scores(self, item: EvalItem, answer: Answer | None, options: Any) -> dict[str, float]:
        """Task-level per-item values besides the metrics (named in summary_values); `answer`
        None means the generation failed."""
        return {}

    summary_values: ClassVar[dict[str, str]] = {}  # item_scores key -> label of its mean in the report

    def judge(self, options: Any, items: Sequence[EvalItem],
              answer: Callable[[EvalItem], Answer | None]) -> JudgePlan | None:
        """The model judge that grades the items' answers (`answer(item)`; None for a failed
        generation, which is not graded), if the options configure one."""
        return None

    def scoring_options(self, options: Any) -> dict[str, Any]:
        """What report.json's `scoring.<task>` records about how this task's numbers are made."""
        return {}

    def scoring_note(self, scoring: dict[str, Any]) -> str:
        """The provenance line report.html shows for `scoring_options`."""
        return ", ".join(f"{key} {value}" for key, value in scoring.items())
