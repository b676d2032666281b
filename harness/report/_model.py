"""report.json as one typed model: the runner builds it, report.md and report.html render it,
`harness compare` reads it, and report.schema.json is generated from it.

Versioning: `schema_version` is the report's major version. Fields are added without a bump
(and readers ignore fields they do not know, so an older harness reads a newer report of the
same major version); a field is removed or retyped only with a bump.

Reading is strict where a comparison depends on it (finite numbers, bounded resamples, unique
item ids, every item scored on the same metrics) and lenient elsewhere.
"""

from __future__ import annotations

import json
from typing import Annotated, Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictFloat, field_validator, model_serializer

SCHEMA_VERSION = 3  # 3: an item's score may be null (the metric gave it no number)
NULL_FREE_VERSION = 2  # what a report without null scores is written as: version-2 readers read it
READABLE_VERSIONS = (1, 2, 3)  # a version-1 report reads as one without breakdowns, values and parts
MAX_RESAMPLES = 1_000_000  # the config's own limit; more would make `compare` run for hours
# Built-in metric values are fractions in [0, 1]; a plugin's may use another scale, but a score
# beyond this is not a metric value (and would overflow the sums of the bootstrap).
MAX_SCORE = 1e12
Score = Annotated[StrictFloat, Field(ge=-MAX_SCORE, le=MAX_SCORE)]
ARTICLE_BREAKDOWN = "article"  # the breakdown a task gets when its items come from several articles
Sha256 = Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]  # pydantic's (Rust) regex: $ is the very end


def schema_version_of(models: list["ModelResult"]) -> int:
    """The version a report of these results is written as: SCHEMA_VERSION when an item has no
    number for a metric (a null score, which a version-2 reader refuses), else 2, which older
    readers read as they always did."""
    unscored = any(score is None for model in models for task in model.tasks.values()
                   for item in task.items for score in item.scores.values())
    return SCHEMA_VERSION if unscored else NULL_FREE_VERSION


class _Part(BaseModel):
    """A part of the report. Unknown fields (from a newer version) are ignored; optional fields
    named in `_omitted_when_none` are left out of the JSON rather than written as null."""

    model_config = ConfigDict(extra="ignore", allow_inf_nan=False, strict=True)
    _omitted_when_none: ClassVar[tuple[str, ...]] = ()

    @model_serializer(mode="wrap")
    def _omit(self, handler: Any) -> dict[str, Any]:
        data = handler(self)
        return {k: v for k, v in data.items() if not (v is None and k in self._omitted_when_none)}


class MetricValue(_Part):
    """A mean over items with its bootstrap interval; a multi-part score (ROUGE) adds the mean
    of each part. `n` is set when the metric gave some items no number (it does not apply to
    them, or could not score them): the mean is over those `n` items; without it, over all.
    All None when no item has a number."""

    value: float | None
    ci_low: float | None
    ci_high: float | None
    parts: dict[str, float] | None = None
    n: int | None = Field(default=None, ge=0)
    _omitted_when_none = ("parts", "n")


class GroupResult(_Part):
    """The metrics of the items of one group (a question type, a summary style, an article)."""

    n: int = Field(ge=0)
    metrics: dict[str, MetricValue]


class ItemScore(_Part):
    """One item's per-metric numbers: what the paired comparison of two reports resamples."""

    id: str
    article_id: str  # the bootstrap cluster
    group: str
    scores: dict[str, Score | None]  # None: the metric gave the item no number (schema_version 3)


class FailedItem(_Part):
    id: str
    error: str


class TaskResult(_Part):
    """One task of one model: the metrics over all items, any number of named breakdowns
    (label -> group -> metrics: "question type", "article"), and task-level values by label
    ("abstention accuracy"), all with intervals. `metric_failures` counts, per metric, the
    items on which it reached no verdict (a judge that failed)."""

    n: int = Field(ge=0)
    metrics: dict[str, MetricValue]
    failed: int = Field(ge=0)
    truncated: int = Field(default=0, ge=0)  # outputs the token limit cut off
    metric_failures: dict[str, Annotated[int, Field(ge=0)]] = Field(default_factory=dict)
    breakdowns: dict[str, dict[str, GroupResult]] = Field(default_factory=dict)
    values: dict[str, MetricValue] = Field(default_factory=dict)
    failed_items: list[FailedItem] = Field(default_factory=list)
    extra_metrics: dict[str, Any] | None = None
    items: list[ItemScore]
    _omitted_when_none = ("extra_metrics",)

    @field_validator("items")
    @classmethod
    def _consistent(cls, items: list[ItemScore]) -> list[ItemScore]:
        """Unique ids, and every item scored on the same metrics."""
        seen: set[str] = set()
        for index, item in enumerate(items):
            if item.id in seen:
                raise ValueError(f"item id {item.id!r} appears twice")
            if item.scores.keys() != items[0].scores.keys():
                raise ValueError(f"item {index} ({item.id!r}) is scored on {sorted(item.scores)}, "
                                 f"item 0 on {sorted(items[0].scores)}")
            seen.add(item.id)
        return items

    def metric_names(self) -> list[str]:
        """The metrics the items are scored on, in report order."""
        return list(self.items[0].scores) if self.items else []


