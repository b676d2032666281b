"""Rows of a dataset (a JSON Lines file, a saved or hub `datasets` dataset, parquet) mapped by
column onto gold articles: documents with reference summaries, or questions with answers on a
context (converted to SQuAD JSON and read by _squad, so QA rows get the SQuAD import's ids,
answers and evidence).

A mapping is `TARGET=COLUMN,...`; `references` and `answers` may join several columns with
`+` (`references=highlights+crowd_references`): each column holds a string or a list of strings.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Callable, Iterable

from harness.errors import HarnessError, shown

from ._articles import ImportOptions, article_text, new_meta, slug
from ._rules import STYLES, Problem, more
from ._write import NewArticle, Pending

LEAD = "nothing imported"
SUMMARY_TARGETS = ("id", "title", "article", "references")
QA_TARGETS = ("id", "title", "article", "question", "answers")
_JOINED = ("references", "answers")
SUMMARY_DEFAULTS = {"id": ("id",), "article": ("article",), "references": ("references",)}
QA_DEFAULTS = {"id": ("id",), "title": ("title",), "article": ("context",), "question": ("question",),
               "answers": ("answers",)}


@dataclass(frozen=True)
class Row:
    """One record of the dataset and where it is (`file:line`, `DIR: row N`)."""

    where: str
    values: dict


@dataclass(frozen=True)
class Reading:
    """How rows become articles: the format name (for meta.json's origin), the id prefix, and
    what is done to article text and reference text before they are stored."""

    format: str
    id_prefix: str = ""
    article_fix: Callable[[str], str] = lambda text: text
    reference_fix: Callable[[str], str] = lambda text: text
    note: Callable[[dict], str] = lambda values: ""


def parse_mapping(spec: str | None, targets: tuple[str, ...]) -> dict[str, tuple[str, ...]]:
    """{target: (column, ...)} from `article=document,references=a+b`; HarnessError (exit 2)
    naming the wrong part."""
    mapping: dict[str, tuple[str, ...]] = {}
    for part in (spec or "").split(","):
        if not part.strip():
            continue
        target, equals, columns = (s.strip() for s in part.partition("="))
        names = tuple(c.strip() for c in columns.split("+"))
        if not equals or not all(names):
            raise HarnessError(f"--columns: '{shown(part)}' is not TARGET=COLUMN (e.g. article=document)", exit_code=2)
        if target not in targets:
            raise HarnessError(f"--columns: unknown target '{shown(target)}' (allowed: {', '.join(targets)})",
                               exit_code=2)
        if len(names) > 1 and target not in _JOINED:
            raise HarnessError(f"--columns: only {' and '.join(_JOINED)} may join columns with '+', "
                               f"not {target}", exit_code=2)
        if target in mapping:
            raise HarnessError(f"--columns: target '{target}' is given twice", exit_code=2)
        mapping[target] = names
    return mapping


def mapping_kind(spec: str | None, columns: Iterable[str]) -> str:
    """"qa" when the mapping names a question column or, with no mapping, the dataset has a
    `question` column; else "summary"."""
    named = {part.partition("=")[0].strip() for part in (spec or "").split(",")}
    if "question" in named or "answers" in named:
        return "qa"
    return "qa" if not spec and "question" in set(columns) else "summary"


def fail(problems: list[Problem]) -> None:
    """Raise the first problem as the one-line error (exit 2), when there is one."""
    if problems:
        raise HarnessError(f"{LEAD}: {problems[0]}" + more(len(problems)), exit_code=2)


def problem(where: str, message: str) -> Problem:
    """A Problem at `file:line` (or at a place without a line number)."""
    path, colon, line = where.rpartition(":")
    if colon and line.isdigit():
        return Problem(path, int(line), message)
    return Problem(where, None, message)


# -- documents with references -------------------------------------------------------------------

def documents(rows: Iterable[Row], spec: str | None, options: ImportOptions,
              reading: Reading) -> tuple[list[NewArticle], list[Pending]]:
    """One new article per row with its references as `written` summaries of options.style."""
    if options.style not in STYLES:
        raise HarnessError(f"import --format {reading.format} needs --style, one of {', '.join(STYLES)} "
                           "(one_sentence for XSum-like one-line references, short for CNN/DailyMail highlights)",
                           exit_code=2)
    given = parse_mapping(spec, SUMMARY_TARGETS)
    mapping = {**SUMMARY_DEFAULTS, **given}
    articles, pendings, problems, seen = [], [], [], {}
    for number, row in enumerate(rows, start=1):
        try:
            article, records = _document(row, number, mapping, set(given), options, reading, seen)
        except ValueError as error:
            problems.append(problem(row.where, str(error)))
            continue
        articles.append(article)
        pendings += [Pending(article.id, "summary", record, row.where) for record in records]
    fail(problems)
    if not articles:
        raise HarnessError(f"{LEAD}: the dataset has no rows", exit_code=2)
    return articles, pendings


def _document(row: Row, number: int, mapping: dict, given: set, options: ImportOptions, reading: Reading,
              seen: dict[str, str]) -> tuple[NewArticle, list[dict]]:
    values = row.values
    if not isinstance(values, dict):
        raise ValueError("expected a JSON object (one document a line)")
    doc_id = _column(values, mapping, "id") if "id" in given or mapping["id"][0] in values else number
    if isinstance(doc_id, bool) or not isinstance(doc_id, (str, int)) or not str(doc_id).strip():
        raise ValueError(f"column '{mapping['id'][0]}' (the id) must be a non-empty string or a whole number, "
                         f"got {_kind(doc_id)}")
    body = _text(values, mapping, "article")
    references = [reading.reference_fix(r) for c in mapping["references"] for r in _strings(values, c)]
    title = _column(values, mapping, "title", optional=True) if "title" in mapping else None
    if title is not None and (not isinstance(title, str) or not title.strip()):
        raise ValueError(f"column '{mapping['title'][0]}' (the title) must be a non-empty string, got {_kind(title)}")
    article_id = slug(reading.id_prefix + str(doc_id))
    if article_id in seen:
        raise ValueError(f"id '{shown(doc_id)}' gives the article id '{article_id}', as {seen[article_id]} does")
    seen[article_id] = row.where
    try:
        text = article_text(reading.article_fix(body), row.where)
    except HarnessError as error:
        raise ValueError(error.message.removeprefix(f"{row.where}: ")) from None
    origin = (f"Imported with `harness gold import --format {reading.format}` from {row.where}: "
              f"document '{doc_id}'{reading.note(values)}.")
    meta = new_meta(article_id, origin, title, source=options.source or "a summarization dataset",
                    license=options.license)
    records = [{"style": options.style, "text": reference_text(r, options.style), "source": "written",
                "source_id": str(doc_id)} for r in references]
    return NewArticle(article_id, text, meta, row.where), records


def reference_text(reference: str, style: str) -> str:
    """A headline on one line; other styles one sentence a line (harness.sentences.split_sentences)."""
    if style == "headline":
        return " ".join(reference.split())
    from harness.sentences import split_sentences

    return "\n".join(" ".join(sentence.split()) for sentence in split_sentences(reference))


# -- questions with answers ----------------------------------------------------------------------

def squad_json(rows: Iterable[Row], spec: str | None, default_title: str) -> str:
    """SQuAD v2.0 JSON of QA rows: one paragraph per distinct (title, context), in row order."""
    given = parse_mapping(spec, QA_TARGETS)
    mapping = {**QA_DEFAULTS, **given}
    entries: dict[str, dict[str, list]] = {}
    problems, count = [], 0
    for number, row in enumerate(rows, start=1):
        count = number
        try:
            title, context, qa = _question(row, number, mapping, given, default_title)
        except ValueError as error:
            problems.append(problem(row.where, str(error)))
            continue
        entries.setdefault(title, {}).setdefault(context, []).append(qa)
    fail(problems)
    if not count:
        raise HarnessError(f"{LEAD}: the dataset has no rows", exit_code=2)
    data = [{"title": title, "paragraphs": [{"context": c, "qas": qas} for c, qas in paragraphs.items()]}
            for title, paragraphs in entries.items()]
    return json.dumps({"version": "v2.0", "data": data}, ensure_ascii=False)


def _question(row: Row, number: int, mapping: dict, given: dict, default_title: str) -> tuple[str, str, dict]:
    values = row.values
    if not isinstance(values, dict):
        raise ValueError("expected a JSON object (one question a line)")
    context = _text(values, mapping, "article")
    question = _text(values, mapping, "question")
    qid = _column(values, mapping, "id", optional="id" not in given)
    if isinstance(qid, bool) or (qid is not None and not isinstance(qid, (str, int))):
        raise ValueError(f"column '{mapping['id'][0]}' (the id) must be a string or a whole number, got {_kind(qid)}")
    title = _column(values, mapping, "title", optional="title" not in given)
    if title is not None and not isinstance(title, str):
        raise ValueError(f"column '{mapping['title'][0]}' (the title) must be a string, got {_kind(title)}")
    answers = []
    for column in mapping["answers"]:
        answers += _answers(values, column, context)
    qa = {"id": f"row-{number}" if qid is None else str(qid), "question": question,
          "answers": [{"text": t, "answer_start": s} for t, s in answers], "is_impossible": not answers}
    return title or default_title, context, qa


def _answers(values: dict, column: str, context: str) -> list[tuple[str, int]]:
    """(text, offset) pairs of a SQuAD-shaped {text: [...], answer_start: [...]} value, or of a
    list of strings (each located at its first occurrence in the context)."""
    if column not in values:
        raise ValueError(f"no column '{column}' (the answers; columns: {_names(values)})")
    value = values[column]
    if isinstance(value, dict):
        texts, starts = value.get("text"), value.get("answer_start")
        if not isinstance(texts, list) or not isinstance(starts, list) or len(texts) != len(starts) \
                or not all(isinstance(t, str) for t in texts) \
                or not all(isinstance(s, int) and not isinstance(s, bool) and s >= 0 for s in starts):
            raise ValueError(f"column '{column}' (the answers) must have lists 'text' (strings) and 'answer_start' "
                             "(whole numbers >= 0) of the same length")
        for text, start in zip(texts, starts):
            if context[start: start + len(text)] != text:
                raise ValueError(f"column '{column}': the context does not read '{shown(text)}' at offset {start}")
        return list(zip(texts, starts))
    texts = _strings(values, column, allow_empty_list=True)
    for text in texts:
        if text not in context:
            raise ValueError(f"column '{column}': the answer '{shown(text)}' does not occur in the context "
                             "(give SQuAD-shaped answers with answer_start for answers that are not spans)")
    return [(text, context.index(text)) for text in texts]


# -- values --------------------------------------------------------------------------------------

def _column(values: dict, mapping: dict, target: str, optional: bool = False):
    column = mapping[target][0]
    if column not in values:
        if optional:
            return None
        raise ValueError(f"no column '{column}' (the {target}; columns: {_names(values)})")
    return values[column]


def _text(values: dict, mapping: dict, target: str) -> str:
    value = _column(values, mapping, target)
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"column '{mapping[target][0]}' (the {target}) must be a non-empty string, got {_kind(value)}")
    return value


def _strings(values: dict, column: str, allow_empty_list: bool = False) -> list[str]:
    """A column holding a string or a list of strings, as a list; ValueError otherwise."""
    if column not in values:
        raise ValueError(f"no column '{column}' (columns: {_names(values)})")
    value = values[column]
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or (not items and not allow_empty_list):
        raise ValueError(f"column '{column}' must be a string or a non-empty list of strings, got {_kind(value)}")
    for n, item in enumerate(items):
        if not isinstance(item, str) or not item.strip():
            raise ValueError(f"column '{column}'[{n}] must be a non-empty string, got {_kind(item)}")
    return list(items)


def _names(values: dict) -> str:
    return ", ".join(shown(str(name)) for name in values) or "none"


def _kind(value: object) -> str:
    """What a wrong value is, for messages: its JSON kind, with a short string shown."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, str):
        return "an empty string" if not value.strip() else f"'{shown(value[:40])}'"
    return {int: "a number", float: "a number", list: "a list", dict: "an object"}.get(type(value), type(value).__name__)
