"""Decode and parse the files of a gold tree; problems of syntax and of single records."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from ._problem import Problem
from ._schema import ARTICLE_FILES, ARTICLE_ID_RE, check_meta, check_qa, check_summary
from ._tree import GoldTree

# JSONL file -> (ArticleSource attribute, per-record check)
TOO_DEEP = "arrays or objects nested too deeply"
_JSONL_FILES = {"qa.jsonl": ("qa", check_qa), "summaries.jsonl": ("summaries", check_summary)}


@dataclass(frozen=True)
class Record:
    """One well-formed JSONL record and where it came from."""

    rel: str
    line: int
    data: dict


@dataclass
class ArticleSource:
    """What was parsed for one article; text or meta is None when missing or unreadable."""

    id: str
    text: str | None = None
    meta: dict | None = None
    qa: list[Record] = field(default_factory=list)
    summaries: list[Record] = field(default_factory=list)


def parse_tree(tree: GoldTree) -> tuple[list[ArticleSource], list[Problem]]:
    """Parse every article directory; return the parsed articles and every problem found."""
    problems: list[Problem] = []
    if not tree.dirs:
        problems.append(Problem("", None, "no articles: expected directories gold/<article-id>/"))
    articles = []
    for name in sorted(tree.dirs):
        if not ARTICLE_ID_RE.match(name):
            problems.append(Problem(name, None, f"article directory name '{_safe(name)}' is not "
                                    "lower-case letters, digits and hyphens (^[a-z0-9]+(-[a-z0-9]+)*$)"))
            continue
        articles.append(_parse_article(tree, name, problems))
    problems += _stray_files(tree)
    return articles, problems


def _parse_article(tree: GoldTree, name: str, problems: list[Problem]) -> ArticleSource:
    source = ArticleSource(name)
    source.text = _read_text(tree, f"{name}/article.txt", problems)
    if source.text is not None:
        problems += _article_format(f"{name}/article.txt", source.text)
    meta_text = _read_text(tree, f"{name}/meta.json", problems)
    if meta_text is not None:
        source.meta = _parse_meta(f"{name}/meta.json", meta_text, name, problems)
    for filename, (attribute, check) in _JSONL_FILES.items():
        text = _read_text(tree, f"{name}/{filename}", problems, required=False)
        setattr(source, attribute, _parse_jsonl(f"{name}/{filename}", text or "", name, check, problems))
    return source


def _read_text(tree: GoldTree, rel: str, problems: list[Problem], required: bool = True) -> str | None:
    data = tree.files.get(rel)
    if data is None:
        if required:
            problems.append(Problem(rel, None, f"missing {rel.rsplit('/', 1)[-1]}"))
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        bad = data[error.start: error.start + 1].hex()
        problems.append(Problem(rel, line, f"not UTF-8 (byte 0x{bad} at offset {error.start}); "
                                "save the file as UTF-8"))
        return None


def _parse_jsonl(rel: str, text: str, article_id: str, check, problems: list[Problem]) -> list[Record]:
    records = []
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            if line or number < text.count("\n") + 1:
                problems.append(Problem(rel, number, "blank line (JSONL needs one object a line)"))
            continue
        try:
            data = json.loads(line)
        except json.JSONDecodeError as error:
            problems.append(Problem(rel, number, f"not JSON: {error.msg} (column {error.colno})"))
            continue
        except RecursionError:
            problems.append(Problem(rel, number, f"not JSON that can be read: {TOO_DEEP}"))
            continue
        messages = check(data, article_id)
        problems += [Problem(rel, number, message) for message in messages]
        if not messages:
            records.append(Record(rel, number, data))
    return records


def _parse_meta(rel: str, text: str, article_id: str, problems: list[Problem]) -> dict | None:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        problems.append(Problem(rel, error.lineno, f"not JSON: {error.msg} (column {error.colno})"))
        return None
    except RecursionError:
        problems.append(Problem(rel, None, f"not JSON that can be read: {TOO_DEEP}"))
        return None
    messages = check_meta(data, article_id)
    problems += [Problem(rel, None, message) for message in messages]
    return None if messages else data


def _article_format(rel: str, text: str) -> list[Problem]:
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


def _stray_files(tree: GoldTree) -> list[Problem]:
    """Files in an article directory that are not one of the four gold files."""
    problems = []
    for rel in sorted(tree.files):
        parts = rel.split("/")
        if len(parts) > 1 and ARTICLE_ID_RE.match(parts[0]) and (len(parts) > 2 or parts[1] not in ARTICLE_FILES):
            problems.append(Problem(rel, None, f"unexpected file (allowed: {', '.join(ARTICLE_FILES)})"))
    return problems


def _safe(value: str) -> str:
    return value.encode("unicode_escape", "backslashreplace").decode("ascii")
