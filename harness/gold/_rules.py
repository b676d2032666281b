"""The gold format: its constants (QA types, styles, fields, the id scheme) and every rule,
for one record and across records; a broken rule is a Problem."""

from __future__ import annotations

import codecs
import os
import re
import unicodedata
from dataclasses import dataclass, replace
from pathlib import Path

from harness.errors import HarnessError, printable, shown
from harness.text import normalize_answer

from ._model import ArticleSource, Record

ARTICLE_ID_RE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*\Z")  # \Z: no trailing newline either
# C0 and C1 control characters except tab and newline, and lone surrogates (not encodable).
BAD_CHARACTER = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")
QA_TYPES = (
    "number", "date", "person", "place", "organization",
    "quantity", "reason", "yes_no", "unanswerable", "other",
)
STYLES = ("headline", "one_sentence", "short")
META_FIELDS = ("id", "title", "source", "place", "date", "origin")
ARTICLE_FILES = ("article.txt", "meta.json", "qa.jsonl", "summaries.jsonl")
JSONL_FILES = {"qa": "qa.jsonl", "summary": "summaries.jsonl"}

# field name -> expected JSON type ("str" or "str_list"), in the order items are written.
QA_FIELDS = {"id": "str", "question": "str", "answers": "str_list", "evidence": "str", "type": "str"}
SUMMARY_FIELDS = {"id": "str", "style": "str", "text": "str"}
FIELDS = {"qa": QA_FIELDS, "summary": SUMMARY_FIELDS}
ID_LETTER = {"qa": "q", "summary": "s"}
NEAR_DUPLICATE = 0.9
TOO_DEEP = "arrays or objects nested too deeply"
BOM = "starts with a UTF-8 byte order mark; save the file as UTF-8 without BOM"


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


# -- files and directories -----------------------------------------------------------------------

def has_bom(data: bytes) -> bool:
    """Whether a file starts with a UTF-8 byte order mark (refused: it would become part of the
    first line's text, invisibly)."""
    return data.startswith(codecs.BOM_UTF8)


def directory_name_problem(name: str) -> str | None:
    if ARTICLE_ID_RE.match(name):
        return None
    return (f"article directory name '{_escaped(name)}' is not "
            "lower-case letters, digits and hyphens (^[a-z0-9]+(-[a-z0-9]+)*$)")


def stray_files(paths: list[str]) -> list[Problem]:
    """Files in an article directory that are not one of the four gold files."""
    problems = []
    for rel in sorted(paths):
        parts = rel.split("/")
        if len(parts) > 1 and ARTICLE_ID_RE.match(parts[0]) and (len(parts) > 2 or parts[1] not in ARTICLE_FILES):
            problems.append(Problem(rel, None, f"unexpected file (allowed: {', '.join(ARTICLE_FILES)})"))
    return problems


def article_format(rel: str, text: str) -> list[Problem]:
    """One paragraph a line, exactly one blank line between paragraphs, a final newline."""
    if not text.strip():
        return [Problem(rel, None, "article.txt is empty")]
    problems = []
    if not text.endswith("\n") or text.endswith("\n\n"):
        problems.append(Problem(rel, text.count("\n") + 1, "article.txt must end with exactly one newline"))
    previous = ""  # as if a blank line came before the first paragraph
    for number, line in enumerate(text.rstrip("\n").split("\n"), start=1):
        message = _line_format(line, previous, number)
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


# -- one record ----------------------------------------------------------------------------------

def check_fields(obj: object, fields: dict[str, str]) -> list[str]:
    """Missing, unknown and wrongly typed fields of one JSON object."""
    if not isinstance(obj, dict):
        return [f"expected a JSON object, got {_json_type(obj)}"]
    allowed = ", ".join(fields)
    messages = [f"missing field '{name}'" for name in fields if name not in obj]
    messages += [f"unknown field '{shown(name)}' (allowed: {allowed})" for name in obj if name not in fields]
    for name, kind in fields.items():
        if name in obj and not _has_type(obj[name], kind):
            wanted = "a string" if kind == "str" else "a list of strings"
            messages.append(f"field '{name}' must be {wanted}, got {_json_type(obj[name])}")
        elif name in obj and name != "id":  # an id has its own, stricter form check
            messages += _bad_characters(name, obj[name])
    return messages


