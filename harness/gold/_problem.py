"""Problems found in a gold set, and the error that carries them."""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from pathlib import Path

from harness.errors import HarnessError


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the gold set, at a file and (when known) a line."""

    path: str
    line: int | None
    message: str

    def __str__(self) -> str:
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        return printable(f"{where}: {self.message}")


class GoldInvalid(HarnessError):
    """The gold set (or the items to add to it) breaks a rule; `problems` lists every one."""

    def __init__(self, message: str, problems: list[Problem]):
        super().__init__(message, exit_code=1)
        self.problems = problems


def printable(text: str) -> str:
    """`text` safe to print on one line: line breaks, control and format characters (bidi
    marks, NUL) and lone surrogates become backslash escapes; other characters stay."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in text)


def shown(value: object, width: int = 80) -> str:
    """A value from a gold file, quoted into a message: printable, at most `width` characters."""
    text = printable(str(value))
    return text if len(text) <= width else text[: width - 3] + "..."


def display_path(path: Path) -> str:
    """`path` relative to the current directory when it lies below it, else absolute."""
    absolute = os.path.abspath(path)
    relative = os.path.relpath(absolute, os.getcwd())
    outside = relative == os.pardir or relative.startswith(os.pardir + os.sep)
    return absolute if outside else relative


def for_display(problems: list[Problem], root: Path) -> list[Problem]:
    """Turn paths relative to the gold root into display paths, sorted by path and line."""
    shown = [replace(p, path=display_path(root / p.path)) for p in problems]
    return sort_problems(shown)


def sort_problems(problems: list[Problem]) -> list[Problem]:
    return sorted(problems, key=lambda p: (p.path, p.line or 0))  # stable: same-line problems keep their order


def format_problems(problems: list[Problem]) -> str:
    """Every problem on its own line, then a count line ("3 problems")."""
    count = len(problems)
    lines = [str(p) for p in problems]
    lines.append(f"{count} problem{'' if count == 1 else 's'}")
    return "\n".join(lines)
