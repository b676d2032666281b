"""EVOUNA's JSON (Wang et al. 2023, "Evaluating Open-QA Evaluation") as judged answers.

The file is a JSON list of questions: `question`, `golden_answer` (accepted answers separated
by "/"), `answer_<system>` and `judge_<system>` (true = a person accepted it) for each system of
SYSTEMS, and `improper` (true: the question itself is flawed). Improper questions are left out,
as the paper does; each system's answer is one judged answer with that system as its source; a
system whose answer is null is left out.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from harness.agreement._judged import JudgedAnswer, check_type, read_text
from harness.errors import HarnessError

SYSTEMS = ("fid", "gpt35", "chatgpt", "gpt4", "newbing")


def read_evouna(path: Path) -> list[JudgedAnswer]:
    """The judged answers of an EVOUNA JSON file (see the module doc)."""
    text = read_text(path)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise HarnessError(f"{path}:{error.lineno}: not JSON ({error.msg})") from None
    if not isinstance(data, list):
        raise HarnessError(f"{path}: an EVOUNA file is a JSON list of questions, not {type(data).__name__}")
    judged = [answer for index, entry in enumerate(data) for answer in _answers(entry, f"{path}: item {index}")]
    if not judged:
        raise HarnessError(f"{path}: empty file: no judged answers")
    return judged


def _answers(entry: Any, where: str) -> list[JudgedAnswer]:
    if not isinstance(entry, dict):
        raise HarnessError(f"{where}: a question must be a JSON object, not {type(entry).__name__}")
    improper = entry.get("improper", False)
    check_type(improper, bool, "improper", where)
    if improper:
        return []
    for name in ("question", "golden_answer"):
        if name not in entry:
            raise HarnessError(f"{where}: missing field {name!r}")
        check_type(entry[name], str, name, where)
    references = tuple(part.strip() for part in entry["golden_answer"].split("/") if part.strip())
    if not references:
        raise HarnessError(f"{where}: field 'golden_answer' holds no answer")
    out = []
    for system in SYSTEMS:
        answer, label = entry.get(f"answer_{system}"), entry.get(f"judge_{system}")
        if answer is None:
            continue
        check_type(answer, str, f"answer_{system}", where)
        if f"judge_{system}" not in entry:
            raise HarnessError(f"{where}: missing field 'judge_{system}'")
        check_type(label, bool, f"judge_{system}", where)
        out.append(JudgedAnswer(entry["question"], references, answer, label, source=system, where=where))
    return out
