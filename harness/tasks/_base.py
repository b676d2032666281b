"""What a task is: the items it builds from the gold set, the metrics that score them, and what
the report shows of it. One subclass per task; the table in harness/tasks/__init__.py lists them.

Task modules import only light packages at module level (pydantic, the harness's own base
types): the report renderers and the config validator ask the table, and `harness compare`
must stay free of models, prompts and gold.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, ClassVar, Sequence

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
    group: str  # the breakdown the report shows: QA question type, summary style
    references: tuple[str, ...]  # QA: accepted answers (() if unanswerable); summaries: reference texts
    render: Callable[..., "Request"]  # render(template=None): the task's template, or a model's own
    question: str | None = None
    style: str | None = None
    max_new_tokens: int | None = None  # the task's own token limit for this item, over the model's

    def request(self, template: Any = None) -> "Request":
        """The request, rendered with the task's prompt template or, given one, a model's own."""
        return self.render(template)


@dataclass(frozen=True)
class Metric:
    """A per-item score of one task's answers, registered under `name` (see harness.plugins).

    `score(answer, options)` gets the task's scoring input (harness.tasks.qa.QAAnswer,
    harness.tasks.summarization.SummaryAnswer) and the task's config options; it returns a
    number, or, when `parts` is set, a dict of those parts whose "f1" is the number averaged,
    or a verdict with `.value` and `.rule` (the rule that decided it, shown per item).
    """

    name: str
    task: str
    description: str
    score: Callable[[Any, Any], float | dict[str, float]]
    parts: tuple[str, ...] = ()

    def failed(self) -> float | dict[str, float]:
        """The score of an item whose generation failed: zero on every part."""
        return {part: 0.0 for part in self.parts} if self.parts else 0.0


def metric_value(scores: dict[str, Any], metric: str) -> float:
    """The per-item number a metric averages: a plain score as it is, a multi-part score its F1."""
    value = scores[metric]
    return float(value["f1"] if isinstance(value, dict) else value)


@dataclass(frozen=True)
class Scored:
    """One item scored: the answer that was scored, its scores, and fields the prediction line adds."""

    answer: str
    scores: dict[str, Any]
    extra: dict[str, Any]


class Task(ABC):
    """One task of the harness. Subclasses set the class attributes and implement the methods."""

    name: ClassVar[str]  # the key under `tasks:` in a config and in the report
    title: ClassVar[str]  # shown as the section title
    group_label: ClassVar[str]  # what EvalItem.group is ("question type")
    group_field: ClassVar[str]  # the report's breakdown field ("by_type")
    summary_fields: ClassVar[dict[str, str]] = {}  # extra per-task summary fields -> column label
    Options: ClassVar[type[BaseModel]]  # the task's config model

    @abstractmethod
    def items(self, gold: Any, options: Any, limit: int | None) -> list[EvalItem]:
        """The task's items in gold order (the first `limit` when given); nothing is rendered yet."""

    @abstractmethod
    def score(self, item: EvalItem, text: str | None, options: Any) -> Scored:
        """Score one generation; `text` None means it failed (zero on every metric)."""

    def summary(self, items: Sequence[EvalItem], scored: Sequence[Scored], mean: Callable) -> dict[str, Any]:
        """Extra summary values of the task (named in summary_fields), from `mean(values)`."""
        return {}

    def scoring_options(self, options: Any) -> dict[str, Any]:
        """What report.json's `scoring.<task>` records about how this task's numbers are made."""
        return {}

    def scoring_note(self, scoring: dict[str, Any]) -> tuple[str, str]:
        """(label, text): the provenance line report.html shows for `scoring_options`."""
        return self.title, ", ".join(f"{key} {value}" for key, value in scoring.items())
