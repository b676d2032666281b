"""The formats `harness agreement` reads: name -> (reader, what it is). A new format is one
reader function (path -> list of judged items) and one row of FORMATS."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from harness.agreement._article import read_judgments
from harness.agreement._evouna import read_evouna
from harness.agreement._judged import read_jsonl
from harness.errors import HarnessError

FORMATS: dict[str, tuple[Callable[[Path], list], str]] = {
    "jsonl": (read_jsonl, "judged answers, one JSON object a line (docs/metrics.md)"),
    "evouna": (read_evouna, "EVOUNA's JSON: golden_answer split on '/', one judged answer per system"),
    "judgments": (read_judgments, "a gold article's judgments.jsonl, questions from the qa.jsonl beside it"),
}


def read_judged(paths: list[Path], format: str) -> list:
    """Every judged item of the files, in order, read by the named format's reader."""
    if format not in FORMATS:
        raise HarnessError(f"unknown format {format!r}; allowed: {', '.join(FORMATS)}")
    reader = FORMATS[format][0]
    return [item for path in paths for item in reader(path)]
