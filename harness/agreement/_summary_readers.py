"""Readers of human-judged summaries for `harness agreement`: SummEval (graded expert ratings),
SummaC (binary consistency labels) and a generic JSONL. Each gives a list of SummaryRecord;
a bad line is a HarnessError naming the file and line (exit 2).

- summeval: lines with `doc_id`, `system_id`, `source`, `system_output`, `references` and
  `expert_annotations` (a list of {dimension: rating}); the rating of a dimension is the mean
  over the experts. A line without `expert_annotations` uses its `expert_mean`.
- summac: lines with `document`, `claim` and `label` (1 consistent, 0 not).
- summaries-jsonl: lines with `document`, `summary`, optional `references`, `system`, `doc_id`, and
  either `scores` ({dimension: number}) or `label` (0/1).

Ratings must be finite numbers; an empty summary is kept (the metrics give it their documented
score); an empty or missing document is an error.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from harness.errors import HarnessError, shown

FORMATS = ("summeval", "summac", "summaries-jsonl")
DIMENSIONS = ("coherence", "consistency", "fluency", "relevance")  # SummEval's rated dimensions


@dataclass(frozen=True)
class SummaryRecord:
    """One judged summary: what it summarizes, who wrote it, and what people said of it."""

    doc_id: str
    system: str
    document: str
    summary: str
    references: tuple[str, ...] = ()
    scores: dict[str, float] = field(default_factory=dict)  # graded ratings by dimension
    label: int | None = None  # binary: 1 consistent with the document, 0 not
    split: str = ""  # the file it came from


def read(paths: list[Path], fmt: str) -> list[SummaryRecord]:
    """Every record of `paths`, read as `fmt`."""
    if fmt not in FORMATS:
        raise HarnessError(f"unknown summary format {fmt!r}; allowed: {', '.join(FORMATS)}")
    records = []
    for path in paths:
        records.extend(_read_file(path, fmt))
    if not records:
        raise HarnessError(f"no judged summaries in {', '.join(map(str, paths))}")
    kinds = {r.label is None for r in records}
    if len(kinds) > 1:
        raise HarnessError("the files mix graded ratings (scores) and binary labels (label)")
    return records


def _read_file(path: Path, fmt: str) -> list[SummaryRecord]:
    try:
        with open(path, encoding="utf-8") as handle:
            lines = handle.readlines()
    except (OSError, UnicodeDecodeError) as error:
        raise HarnessError(f"{path}: cannot read: {error}") from None
    reader = {"summeval": _summeval, "summac": _summac, "summaries-jsonl": _generic}[fmt]
    records = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        where = f"{path}:{number}"
        try:
            row = json.loads(line)
        except json.JSONDecodeError as error:
            raise HarnessError(f"{where}: not JSON: {error.msg}") from None
        if not isinstance(row, dict):
            raise HarnessError(f"{where}: a line must be a JSON object")
        records.append(reader(row, where, path.stem, number))
    return records


def _text(row: dict, key: str, where: str, empty_ok: bool = False) -> str:
    value = row.get(key)
    if not isinstance(value, str):
        raise HarnessError(f"{where}: `{key}` must be a string, not {shown(value)}")
    if not empty_ok and not value.strip():
        raise HarnessError(f"{where}: `{key}` is empty")
    return value


def _rating(value: Any, where: str, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise HarnessError(f"{where}: {what} must be a finite number, not {shown(value)}")
    return float(value)


def _references(row: dict, key: str, where: str) -> tuple[str, ...]:
    refs = row.get(key, [])
    if not isinstance(refs, list) or not all(isinstance(r, str) for r in refs):
        raise HarnessError(f"{where}: `{key}` must be a list of strings")
    return tuple(refs)


def _summeval(row: dict, where: str, split: str, number: int) -> SummaryRecord:
    experts = row.get("expert_annotations")
    if experts is not None:
        if not isinstance(experts, list) or not experts or not all(isinstance(e, dict) for e in experts):
            raise HarnessError(f"{where}: `expert_annotations` must be a non-empty list of objects")
        scores = {}
        for dim in DIMENSIONS:
            values = [_rating(e.get(dim), where, f"expert rating of {dim}") for e in experts]
            scores[dim] = sum(values) / len(values)
    else:
        mean = row.get("expert_mean")
        if not isinstance(mean, dict):
            raise HarnessError(f"{where}: needs `expert_annotations` or `expert_mean`")
        scores = {dim: _rating(mean.get(dim), where, f"expert_mean {dim}") for dim in DIMENSIONS}
    return SummaryRecord(_text(row, "doc_id", where), _text(row, "system_id", where), _text(row, "source", where),
                         _text(row, "system_output", where, empty_ok=True), _references(row, "references", where), scores,
                         split=split)


def _label(value: Any, where: str) -> int:
    if value not in (0, 1) or isinstance(value, float) and not value.is_integer():
        raise HarnessError(f"{where}: `label` must be 0 or 1, not {shown(value)}")
    return int(value)


def _summac(row: dict, where: str, split: str, number: int) -> SummaryRecord:
    return SummaryRecord(f"{split}:{number}", row.get("model_name", "") if isinstance(row.get("model_name"), str)
                         else "", _text(row, "document", where), _text(row, "claim", where, empty_ok=True),
                         label=_label(row.get("label"), where), split=split)


def _generic(row: dict, where: str, split: str, number: int) -> SummaryRecord:
    has_scores, has_label = "scores" in row, "label" in row
    if has_scores == has_label:
        raise HarnessError(f"{where}: needs either `scores` ({{dimension: number}}) or `label` (0/1)")
    scores, label = {}, None
    if has_scores:
        if not isinstance(row["scores"], dict) or not row["scores"]:
            raise HarnessError(f"{where}: `scores` must be a non-empty object {{dimension: number}}")
        scores = {str(k): _rating(v, where, f"score {shown(k)}") for k, v in row["scores"].items()}
    else:
        label = _label(row["label"], where)
    doc_id = row.get("doc_id", f"{split}:{number}")
    system = row.get("system", "")
    if not isinstance(doc_id, (str, int)) or not isinstance(system, str):
        raise HarnessError(f"{where}: `doc_id` and `system` must be strings")
    return SummaryRecord(str(doc_id), system, _text(row, "document", where), _text(row, "summary", where, empty_ok=True),
                         _references(row, "references", where), scores, label, split)
