"""Reading an import file: one JSON object a line, "article" plus QA or summary fields."""

from __future__ import annotations

import json
from pathlib import Path

from harness.errors import HarnessError

from ._parse import TOO_DEEP
from ._plan import Pending
from ._problem import GoldInvalid, Problem, display_path, shown


def read_import(path: Path, known: list[str]) -> list[Pending]:
    """The items of an import file; GoldInvalid listing every problem of the file itself."""
    shown = display_path(path)
    try:
        text = path.read_bytes().decode("utf-8")
    except OSError as error:
        raise HarnessError(f"cannot read import file {shown}: {error.strerror}", exit_code=2) from None
    except UnicodeDecodeError as error:
        problem = Problem(shown, None, f"not UTF-8 (byte offset {error.start}); save the file as UTF-8")
        raise GoldInvalid(f"nothing imported: {problem}", [problem]) from None
    pendings, problems = [], []
    for number, line in enumerate(text.split("\n"), start=1):
        if line.strip():
            result = _parse_line(line, known, f"{shown}:{number}")
            if isinstance(result, Pending):
                pendings.append(result)
            else:
                problems.append(Problem(shown, number, result))
    if problems:
        raise GoldInvalid(f"nothing imported: {problems[0]}" + _more(len(problems)), problems)
    return pendings


def _parse_line(line: str, known: list[str], origin: str) -> Pending | str:
    """A Pending item, or the message saying why the line cannot be one."""
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as error:
        return f"not JSON: {error.msg} (column {error.colno})"
    except RecursionError:
        return f"not JSON that can be read: {TOO_DEEP}"
    if not isinstance(obj, dict):
        return "expected a JSON object"
    article = obj.pop("article", None)
    if not isinstance(article, str) or not article:
        return "missing field 'article' (the article id)"
    if article not in known:
        return f"unknown article '{shown(article)}' (known: {', '.join(known) or 'none'})"
    if "question" in obj:
        return Pending(article, "qa", {"type": "other", **obj}, origin)
    if "style" in obj or "text" in obj:
        return Pending(article, "summary", obj, origin)
    return "neither a QA item ('question', ...) nor a summary ('style', 'text')"


def _more(count: int) -> str:
    return "" if count == 1 else f" (and {count - 1} more problem{'' if count == 2 else 's'})"
