"""The judged answer, and the judged-answers JSONL format (documented in docs/metrics.md).

One judged answer a line, a JSON object:
- `question` (string), `references` (list of strings: the accepted answers; [] when the
  question has no answer), `prediction` (string: the system's raw answer), `label` (boolean:
  true when a person accepted the answer);
- optional: `source` (string: which system answered), `document` (string: a context passage),
  `labelled_by` (string), `note` (string); other keys are refused.

A file that is not UTF-8, a line that is not a JSON object, a missing or mistyped field, and an
empty file are errors naming the file and the line.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness.agreement._split import split_of
from harness.errors import HarnessError, shown

REQUIRED = {"question": str, "references": list, "prediction": str, "label": bool}
OPTIONAL = {"source": str, "document": str, "labelled_by": str, "note": str}


@dataclass(frozen=True)
class JudgedAnswer:
    """One answer to one question, with a person's verdict on it."""

    question: str
    references: tuple[str, ...]
    prediction: str
    label: bool
    source: str = ""
    document: str = ""
    labelled_by: str = ""
    note: str = ""
    where: str = ""  # file and line (or item) it was read from
    id: str = ""  # the question's id, where the file gives one
    split: str = ""  # "dev" or "heldout" where the file says; else the part of harness.agreement._split

    @property
    def part(self) -> str:
        """The split this answer belongs to: the file's own, or the hash of its question's."""
        return self.split or split_of(self.question)


def read_text(path: Path) -> str:
    """The whole file as UTF-8 text; unreadable or non-UTF-8 files are a HarnessError."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise HarnessError(f"{path}: cannot read: {error.strerror or error}") from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise HarnessError(f"{path}:{line}: not UTF-8 text (byte {error.start})") from None


def json_lines(path: Path) -> list[tuple[int, dict[str, Any]]]:
    """(line number, object) for each non-blank line of a JSONL file; anything else is an error."""
    records = []
    for number, line in enumerate(read_text(path).splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            raise HarnessError(f"{path}:{number}: not JSON ({error.msg})") from None
        if not isinstance(record, dict):
            raise HarnessError(f"{path}:{number}: a line must be a JSON object, not {type(record).__name__}")
        records.append((number, record))
    if not records:
        raise HarnessError(f"{path}: empty file: no judged answers")
    return records


def judged_answer(record: dict[str, Any], where: str) -> JudgedAnswer:
    """The JudgedAnswer of one record of the documented format; a HarnessError naming `where` otherwise."""
    for name, kind in REQUIRED.items():
        if name not in record:
            raise HarnessError(f"{where}: missing field {name!r}")
        check_type(record[name], kind, name, where)
    for name, kind in OPTIONAL.items():
        if name in record and record[name] is not None:
            check_type(record[name], kind, name, where)
    unknown = sorted(set(record) - set(REQUIRED) - set(OPTIONAL))
    if unknown:
        raise HarnessError(f"{where}: unknown field {shown(unknown[0], 40)!r} "
                           f"(fields: {', '.join([*REQUIRED, *OPTIONAL])})")
    references = record["references"]
    for reference in references:
        check_type(reference, str, "references", where, "a list of strings")
    return JudgedAnswer(record["question"], tuple(references), record["prediction"], record["label"],
                        *(record.get(name) or "" for name in OPTIONAL), where=where)


def check_type(value: Any, kind: type, name: str, where: str, wanted: str | None = None) -> None:
    """A HarnessError unless `value` is a `kind` (a bool is not a number here, nor a number a bool)."""
    ok = isinstance(value, kind) and (kind is bool or not isinstance(value, bool))
    if not ok:
        names = {str: "a string", list: "a list", bool: "true or false"}
        raise HarnessError(f"{where}: field {name!r} must be {wanted or names[kind]}, "
                           f"not {shown(json.dumps(value, ensure_ascii=False), 40)}")
    if kind is str:
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise HarnessError(f"{where}: field {name!r} holds a lone surrogate (not text)") from None


def read_jsonl(path: Path) -> list[JudgedAnswer]:
    """The judged answers of a file in the documented format."""
    return [judged_answer(record, f"{path}:{number}") for number, record in json_lines(path)]
