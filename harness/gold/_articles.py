"""New articles: clean text normalized to the article.txt format, meta.json with placeholders
for what is not known, ids derived from other names (slugs), and `harness gold add-article`."""

from __future__ import annotations

import os
import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from harness.errors import HarnessError, shown

from ._files import read_input
from ._records import is_full_date_time
from ._rules import article_id_problem, text_problem
from ._write import NewArticle, add_items

@dataclass(frozen=True)
class ImportOptions:
    """What an imported dataset file does not say: the meta.json `source` and `license` of every
    new article, and (summaries) the style of the references."""

    source: str | None = None
    license: str | None = None
    style: str | None = None


PLACEHOLDER_TITLE = "Untitled"
PLACEHOLDER_SOURCE = "unknown"
_BLANK_LINE = re.compile(r"\n[^\S\n]*\n")


def article_text(raw: str, where: str) -> str:
    """Clean text in the article.txt format: paragraphs are separated by blank lines (lines of
    only whitespace count); each paragraph becomes one line, every run of whitespace one space;
    one blank line between paragraphs, a final newline. HarnessError (exit 2) for text that
    breaks the text rule (_rules.text_problem), or no text at all."""
    text = raw.replace("\r\n", "\n").replace("\r", "\n")
    problem = text_problem(text)
    if problem:
        raise HarnessError(f"{where}: {problem}")
    paragraphs = [" ".join(block.split()) for block in _BLANK_LINE.split(text)]
    paragraphs = [p for p in paragraphs if p]
    if not paragraphs:
        raise HarnessError(f"{where}: no text (an article needs at least one paragraph)")
    return "\n\n".join(paragraphs) + "\n"


def new_meta(article_id: str, origin: str, title: str | None = None, source: str | None = None,
             date_time: str | None = None, license: str | None = None) -> dict:
    """meta.json for a new article: title "Untitled" and source "unknown" when not given, null
    for dateline, place, date, license and retrieved when not known, no truncated sentences."""
    return {"id": article_id, "title": title or PLACEHOLDER_TITLE, "source": source or PLACEHOLDER_SOURCE,
            "dateline": None, "place": None, "date": date_time, "origin": origin, "license": license,
            "retrieved": None, "truncated": []}


def slug(text: str) -> str:
    """Lower-case ASCII letters and digits of `text`, runs of anything else as one hyphen
    ("Sky_(United_Kingdom)" -> "sky-united-kingdom"); "untitled" when nothing is left."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return "-".join(re.findall(r"[a-z0-9]+", ascii_text.lower())) or "untitled"


def check_options(lead: str, **options: str | None) -> None:
    """HarnessError (exit 2) naming the first option (--title, --license, ...) whose value breaks
    the text rule (an undecodable byte on the command line becomes a lone surrogate)."""
    for name, value in options.items():
        problem = None if value is None else text_problem(value)
        if problem:
            raise HarnessError(f"{lead}: --{name} {problem}; give it as UTF-8 text", exit_code=2)


def add_article(gold_dir: str | os.PathLike, article_id: str, text_file: str | os.PathLike,
                title: str | None = None, date_time: str | None = None, source: str | None = None,
                dry_run: bool = False) -> NewArticle:
    """Create gold/<article_id>/ from a clean text file (see article_text), with meta.json from
    new_meta and empty qa.jsonl and summaries.jsonl; return what was (or would be) created."""
    message = article_id_problem(article_id)
    if message:
        raise HarnessError(f"cannot add article: {message}", exit_code=2)
    check_options("cannot add article", title=title, date=date_time, source=source)
    if date_time is not None and not is_full_date_time(date_time):
        raise HarnessError(f"cannot add article: --date '{shown(date_time)}' is not a full ISO 8601 date and "
                           "time with a UTC offset, e.g. 2019-04-23T06:41:00-05:00", exit_code=2)
    raw, where = read_input(Path(text_file), "article text file", "article not added")
    origin = (f"Text file {Path(text_file).name}, added with `harness gold add-article` on "
              f"{date.today().isoformat()}: paragraphs reflowed to one line each, whitespace runs made "
              "single spaces; nothing else changed.")
    article = NewArticle(article_id, article_text(raw, where), new_meta(article_id, origin, title, source, date_time),
                         where)
    add_items(gold_dir, [], dry_run, [article])
    return article
