"""Read a report.json for comparison: only the fields `compare` uses, checked, one-line errors.

Reports may carry more fields than these (DESIGN.md: fields are added, never removed without a
schema_version bump), so unknown keys are ignored here, unlike in the config.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StrictFloat, ValidationError, field_validator

from harness.errors import HarnessError

SUPPORTED_SCHEMA_VERSIONS = (1,)
MAX_RESAMPLES = 1_000_000  # the config's own limit; more would make `compare` run for hours
# Metric values are fractions in [0, 1]; extra `evaluate` metrics may use other scales, but a
# score beyond this is not a metric value (and would overflow the sums of the bootstrap).
MAX_SCORE = 1e12
MAX_DEPTH = 64  # a real report nests about 7 levels; deeper input only exhausts the stack
_SURROGATE = re.compile("[\ud800-\udfff]")
Score = Annotated[StrictFloat, Field(ge=-MAX_SCORE, le=MAX_SCORE)]


class _Lenient(BaseModel):
    model_config = ConfigDict(extra="ignore", allow_inf_nan=False, frozen=True)


class ReportItem(_Lenient):
    """One scored item: its id, the article it is about (the bootstrap cluster), its scores."""

    id: str
    article_id: str
    scores: dict[str, Score]


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
    resamples: int = Field(ge=1, le=MAX_RESAMPLES)
    seed: int = Field(ge=0)  # numpy's default_rng refuses negative seeds


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
    label = str(path) if str(path).isprintable() else ascii(str(path))  # one line, whatever the name
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise HarnessError(f"{label}: cannot read report: {error.strerror or error}") from None
    except UnicodeDecodeError:
        raise HarnessError(f"{label}: not a report: the file is not UTF-8 text") from None
    except json.JSONDecodeError as error:
        raise HarnessError(f"{label}: not a report: invalid JSON at line {error.lineno} column {error.colno}: {error.msg}") from None
    except RecursionError:
        raise HarnessError(f"{label}: not a report: arrays or objects nested too deeply") from None
    except ValueError as error:  # a NUL in the path; an integer too long to convert
        raise HarnessError(f"{label}: cannot read report: {error}") from None
    if not isinstance(raw, dict):
        raise HarnessError(f"{label}: not a report: expected a JSON object, got {type(raw).__name__}")
    _check_shape(raw, label)
    version = raw.get("schema_version")
    if version not in SUPPORTED_SCHEMA_VERSIONS or isinstance(version, bool):
        supported = ", ".join(map(str, SUPPORTED_SCHEMA_VERSIONS))
        found = "missing" if "schema_version" not in raw else repr(version)
        raise HarnessError(f"{label}: schema_version {found} is not supported (supported: {supported})")
    try:
        return Report.model_validate(raw)
    except ValidationError as error:
        first = error.errors()[0]
        raise HarnessError(f"{label}: invalid report at {_location(first['loc'])}: {_message(first)}") from None


def _check_shape(raw: Any, label: str) -> None:
    """Nesting no deeper than MAX_DEPTH, and no string (or key) with a lone surrogate: the
    harness never writes one, and it cannot be printed as UTF-8. Iterative: no recursion limit."""
    stack = [(raw, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, str) and _SURROGATE.search(node):
            raise HarnessError(f"{label}: not a report: the string {node[:60]!r} holds a lone surrogate "
                               "escape (\\ud800-\\udfff)")
        children = [*node.keys(), *node.values()] if isinstance(node, dict) else node if isinstance(node, list) else ()
        if children and depth > MAX_DEPTH:
            raise HarnessError(f"{label}: not a report: arrays or objects nested more than {MAX_DEPTH} levels deep")
        stack.extend((child, depth + 1) for child in children)


def _location(loc: tuple[Any, ...]) -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else f".{part}" if text else str(part)
    return (text if text.isprintable() else ascii(text)) or "(top level)"  # keys come from the file


def _message(error: dict[str, Any]) -> str:
    if error["type"] == "missing":
        return "field is missing"
    return error["msg"].removeprefix("Value error, ")