def _bad_characters(name: str, value: str | list[str]) -> list[str]:
    """A control character (other than newline and tab) or a lone surrogate: not text."""
    for text in [value] if isinstance(value, str) else value:
        bad = BAD_CHARACTER.search(text)
        if bad:
            return [f"field '{name}' contains the character {shown(bad.group())} at offset {bad.start()} "
                    "(control characters other than newline and tab, and lone surrogates, are not allowed)"]
    return []


def check_qa(obj: object, article_id: str) -> list[str]:
    """Every problem of one qa.jsonl record that can be seen without the rest of the gold set."""
    messages = check_fields(obj, QA_FIELDS)
    if messages:
        return messages
    messages = _empty_fields(obj, ("id", "question", "type"))
    messages += [f"answers[{i}] is empty" for i, a in enumerate(obj["answers"]) if not a.strip()]
    messages += _check_id(obj["id"], article_id, "qa")
    if obj["type"].strip() and obj["type"] not in QA_TYPES:
        messages.append(f"unknown type '{shown(obj['type'])}' (allowed: {', '.join(QA_TYPES)})")
    return messages + _check_answerability(obj)


def check_summary(obj: object, article_id: str) -> list[str]:
    """Every problem of one summaries.jsonl record that can be seen on its own."""
    messages = check_fields(obj, SUMMARY_FIELDS)
    if messages:
        return messages
    messages = _empty_fields(obj, ("id", "style", "text"))
    messages += _check_id(obj["id"], article_id, "summary")
    if obj["style"].strip() and obj["style"] not in STYLES:
        messages.append(f"unknown style '{shown(obj['style'])}' (allowed: {', '.join(STYLES)})")
    if obj["text"].strip() and any(not line.strip() for line in obj["text"].split("\n")):
        messages.append("field 'text' has an empty line (write one sentence a line, no blank lines)")
    return messages


def check_meta(obj: object, article_id: str) -> list[str]:
    """Problems of meta.json: exactly the known fields, non-empty strings, id = directory name."""
    fields = {name: "str" for name in META_FIELDS}
    messages = check_fields(obj, fields)
    if messages:
        return messages
    messages = _empty_fields(obj, META_FIELDS)
    if obj["id"].strip() and obj["id"] != article_id:
        messages.append(f"id '{shown(obj['id'])}' does not match the directory name '{article_id}'")
    return messages


def _check_answerability(obj: dict) -> list[str]:
    kind = obj["type"]
    if kind == "unanswerable":
        messages = [] if obj["answers"] == [] else ["unanswerable item must have answers []"]
        return messages + ([] if obj["evidence"] == "" else ['unanswerable item must have evidence ""'])
    messages = []
    if not obj["answers"]:
        messages.append(f"answerable item (type '{kind}') has no answers; "
                        "use type 'unanswerable' for a question the article does not answer")
    if not obj["evidence"].strip():
        messages.append("field 'evidence' is empty; an answerable item needs a verbatim span of article.txt")
    if kind == "yes_no" and obj["answers"] and normalize_answer(obj["answers"][0]) not in ("yes", "no"):
        messages.append("a yes_no item's first answer must be 'yes' or 'no'")
    return messages


def _check_id(value: str, article_id: str, kind: str) -> list[str]:
    if not value.strip() or id_number(article_id, kind, value) is not None:
        return []
    example = item_id(article_id, kind, 1)
    return [f"id '{_escaped(value)[:80]}' is not of the form '{example}' "
            f"(article id, '-{ID_LETTER[kind]}', 3+ digits)"]


def _empty_fields(obj: dict, names: tuple[str, ...]) -> list[str]:
    return [f"field '{name}' is empty" for name in names if not obj[name].strip()]


