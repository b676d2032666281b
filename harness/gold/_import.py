"""`harness gold import`: many items or articles at once, all or nothing, from
- jsonl: one gold item a line (`article` names an existing article);
- squad: SQuAD v1.1 / v2.0 JSON (see _squad), one new article per paragraph;
- summaries: one document a line, `{"id", "article", "references": [...]}` as CNN/DailyMail and
  XSum exports have it; each becomes an article whose references are `written` summaries of
  the style given with --style.
Files are read before the gold directory is locked (an import file may be a pipe).
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass
from pathlib import Path

from harness.errors import HarnessError, shown

from ._articles import ImportOptions, article_text, check_options, new_meta, slug
from ._files import gold_root, read_input
from ._model import GoldTree
from ._read import NotJSON, parse_json
from ._rules import STYLES, GoldInvalid, Problem, more, text_problem
from ._squad import parse_squad
from ._write import NewArticle, Pending, add_items, checked_plan, known_articles

_LEAD = "nothing imported"


@dataclass(frozen=True)
class Imported:
    """What an import added (or would add): the new article ids and the item records as written."""

    articles: list[str]
    records: list[dict]


def import_items(gold_dir: str | os.PathLike, file: str | os.PathLike, dry_run: bool = False) -> list[dict]:
    """Append every item of a JSONL file to existing articles, or none of them; the records."""
    root = gold_root(gold_dir)
    text, where = read_input(Path(file), "import file", _LEAD)
    pendings = _jsonl_items(text, where, known_articles(root))
    return add_items(root, pendings, dry_run) if pendings else []


def import_dataset(gold_dir: str | os.PathLike, file: str | os.PathLike, format: str,
                   options: ImportOptions = ImportOptions(), dry_run: bool = False) -> Imported:
    """Create the articles and items of a SQuAD JSON or summaries JSONL file, all or nothing.
    The gold directory is created when it does not exist yet (a dataset of its own)."""
    if format not in PARSERS:
        raise HarnessError(f"unknown dataset format '{shown(format)}' (allowed: {', '.join(PARSERS)}; "
                           "gold items in JSONL go through import_items)", exit_code=2)
    if format == "summaries" and options.style not in STYLES:
        raise HarnessError(f"import --format summaries needs --style, one of {', '.join(STYLES)} (one_sentence "
                           "for XSum-like one-line references, short for CNN/DailyMail highlights)", exit_code=2)
    check_options(_LEAD, source=options.source, license=options.license)
    text, where = read_input(Path(file), "import file", _LEAD)
    parse = PARSERS[format]
    articles, pendings = parse(text, where, options)
    del text
    root = Path(gold_dir)
    if _is_dir(root):
        return Imported([a.id for a in articles], add_items(root, pendings, dry_run, articles))
    if dry_run:  # checked as the set it would create
        return Imported([a.id for a in articles], checked_plan(GoldTree(root), pendings, articles).records)
    created = _make_dirs(root)
    try:
        return Imported([a.id for a in articles], add_items(root, pendings, dry_run, articles))
    except BaseException:
        for directory in reversed(created):  # a refused import leaves no directory behind
            with contextlib.suppress(OSError):
                directory.rmdir()
        raise


def _is_dir(path: Path) -> bool:
    try:
        return path.is_dir()
    except OSError:  # e.g. a name too long for the file system
        return False


def _make_dirs(root: Path) -> list[Path]:
    """Create the gold directory and any missing parents; the directories created, outermost first."""
    missing = [path for path in (root, *root.parents) if not path.exists()][::-1]
    try:
        for path in missing:
            path.mkdir()
    except OSError as error:
        for path in reversed(missing):
            with contextlib.suppress(OSError):
                path.rmdir()
        raise HarnessError(f"cannot create the gold directory {root}: {error.strerror or error}") from None
    return missing


# -- jsonl ---------------------------------------------------------------------------------------

def _jsonl_items(text: str, where: str, known: list[str]) -> list[Pending]:
    pendings, problems = [], []
    for number, line in enumerate(text.split("\n"), start=1):
        if line.strip():
            result = _jsonl_line(line, known, f"{where}:{number}")
            if isinstance(result, Pending):
                pendings.append(result)
            else:
                problems.append(Problem(where, number, result))
    if problems:
        raise GoldInvalid(f"{_LEAD}: {problems[0]}" + more(len(problems)), problems)
    return pendings


def _jsonl_line(line: str, known: list[str], origin: str) -> Pending | str:
    """A Pending item, or the message saying why the line cannot be one. A QA item's type and
    reasoning default to description and lookup, as with add-qa."""
    try:
        obj = parse_json(line)
    except NotJSON as error:
        return error.message
    if not isinstance(obj, dict):
        return "expected a JSON object"
    article = obj.pop("article", None)
    if not isinstance(article, str) or not article:
        return "missing field 'article' (the article id)"
    if article not in known:
        return f"unknown article '{shown(article)}' (known: {', '.join(known) or 'none'})"
    if "question" in obj:
        defaults = {"type": "description", "reasoning": "lookup"}
        if obj.get("type") == "unanswerable":
            defaults["plausible_answers"] = []
        return Pending(article, "qa", {**defaults, **obj}, origin)
    if "style" in obj or "text" in obj:
        return Pending(article, "summary", {"source": "written", **obj}, origin)
    return "neither a QA item ('question', ...) nor a summary ('style', 'text')"


# -- summaries (documents with references) -------------------------------------------------------

_DOCUMENT_FIELDS = ("id", "article", "references")


def _documents(text: str, where: str, options: ImportOptions) -> tuple[list[NewArticle], list[Pending]]:
    articles, pendings, problems, lines = [], [], [], {}
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            article, references = _document(line, f"{where}:{number}", options, lines, number)
        except ValueError as error:
            problems.append(Problem(where, number, str(error)))
            continue
        articles.append(article)
        pendings += [Pending(article.id, "summary", ref, article.origin) for ref in references]
    if problems:
        raise GoldInvalid(f"{_LEAD}: {problems[0]}" + more(len(problems)), problems)
    return articles, pendings


def _document(line: str, origin: str, options: ImportOptions, lines: dict[str, int],
              number: int) -> tuple[NewArticle, list[dict]]:
    """One document line as a new article (id: the slug of its id) and its reference records."""
    try:
        obj = parse_json(line)
    except NotJSON as error:
        raise ValueError(error.message) from None
    if not isinstance(obj, dict) or sorted(obj) != sorted(_DOCUMENT_FIELDS):
        raise ValueError(f"expected an object with exactly the fields {', '.join(_DOCUMENT_FIELDS)}")
    doc_id, body, references = obj["id"], obj["article"], obj["references"]
    if isinstance(doc_id, bool) or not isinstance(doc_id, (str, int)) or not str(doc_id).strip():
        raise ValueError("'id' must be a non-empty string or a number")
    if text_problem(str(doc_id)):
        raise ValueError(f"'id' {text_problem(str(doc_id))}")
    if not isinstance(body, str) or not isinstance(references, list) or not references \
            or not all(isinstance(r, str) and r.strip() for r in references):
        raise ValueError("'article' must be a string and 'references' a non-empty list of non-empty strings")
    article_id = slug(str(doc_id))
    if article_id in lines:
        raise ValueError(f"id '{shown(doc_id)}' gives the article id '{article_id}', as line {lines[article_id]} does")
    lines[article_id] = number
    try:
        text = article_text(body, origin)
    except HarnessError as error:
        raise ValueError(error.message.removeprefix(f"{origin}: ")) from None
    meta = new_meta(article_id, f"Imported with `harness gold import --format summaries`: document '{doc_id}'.",
                    source=options.source or "a summarization dataset", license=options.license)
    records = [{"style": options.style, "text": _reference_text(r, options.style), "source": "written",
                "source_id": str(doc_id)} for r in references]
    return NewArticle(article_id, text, meta, origin), records


def _reference_text(reference: str, style: str) -> str:
    """A headline on one line; other styles one sentence a line (harness.sentences.split_sentences)."""
    if style == "headline":
        return " ".join(reference.split())
    from harness.sentences import split_sentences

    return "\n".join(" ".join(sentence.split()) for sentence in split_sentences(reference))


# Dataset formats: name -> parser(text, where, options) -> (new articles, their items). A new
# format registers its parser here.
PARSERS = {"squad": parse_squad, "summaries": _documents}
FORMATS = ("jsonl", *PARSERS)
