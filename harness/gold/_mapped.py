"""Imports read by column (see _columns): `--format summaries --columns ...` (a JSON Lines file
whose columns have other names), `--format xsum` (the XSum export: `bbcid`, `document`,
`summary`, quotes escaped as in its source files) and `--format hf` (see _hf)."""

from __future__ import annotations

import dataclasses
import os
import re
from pathlib import Path

from harness.errors import HarnessError

from ._articles import ImportOptions
from ._columns import LEAD, Reading, Row, documents, fail, mapping_kind, problem, squad_json
from ._files import read_input
from ._read import NotJSON, parse_json
from ._squad import parse_squad
from ._write import NewArticle, Pending

MAPPED_FORMATS = ("xsum", "hf")
XSUM_COLUMNS = "id=bbcid,article=document,references=summary"


def read_mapped(source: str | os.PathLike, format: str, options: ImportOptions) -> tuple[list[NewArticle], list[Pending]]:
    """The new articles and items of a column-mapped import, all checked; HarnessError (exit 2)
    naming the file and line (or row) of the first problem."""
    if format == "hf":
        from ._hf import dataset_rows

        rows, name, columns = dataset_rows(str(source), options.split, options.subset)
        return _rows_to_gold(rows, name, columns, options, Reading("hf"))
    text, where = read_input(Path(source), "import file", LEAD)
    rows = jsonl_rows(text, where)
    if format == "xsum":
        options = dataclasses.replace(options, columns=options.columns or XSUM_COLUMNS,
                                      style=options.style or "one_sentence")
        return documents(rows, options.columns, options, XSUM)
    if format == "summaries":
        return documents(rows, options.columns, options, Reading("summaries"))
    raise HarnessError(f"--columns does not apply to --format {format} (only summaries, xsum, hf)", exit_code=2)


def _rows_to_gold(rows: list[Row], name: str, columns: list[str], options: ImportOptions,
                  reading: Reading) -> tuple[list[NewArticle], list[Pending]]:
    if mapping_kind(options.columns, columns) == "summary":
        return documents(rows, options.columns, options, reading)
    if options.style is not None:
        raise HarnessError("--style does not apply to a QA dataset (question/answers columns)", exit_code=2)
    return parse_squad(squad_json(rows, options.columns, Path(name).name or name), name, options)


def jsonl_rows(text: str, where: str) -> list[Row]:
    """One Row per non-blank line of a JSON Lines file; HarnessError (exit 2) for a line that is
    not JSON or a file with no line at all."""
    rows, problems = [], []
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            rows.append(Row(f"{where}:{number}", parse_json(line)))
        except NotJSON as error:
            problems.append(problem(f"{where}:{number}", error.message))
    fail(problems)
    if not rows:
        raise HarnessError(f"{LEAD}: {where}: the file has no lines (one JSON object a line)", exit_code=2)
    return rows


# -- XSum ----------------------------------------------------------------------------------------

_BACKSLASH_QUOTE = re.compile(r"\\(['\"])")


def xsum_reference(text: str) -> str:
    """An XSum summary as written: `\\'` -> `'`, then the PTB quotes `` and '' -> `"`."""
    return _BACKSLASH_QUOTE.sub(r"\1", text).replace("``", '"').replace("''", '"')


def xsum_document(text: str) -> str:
    """An XSum document has one paragraph a line: each line break becomes a paragraph break."""
    return text.replace("\r\n", "\n").replace("\n", "\n\n")


def _xsum_note(values: dict) -> str:
    cut = values.get("cut")
    return f" (bbcid; the export's cut '{cut}')" if isinstance(cut, str) else " (bbcid)"


XSUM = Reading("xsum", id_prefix="xsum-", article_fix=xsum_document, reference_fix=xsum_reference, note=_xsum_note)
