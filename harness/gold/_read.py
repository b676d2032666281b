"""Reading a gold set: the tree of files (see _files) parsed, every rule applied, loaded."""

from __future__ import annotations

import json
import os

from ._across import check_across
from ._files import gold_root, read_tree, tree_hash
from ._model import ArticleSource, Article, Gold, GoldTree, Record, judgment, paragraphs_of, qa_item, summary_ref
from ._records import check_judgment, check_meta, check_qa, check_summary, is_v1_record
from ._rules import (
    BOM, MIGRATE_HINT, TOO_DEEP, GoldInvalid, Problem, article_format, directory_name_problem, display_path,
    for_display, has_bom, stray_files,
)

# file name -> (record kind, check); judgments.jsonl is optional and outside the gold hash.
_JSONL = {"qa.jsonl": ("qa", check_qa), "summaries.jsonl": ("summary", check_summary),
          "judgments.jsonl": ("judgment", check_judgment)}
_V1_SHAPE = {"qa": "a single evidence string and no reasoning", "summary": "no source"}


# -- parsing and checking ------------------------------------------------------------------------

def check_tree(tree: GoldTree, keep: bool = True) -> tuple[list[ArticleSource], list[Problem]]:
    """Parse a gold tree and apply every rule; problem paths are relative to the gold root.
    With keep=False the parsed articles are not returned: each is checked and let go before the
    next is parsed (an import of many articles holds one at a time)."""
    problems = [Problem(rel, None, why) for rel, why in tree.unread.items()]
    if not tree.dirs:
        problems.append(Problem("", None, "no articles: expected directories gold/<article-id>/"))
    articles, first_use = [], {}
    for name in sorted(tree.dirs):
        message = directory_name_problem(name)
        if message:
            problems.append(Problem(name, None, message))
            continue
        article = _parse_article(tree, name, problems)
        if keep:
            articles.append(article)
        else:
            problems += check_across([article]) + _ids_used_before(article, first_use)
    problems += stray_files(list(tree.files))
    return articles, problems + (check_across(articles) if keep else [])


def _ids_used_before(article: ArticleSource, first_use: dict[str, tuple[str, str, int]]) -> list[Problem]:
    """The records of `article` whose id an earlier article already used (check_across finds
    the repeats within one article); records each id's first use."""
    problems = []
    for record in article.qa + article.summaries:
        where = first_use.setdefault(record.data["id"], (article.id, record.rel, record.line))
        if where[0] != article.id:
            problems.append(Problem(record.rel, record.line,
                                    f"duplicate id '{record.data['id']}' (first used at {where[1]}:{where[2]})"))
    return problems


def _parse_article(tree: GoldTree, name: str, problems: list[Problem]) -> ArticleSource:
    text = read_text(tree, f"{name}/article.txt", problems)
    format_problems = [] if text is None else article_format(f"{name}/article.txt", text)
    problems += format_problems
    meta_text = read_text(tree, f"{name}/meta.json", problems)
    meta = None if meta_text is None else _parse_meta(f"{name}/meta.json", meta_text, name, problems)
    records = {}
    for filename, (kind, check) in _JSONL.items():
        rel = f"{name}/{filename}"
        before = len(problems)
        text_of_file = read_text(tree, rel, problems, required=False) or ""
        records[filename] = _parse_jsonl(rel, text_of_file, name, kind, check, problems)
        if filename == "qa.jsonl":
            qa_complete = len(problems) == before and rel not in tree.unread
    return ArticleSource(name, text, meta, records["qa.jsonl"], records["summaries.jsonl"],
                         records["judgments.jsonl"], not format_problems, qa_complete)


def read_text(tree: GoldTree, rel: str, problems: list[Problem], required: bool = True) -> str | None:
    """The text of one gold file, or None (with a problem unless the file was already refused)."""
    data = tree.files.get(rel)
    if data is None:
        if required and rel not in tree.unread:
            problems.append(Problem(rel, None, f"missing {rel.rsplit('/', 1)[-1]}"))
        return None
    if has_bom(data):
        problems.append(Problem(rel, 1, BOM))
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        bad = data[error.start: error.start + 1].hex()
        problems.append(Problem(rel, line, f"not UTF-8 (byte 0x{bad} at offset {error.start}); "
                                "save the file as UTF-8"))
        return None