class MetricInfo(_Part):
    """What a metric is and which distribution provided it ("harness==0.1.0", a plugin's)."""

    description: str
    provider: str


class TaskInfo(_Part):
    """How a task is shown: its title, what its main breakdown is, how its numbers are made
    (one line), and its metrics."""

    title: str
    group_label: str
    item_field: str = Field(description="The prediction lines' `fields` entry that says what an item asks.")
    scoring_note: str = ""
    metrics: dict[str, MetricInfo] = Field(default_factory=dict)


class ModelResult(_Part):
    name: str
    backend: str
    model_ref: str | None
    revision: str | None
    model_sha256: str | None
    generation: dict[str, Any]
    prompts: dict[str, str] | None = None  # task -> this model's own prompt template, where it has one
    runtime: dict[str, Any]
    timing: dict[str, Any]
    tasks: dict[str, TaskResult]
    _omitted_when_none = ("prompts",)


class Selection(_Part):
    """What part of the config this run covered."""

    tasks: list[str]
    models: list[str]
    limit: int | None
    resumed: bool
    cache: bool


class GoldInfo(_Part):
    path: str
    hash: Sha256
    articles: int = Field(ge=0)
    qa: int = Field(ge=0)
    summaries: int = Field(ge=0)


class Provenance(_Part):
    """Where the report was made: versions, git state, platform, devices."""

    python: str
    packages: dict[str, str | None]
    git_commit: str | None
    git_dirty: bool | None
    platform: str
    machine: str | None = None
    device: str | None = None


class BootstrapInfo(BaseModel):
    """The bootstrap settings; every key is kept (compare diffs them), these are checked."""

    model_config = ConfigDict(extra="allow", strict=True)
    resamples: int = Field(ge=1, le=MAX_RESAMPLES)
    seed: int = Field(ge=0)  # numpy's default_rng refuses negative seeds
    confidence: float = Field(gt=0, lt=1)


class Scoring(BaseModel):
    """Every option that changes a number; per task, the task's own options (keys kept as written)."""

    model_config = ConfigDict(extra="allow", strict=True)
    bootstrap: BootstrapInfo
    signature: dict[str, Any] = Field(default_factory=dict)


class RunTiming(_Part):
    """Wall-clock seconds of each phase of `harness run`, so a slow run shows where time went.
    report_s covers predictions.jsonl, report.md and report.html (report.json is written after).
    total_s is startup_s plus the other phases (load_s and generate_s are parts of models_s)."""

    startup_s: float | None = None  # from the command's start to the run's: imports, arguments
    config_s: float
    gold_s: float
    models_s: float  # generation of every model: load, cache lookups, generate (per model: ModelResult.timing)
    load_s: float | None = None  # of models_s: loading models, summed over models
    generate_s: float | None = None  # of models_s: generating, summed over models
    scoring_s: float
    report_s: float
    total_s: float
    _omitted_when_none = ("startup_s", "load_s", "generate_s")


class Report(_Part):
    """The whole report.json."""

    schema_version: Literal[READABLE_VERSIONS]
    run_id: str = Field(min_length=1)
    created_at: str = Field(pattern=r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}")
    config_path: str | None = None
    config: dict[str, Any]
    config_hash: Sha256
    selection: Selection | None = None
    gold: GoldInfo
    environment: Provenance
    scoring: Scoring
    tasks: dict[str, TaskInfo] = Field(default_factory=dict)
    models: list[ModelResult]
    timing: RunTiming | None = None
    _omitted_when_none = ("timing",)

    def scoring_options(self) -> dict[str, Any]:
        return self.scoring.model_dump(mode="json")

    def to_json(self) -> str:
        """report.json's text: indented, UTF-8 characters as they are, Python's float repr."""
        return json.dumps(self.model_dump(mode="json"), indent=2, ensure_ascii=False) + "\n"
