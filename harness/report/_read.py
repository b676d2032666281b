"""Reading a report.json back: any problem is one line naming the file and the field (exit 2)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from harness.errors import HarnessError, lone_surrogate, printable
from harness.report._model import READABLE_VERSIONS, Report

MAX_DEPTH = 64  # a real report nests about 7 levels; deeper input only exhausts the stack


def read_report(path: str | Path) -> Report:
    """Load and check one report.json; any problem is a HarnessError (exit 2) naming file and field."""
    path = Path(path)
    label = printable(str(path))
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
    if version not in READABLE_VERSIONS or isinstance(version, bool):
        supported = ", ".join(str(v) for v in READABLE_VERSIONS)
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
        if isinstance(node, str) and lone_surrogate(node) is not None:
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
    return printable(text) or "(top level)"  # keys come from the file


def _message(error: dict[str, Any]) -> str:
    if error["type"] == "missing":
        return "field is missing"
    return error["msg"].removeprefix("Value error, ")
