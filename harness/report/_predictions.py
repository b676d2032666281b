"""A line of predictions.jsonl as one typed model: one model's generation for one item, the
answer that was scored, and its scores. The run writes each line from it, and
predictions.schema.json is generated from it (harness.report._schema)."""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class PredictionLine(BaseModel):
    """One line of predictions.jsonl."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    model: str
    task: str
    id: str
    article_id: str
    group: str = Field(description="The item's group in the task's main breakdown (a question type, a style).")
    fields: dict[str, str] = Field(default_factory=dict,
                                   description="What the item asks, by the task's names ({\"question\": ...}).")
    prediction: str | None = Field(description="The model's output as generated (null when it failed).")
    answer: str = Field(description="What was scored: the extracted answer, the summary one sentence a line.")
    references: list[str]
    scores: dict[str, float | bool | dict[str, float] | None] = Field(
        description="Per metric its number (or its named parts; null: the metric gave the item no number), "
                    "then the task's own per-item values.")
    reasons: dict[str, str] = Field(default_factory=dict, description="Per verdict metric, the rule that decided it.")
    error: str | None
    truncated: bool

    @classmethod
    def of(cls, model: str, item: Any, generation: Any, scored: Any, extra: dict[str, Any]) -> "PredictionLine":
        """The line of one item: its generation (harness.run's Generation), its metrics' results
        and the task's own per-item values (`extra`)."""
        return cls(model=model, task=item.task, id=item.id, article_id=item.article_id, group=item.group,
                   fields=dict(item.fields), prediction=generation.prediction, answer=scored.answer,
                   references=list(item.references), scores={**scored.results, **extra},
                   reasons=scored.reasons, error=generation.error, truncated=generation.truncated)

    def to_json(self) -> dict[str, Any]:
        return self.model_dump(mode="json")

    def line(self) -> str:
        return json.dumps(self.to_json(), ensure_ascii=False) + "\n"