def _has_type(value: object, kind: str) -> bool:
    if kind == "str":
        return isinstance(value, str)
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


def _json_type(value: object) -> str:
    names = {dict: "an object", list: "a list", str: "a string", bool: "a boolean",
             int: "a number", float: "a number", type(None): "null"}
    return names.get(type(value), type(value).__name__)


def _escaped(value: str) -> str:
    """A name as ASCII, so look-alike characters (Arabic-Indic digits, fullwidth letters) show."""
    return value.encode("unicode_escape").decode("ascii")


# -- across records ------------------------------------------------------------------------------

def check_across(articles: list[ArticleSource]) -> list[Problem]:
    """The rules that need more than one record: unique ids, distinct questions, evidence that
    is a verbatim span of its article and contains each answer."""
    problems = _duplicate_ids(articles)
    for article in articles:
        problems += _duplicate_questions(article.qa)
        problems += [p for record in article.qa for p in _evidence_problems(record, article)]
    return problems


def _duplicate_ids(articles: list[ArticleSource]) -> list[Problem]:
    first: dict[str, Record] = {}
    problems = []
    for record in (r for a in articles for r in a.qa + a.summaries):
        seen = first.setdefault(record.data["id"], record)
        if seen is not record:
            problems.append(Problem(record.rel, record.line,
                                    f"duplicate id '{record.data['id']}' (first used at {seen.rel}:{seen.line})"))
    return problems


def _duplicate_questions(records: tuple[Record, ...]) -> list[Problem]:
    """Questions equal after normalization, or with token-set Jaccard >= 0.9, to an earlier one."""
    earlier: list[tuple[str, set[str], str]] = []
    problems = []
    for record in records:
        key = _question_key(record.data["question"])
        tokens = set(key.split())
        message = _compare_question(key, tokens, earlier)
        if message:
            problems.append(Problem(record.rel, record.line, message))
        earlier.append((key, tokens, record.data["id"]))
    return problems


def _compare_question(key: str, tokens: set[str], earlier: list[tuple[str, set[str], str]]) -> str | None:
    for other_key, other_tokens, other_id in earlier:
        if key == other_key:
            return f"question duplicates {other_id} after normalization (case, punctuation, whitespace)"
        score = _jaccard(tokens, other_tokens)
        if score >= NEAR_DUPLICATE:
            return (f"question is a near-duplicate of {other_id} "
                    f"(token-set Jaccard {score:.2f} >= {NEAR_DUPLICATE})")
    return None


def _evidence_problems(record: Record, article: ArticleSource) -> list[Problem]:
    data = record.data
    if data["type"] == "unanswerable":
        return []
    messages = []
    if article.text is not None and data["evidence"] not in article.text:
        messages.append(f"evidence is not a verbatim span of {article.id}/article.txt: "
                        f"\"{shown(data['evidence'], 60)}\"")
    if data["type"] != "yes_no":
        messages += [f"answer '{shown(answer)}' does not occur in the evidence (compared after SQuAD "
                     "normalization: lower-case, no punctuation, no a/an/the)"
                     for answer in data["answers"] if not _occurs_in(answer, data["evidence"])]
    return [Problem(record.rel, record.line, m) for m in messages]


def _occurs_in(answer: str, evidence: str) -> bool:
    """Whether the normalized answer is a run of whole tokens of the normalized evidence."""
    needle = normalize_answer(answer)
    return bool(needle) and f" {needle} " in f" {normalize_answer(evidence)} "


def _question_key(question: str) -> str:
    """A question with case, punctuation (any script) and spacing differences removed."""
    kept = "".join(c for c in question.lower() if not unicodedata.category(c).startswith("P"))
    return " ".join(kept.split())


def _jaccard(a: set[str], b: set[str]) -> float:
    """Token-set Jaccard similarity; 1.0 for two empty sets."""
    union = a | b
    return len(a & b) / len(union) if union else 1.0
