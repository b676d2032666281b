"""The gold set's own judged answers (gold/<article>/judgments.jsonl) as judged answers.

A judgments.jsonl line names a QA item of the qa.jsonl beside it (`id`) and holds `prediction`,
`correct` (the label), and optionally `reason`, `split` ("dev" or "heldout"), `source` and
`labelled_by`. The question and its accepted answers come from qa.jsonl.
"""

from __future__ import annotations

from pathlib import Path

from harness.agreement._judged import JudgedAnswer, check_type, json_lines
from harness.errors import HarnessError, shown


def read_judgments(path: Path) -> list[JudgedAnswer]:
    """The judged answers of a judgments.jsonl, with questions from the qa.jsonl beside it."""
    qa_path = path.parent / "qa.jsonl"
    if not qa_path.is_file():
        raise HarnessError(f"{path}: no qa.jsonl beside it to take the questions from")
    questions = {}
    for number, record in json_lines(qa_path):
        where = f"{qa_path}:{number}"
        for name, kind in (("id", str), ("question", str), ("answers", list)):
            if name not in record:
                raise HarnessError(f"{where}: missing field {name!r}")
            check_type(record[name], kind, name, where)
        for answer in record["answers"]:
            check_type(answer, str, "answers", where, "a list of strings")
        questions[record["id"]] = record
    judged = []
    for number, record in json_lines(path):
        where = f"{path}:{number}"
        for name, kind in (("id", str), ("prediction", str), ("correct", bool)):
            if name not in record:
                raise HarnessError(f"{where}: missing field {name!r}")
            check_type(record[name], kind, name, where)
        for name in ("reason", "split", "source", "labelled_by"):
            if record.get(name) is not None:
                check_type(record[name], str, name, where)
        if record["id"] not in questions:
            raise HarnessError(f"{where}: id {shown(record['id'], 60)!r} is not a question of {qa_path}")
        if record.get("split") not in (None, "", "dev", "heldout"):
            raise HarnessError(f"{where}: split must be 'dev' or 'heldout', not {shown(record['split'], 40)!r}")
        qa = questions[record["id"]]
        judged.append(JudgedAnswer(qa["question"], tuple(qa["answers"]), record["prediction"], record["correct"],
                                   source=record.get("source") or "", labelled_by=record.get("labelled_by") or "",
                                   note=record.get("reason") or "", where=where, id=record["id"],
                                   split=record.get("split") or ""))
    return judged
