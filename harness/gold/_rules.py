"""The gold format's constants (QA types, reasoning labels, styles, fields, the id scheme), the
Problem type, and the rules about files, directories and JSON field shapes. The rules about
one record's content are in _records, the rules across records in _across."""

from __future__ import annotations

import codecs
import os
import re
from dataclasses import dataclass, replace
from pathlib import Path

from harness.errors import SURROGATES, HarnessError, printable, shown

ARTICLE_ID_RE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*\Z")  # \Z: no trailing newline either
# The one rule for text in the gold set, however it comes in (files, imports, the command line):
# no C0 or C1 control characters except tab and newline, and no lone surrogates (not encodable).
BAD_CHARACTER = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f{SURROGATES}]")

# The taxonomy (docs/gold.md defines each with an example). IMPORTED_ONLY labels are allowed
# only on items that carry a source_id: data imported from a dataset without such labels.
QA_TYPES = (
    "person", "organization", "place", "date", "duration", "count", "money", "quantity",
    "yes_no", "reason", "description", "unanswerable", "unlabeled",
)
REASONING = ("lookup", "multi-sentence", "multi-paragraph", "arithmetic", "temporal", "unlabeled")
IMPORTED_ONLY = "unlabeled"
IMPLIED_ANSWER = ("arithmetic", "temporal")  # the answer is computed, so it need not occur in the evidence
STYLES = ("headline", "one_sentence", "short")
SUMMARY_SOURCES = ("written", "source-headline")
JUDGMENT_SPLITS = ("dev", "heldout")

ARTICLE_FILES = ("article.txt", "meta.json", "qa.jsonl", "summaries.jsonl", "judgments.jsonl")
JSONL_FILES = {"qa": "qa.jsonl", "summary": "summaries.jsonl"}
UNHASHED_FILES = ("judgments.jsonl",)  # no score depends on them (docs/gold.md: the gold hash)

# field name -> JSON shape, in the order records are written. Shapes: "str", "str_list",
# "bool", "str?" (a string or null), "objects" (a list of JSON objects).
QA_FIELDS = {"id": "str", "question": "str", "answers": "str_list", "evidence": "str_list", "type": "str",
             "reasoning": "str", "plausible_answers": "str_list", "source_id": "str"}
QA_OPTIONAL = ("plausible_answers", "source_id")
SUMMARY_FIELDS = {"id": "str", "style": "str", "text": "str", "source": "str", "source_id": "str"}
SUMMARY_OPTIONAL = ("source_id",)
META_FIELDS = {"id": "str", "title": "str", "source": "str", "dateline": "str?", "place": "str?",
               "date": "str?", "origin": "str", "license": "str?", "retrieved": "str?", "truncated": "objects",
               "retired": "str_list"}
META_OPTIONAL = ("retired",)  # the ids this article's items once had: never given to a new item
JUDGMENT_FIELDS = {"id": "str", "prediction": "str", "correct": "bool", "reason": "str", "split": "str",
                   "source": "str", "labelled_by": "str", "note": "str"}
JUDGMENT_OPTIONAL = ("note",)
FIELDS = {"qa": QA_FIELDS, "summary": SUMMARY_FIELDS}
ID_LETTER = {"qa": "q", "summary": "s"}

NEAR_DUPLICATE = 0.9  # token-set Jaccard at which two questions of an article are near-duplicates
MAX_PARAPHRASE_ROUGE2 = 0.40  # a written reference line at or above this ROUGE-2 F1 copies a sentence
TOO_DEEP = "arrays or objects nested too deeply"
BOM = "starts with a UTF-8 byte order mark; save the file as UTF-8 without BOM"
MIGRATE_HINT = "run `harness gold migrate` to rewrite the gold files in the v2 format (see docs/gold.md)"


# -- problems ------------------------------------------------------------------------------------

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


def format_problems(problems: list[Problem]) -> str:
    """Every problem on its own line, then a count line ("3 problems")."""
    count = len(problems)
    lines = [str(p) for p in problems]
    lines.append(f"{count} problem{'' if count == 1 else 's'}")
    return "\n".join(lines)


def more(count: int) -> str:
    """" (and 2 more problems)" after the first of `count` problems."""
    return "" if count == 1 else f" (and {count - 1} more problem{'' if count == 2 else 's'})"


def display_path(path: Path) -> str:
    """`path` relative to the current directory when it lies below it, else absolute."""
    absolute = os.path.abspath(path)
    relative = os.path.relpath(absolute, os.getcwd())
    outside = relative == os.pardir or relative.startswith(os.pardir + os.sep)
    return absolute if outside else relative


def for_display(problems: list[Problem], root: Path) -> list[Problem]:
    """Turn paths relative to the gold root into display paths, sorted by path and line (stable:
    problems of one line keep their order)."""
    moved = [replace(p, path=display_path(root / p.path)) for p in problems]
    return sorted(moved, key=lambda p: (p.path, p.line or 0))


# -- ids -----------------------------------------------------------------------------------------

def item_id(article_id: str, kind: str, number: int) -> str:
    """The id of the `number`-th item of `kind` ("qa" or "summary"): kim-putin-talks-q007."""
    return f"{article_id}-{ID_LETTER[kind]}{number:03d}"


def id_number(article_id: str, kind: str, value: object) -> int | None:
    """The number in a well-formed id of this article and kind, else None."""
    pattern = rf"{re.escape(article_id)}-{ID_LETTER[kind]}(\d{{3,}})"
    match = re.fullmatch(pattern, value, re.ASCII) if isinstance(value, str) else None
    return int(match.group(1)) if match else None


