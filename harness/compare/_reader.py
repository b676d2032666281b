"""Read a report.json for comparison: only the fields `compare` uses, checked, one-line errors.

Reports may carry more fields than these (DESIGN.md: fields are added, never removed without a
schema_version bump), so unknown keys are ignored here, unlike in the config.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, StrictFloat, ValidationError, field_validator

from harness.errors import HarnessError

SUPPORTED_SCHEMA_VERSIONS = (1,)


class _Lenient(BaseModel):
    model_config = ConfigDict(extra="ignore", allow_inf_nan=False, frozen=True)


class ReportItem(_Lenient):
    """One scored item: its id, the article it is about (the bootstrap cluster), its scores."""

    id: str
    article_id: str
    scores: dict[str, StrictFloat]


class ReportTask(_Lenient):
    """One task of one model; `items` is what the paired bootstrap resamples."""

    items: list[ReportItem]

    @field_validator("items")
    @classmethod
    def _consistent(cls, items: list[ReportItem]) -> list[ReportItem]:
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


class ReportModel(_Lenient):
    name: str
    tasks: dict[str, ReportTask]


class _Gold(_Lenient):
    hash: str


class _Bootstrap(BaseModel):
    model_config = ConfigDict(extra="allow", frozen=True)  # every option is kept for the settings diff
    resamples: int = Field(ge=1)
    seed: int


class _Scoring(BaseModel):
    model_config = ConfigDict(extra="allow", frozen=True)
    bootstrap: _Bootstrap


class Report(_Lenient):
    """The parts of a report.json that a comparison reads."""

    schema_version: int
    gold: _Gold
    config: dict[str, Any]
    scoring: _Scoring
    models: list[ReportModel]

    def scoring_options(self) -> dict[str, Any]:
        return self.scoring.model_dump(mode="json")


def read_report(path: str | Path) -> Report:
    """Load and check one report.json; any problem is a HarnessError (exit 2) naming file and field."""
    path = Path(path)
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise HarnessError(f"{path}: cannot read report: {error.strerror or error}") from None
    except UnicodeDecodeError:
        raise HarnessError(f"{path}: not a report: the file is not UTF-8 text") from None
    except json.JSONDecodeError as error:
        raise HarnessError(f"{path}: not a report: invalid JSON at line {error.lineno} column {error.colno}: {error.msg}") from None
    if not isinstance(raw, dict):
        raise HarnessError(f"{path}: not a report: expected a JSON object, got {type(raw).__name__}")
    version = raw.get("schema_version")
    if version not in SUPPORTED_SCHEMA_VERSIONS or isinstance(version, bool):
        supported = ", ".join(map(str, SUPPORTED_SCHEMA_VERSIONS))
        found = "missing" if "schema_version" not in raw else repr(version)
        raise HarnessError(f"{path}: schema_version {found} is not supported (supported: {supported})")
    try:
        return Report.model_validate(raw)
    except ValidationError as error:
        first = error.errors()[0]
        raise HarnessError(f"{path}: invalid report at {_location(first['loc'])}: {_message(first)}") from None


def _location(loc: tuple[Any, ...]) -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else f".{part}" if text else str(part)
    return text or "(top level)"


def _message(error: dict[str, Any]) -> str:
    if error["type"] == "missing":
        return "field is missing"
    return error["msg"].removeprefix("Value error, ")