class NotJSON(Exception):
    """Text that json cannot read; `message` says why, `line` where (when known)."""

    def __init__(self, message: str, line: int | None = None):
        super().__init__(message)
        self.message, self.line = message, line


def parse_json(text: str) -> object:
    """json.loads, with every way of failing (syntax, nesting too deep, a number too long to
    convert) as NotJSON."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise NotJSON(f"not JSON: {error.msg} (column {error.colno})", error.lineno) from None
    except RecursionError:
        raise NotJSON(f"not JSON that can be read: {TOO_DEEP}") from None
    except ValueError:  # Python's cap on the digits of an int
        raise NotJSON("not JSON that can be read: a number with too many digits") from None


def _parse_jsonl(rel: str, text: str, article_id: str, kind: str, check, problems: list[Problem]) -> tuple[Record, ...]:
    records, old = [], []
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            if line or number < text.count("\n") + 1:
                problems.append(Problem(rel, number, "blank line (JSONL needs one object a line)"))
            continue
        try:
            data = parse_json(line)
        except NotJSON as error:
            problems.append(Problem(rel, number, error.message))
            continue
        if is_v1_record(kind, data):
            old.append(number)
            continue
        messages = check(data, article_id)
        problems += [Problem(rel, number, message) for message in messages]
        if not messages:
            records.append(Record(rel, number, data))
    if old:
        count = f"{len(old)} line{'' if len(old) == 1 else 's'}"
        problems.append(Problem(rel, old[0], f"old gold format (v1: {_V1_SHAPE[kind]}; {count}); {MIGRATE_HINT}"))
    return tuple(records)


def _parse_meta(rel: str, text: str, article_id: str, problems: list[Problem]) -> dict | None:
    try:
        data = parse_json(text)
    except NotJSON as error:
        problems.append(Problem(rel, error.line, error.message))
        return None
    if is_v1_record("meta", data):
        problems.append(Problem(rel, None, f"old gold format (v1 meta.json fields); {MIGRATE_HINT}"))
        return None
    messages = check_meta(data, article_id)
    problems += [Problem(rel, None, message) for message in messages]
    return None if messages else data


# -- the public entry points ---------------------------------------------------------------------

def validate_gold(gold_dir: str | os.PathLike) -> list[Problem]:
    """Every problem of the gold set in `gold_dir`, sorted by path and line ([] when valid)."""
    root = gold_root(gold_dir)
    return for_display(check_tree(read_tree(root), keep=False)[1], root)


def load_gold(gold_dir: str | os.PathLike) -> Gold:
    """Load and validate the gold set; GoldInvalid (exit code 1) names the first problem if any."""
    root = gold_root(gold_dir)
    tree = read_tree(root)
    articles, problems = check_tree(tree)
    if problems:
        problems = for_display(problems, root)
        raise GoldInvalid(_invalid_message(problems, display_path(root)), problems)
    return Gold(
        path=display_path(root),
        articles={a.id: Article(a.id, a.text, a.meta, paragraphs_of(a.text)) for a in articles},
        qa=tuple(qa_item(r.data, a.id) for a in articles for r in a.qa),
        summaries=tuple(summary_ref(r.data, a.id) for a in articles for r in a.summaries),
        hash=tree_hash(tree),
        judgments=tuple(judgment(r.data, a.id) for a in articles for r in a.judgments),
    )


def _invalid_message(problems: list[Problem], shown_root: str) -> str:
    command = "harness gold validate" + ("" if shown_root == "gold" else f" --gold {shown_root}")
    count = len(problems)
    return (f"invalid gold set: {problems[0]}; run `{command}` "
            f"for all {count} problem{'' if count == 1 else 's'}")