def check_id(value: str, article_id: str, kind: str) -> list[str]:
    if not value.strip() or id_number(article_id, kind, value) is not None:
        return []
    example = item_id(article_id, kind, 1)
    return [f"id '{escaped(value)[:80]}' is not of the form '{example}' "
            f"(article id, '-{ID_LETTER[kind]}', 3+ digits)"]


def article_id_problem(name: str) -> str | None:
    """Why `name` cannot be an article id (None when it can)."""
    if ARTICLE_ID_RE.match(name):
        return None
    return (f"article id '{escaped(name)}' is not "
            "lower-case letters, digits and hyphens (^[a-z0-9]+(-[a-z0-9]+)*$)")


# -- files and directories -----------------------------------------------------------------------

def has_bom(data: bytes) -> bool:
    """Whether a file starts with a UTF-8 byte order mark (refused: it would become part of the
    first line's text, invisibly)."""
    return data.startswith(codecs.BOM_UTF8)


def directory_name_problem(name: str) -> str | None:
    message = article_id_problem(name)
    return None if message is None else message.replace("article id", "article directory name", 1)


def stray_files(paths: list[str]) -> list[Problem]:
    """Files in an article directory that are not one of the gold files."""
    problems = []
    for rel in sorted(paths):
        parts = rel.split("/")
        if len(parts) > 1 and ARTICLE_ID_RE.match(parts[0]) and (len(parts) > 2 or parts[1] not in ARTICLE_FILES):
            problems.append(Problem(rel, None, f"unexpected file (allowed: {', '.join(ARTICLE_FILES)})"))
    return problems


def is_unhashed(rel: str) -> bool:
    """Whether a gold file stays out of the gold hash (an article's judgments.jsonl)."""
    parts = rel.split("/")
    return len(parts) == 2 and parts[1] in UNHASHED_FILES


def article_format(rel: str, text: str) -> list[Problem]:
    """One paragraph a line, exactly one blank line between paragraphs, a final newline."""
    if not text.strip():
        return [Problem(rel, None, "article.txt is empty")]
    problems = []
    if not text.endswith("\n") or text.endswith("\n\n"):
        problems.append(Problem(rel, text.count("\n") + 1, "article.txt must end with exactly one newline"))
    previous = ""  # as if a blank line came before the first paragraph
    for number, line in enumerate(text.rstrip("\n").split("\n"), start=1):
        message = _line_format(line, previous, number) or text_problem(line)
        if message:
            problems.append(Problem(rel, number, message))
        previous = line
    return problems


def _line_format(line: str, previous: str, number: int) -> str | None:
    if "\r" in line:
        return "carriage return found; use \\n line endings"
    if line != line.strip():
        return "whitespace on a blank line" if not line.strip() else "leading or trailing whitespace"
    if not line and not previous:
        return ("blank line at the start" if number == 1 else
                "more than one blank line (paragraphs are separated by exactly one blank line)")
    if line and previous.strip():
        return ("paragraph continues on this line: each paragraph is one line, "
                "paragraphs are separated by one blank line")
    return None


# -- JSON field shapes ---------------------------------------------------------------------------

_SHAPES = {"str": "a string", "str_list": "a list of strings", "bool": "true or false",
           "str?": "a string or null", "objects": "a list of objects"}


def check_fields(obj: object, fields: dict[str, str], optional: tuple[str, ...] = ()) -> list[str]:
    """Missing, unknown and wrongly shaped fields of one JSON object, and text fields holding a
    control character."""
    if not isinstance(obj, dict):
        return [f"expected a JSON object, got {json_type(obj)}"]
    allowed = ", ".join(fields)
    messages = [f"missing field '{name}'" for name in fields if name not in obj and name not in optional]
    messages += [f"unknown field '{shown(name)}' (allowed: {allowed})" for name in obj if name not in fields]
    for name, shape in fields.items():
        if name in obj and not _has_shape(obj[name], shape):
            messages.append(f"field '{name}' must be {_SHAPES[shape]}, got {json_type(obj[name])}")
        elif name in obj and name != "id" and shape != "objects":  # an id has its own, stricter form check
            messages += _bad_characters(name, obj[name])
    return messages


def empty_fields(obj: dict, names: tuple[str, ...]) -> list[str]:
    """Text fields that are present but hold only whitespace."""
    return [f"field '{name}' is empty" for name in names if isinstance(obj.get(name), str) and not obj[name].strip()]


def text_problem(text: str) -> str | None:
    """What breaks the gold set's text rule (BAD_CHARACTER) in `text`, None when nothing does."""
    bad = BAD_CHARACTER.search(text)
    if bad is None:
        return None
    return (f"contains the character {shown(bad.group())} at offset {bad.start()} "
            "(control characters other than newline and tab, and lone surrogates, are not allowed)")


def _bad_characters(name: str, value: object) -> list[str]:
    """A control character (other than newline and tab) or a lone surrogate: not text."""
    for text in [value] if isinstance(value, str) else value if isinstance(value, list) else []:
        problem = text_problem(text)
        if problem:
            return [f"field '{name}' {problem}"]
    return []


def _has_shape(value: object, shape: str) -> bool:
    if shape == "str":
        return isinstance(value, str)
    if shape == "str?":
        return value is None or isinstance(value, str)
    if shape == "bool":
        return isinstance(value, bool)
    item = str if shape == "str_list" else dict
    return isinstance(value, list) and all(isinstance(v, item) for v in value)


def json_type(value: object) -> str:
    names = {dict: "an object", list: "a list", str: "a string", bool: "a boolean",
             int: "a number", float: "a number", type(None): "null"}
    return names.get(type(value), type(value).__name__)


def escaped(value: str) -> str:
    """A name as ASCII, so look-alike characters (Arabic-Indic digits, fullwidth letters) show."""
    return value.encode("unicode_escape").decode("ascii")
