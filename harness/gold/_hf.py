"""`--format hf`: the rows of a `datasets` dataset: a directory written by save_to_disk
(datasets.load_from_disk), parquet files (pyarrow), JSON Lines / JSON array files, or a hub
name (datasets.load_dataset, online only). Each row is a dict of column values; where a row
is: `FILE:LINE` for JSON Lines, `SOURCE: row N` (N from 0, as `dataset[N]`) otherwise."""

from __future__ import annotations

import os
from pathlib import Path

from harness.errors import HarnessError, shown

from ._columns import LEAD, Row
from ._files import read_input
from ._read import NotJSON, parse_json

_SAVED_MARKERS = ("dataset_info.json", "state.json", "dataset_dict.json")
_JSON_SUFFIXES = (".json", ".jsonl")


def dataset_rows(source: str, split: str | None, subset: str | None) -> tuple[list[Row], str, list[str]]:
    """(rows, display name, column names) of the dataset at `source`."""
    path = Path(source)
    if path.is_dir():
        if any((path / marker).is_file() for marker in _SAVED_MARKERS):
            return _saved(path, split)
        files = sorted(p for p in path.iterdir() if p.suffix in (".parquet", *_JSON_SUFFIXES) and p.is_file())
        if not files:
            raise HarnessError(f"{LEAD}: {source}: a directory with neither a saved dataset (save_to_disk) nor "
                               "parquet or JSON files", exit_code=2)
        return _files(files, source)
    if path.is_file():
        return _files([path], source)
    if path.suffix in (".parquet", *_JSON_SUFFIXES) or source.startswith((".", "/", "~")) or os.sep * 2 in source:
        raise HarnessError(f"cannot read the dataset {source}: no such file or directory", exit_code=2)
    return _hub(source, split, subset)


def _saved(path: Path, split: str | None) -> tuple[list[Row], str, list[str]]:
    import datasets

    try:
        loaded = datasets.load_from_disk(str(path))
    except Exception as error:  # any failure of the loader is a bad dataset directory
        raise HarnessError(f"cannot read the saved dataset {path}: {_first_line(error)}", exit_code=2) from None
    return _from_dataset(_one_split(loaded, split, str(path)), str(path))


def _hub(name: str, split: str | None, subset: str | None) -> tuple[list[Row], str, list[str]]:
    import datasets

    try:
        loaded = datasets.load_dataset(name, subset, split=split)
    except Exception as error:  # offline, unknown name, missing subset: one line, whatever the cause
        raise HarnessError(f"cannot load the dataset '{shown(name)}' from the Hugging Face hub (a name that is "
                           f"not a local path; offline?): {type(error).__name__}: {_first_line(error)}",
                           exit_code=2) from None
    return _from_dataset(_one_split(loaded, split, name), name)


def _one_split(loaded, split: str | None, where: str):
    """The Dataset itself, or the requested (or only) split of a DatasetDict."""
    if not hasattr(loaded, "keys"):
        return loaded
    names = list(loaded.keys())
    if split is None and len(names) == 1:
        return loaded[names[0]]
    if split in names:
        return loaded[split]
    wanted = "needs --split" if split is None else f"has no split '{shown(split)}'"
    raise HarnessError(f"{LEAD}: {where} {wanted} (splits: {', '.join(names)})", exit_code=2)


def _from_dataset(dataset, where: str) -> tuple[list[Row], str, list[str]]:
    rows = [Row(f"{where}: row {n}", dict(row)) for n, row in enumerate(dataset)]
    if not rows:
        raise HarnessError(f"{LEAD}: {where}: the dataset has no rows", exit_code=2)
    return rows, where, list(dataset.column_names)


def _files(files: list[Path], source: str) -> tuple[list[Row], str, list[str]]:
    rows: list[Row] = []
    for file in files:
        rows += _parquet(file) if file.suffix == ".parquet" else _json(file)
    if not rows:
        raise HarnessError(f"{LEAD}: {source}: the dataset has no rows", exit_code=2)
    columns = list(rows[0].values) if isinstance(rows[0].values, dict) else []
    return rows, source, columns


def _parquet(file: Path) -> list[Row]:
    import pyarrow
    import pyarrow.parquet

    try:
        table = pyarrow.parquet.read_table(file)
    except (OSError, pyarrow.ArrowException) as error:
        raise HarnessError(f"{LEAD}: {file}: not a parquet file that can be read: {_first_line(error)}",
                           exit_code=2) from None
    return [Row(f"{file}: row {n}", row) for n, row in enumerate(table.to_pylist())]


def _json(file: Path) -> list[Row]:
    """A JSON array of objects, or JSON Lines (what Dataset.to_json writes)."""
    from ._mapped import jsonl_rows

    text, where = read_input(file, "dataset file", LEAD)
    if not text.lstrip().startswith("["):
        return jsonl_rows(text, where)
    try:
        values = parse_json(text)
    except NotJSON as error:
        line = f":{error.line}" if error.line else ""
        raise HarnessError(f"{LEAD}: {where}{line}: {error.message}", exit_code=2) from None
    return [Row(f"{where}: row {n}", value) for n, value in enumerate(values)]


def _first_line(error: BaseException) -> str:
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    return shown(lines[0][:300]) if lines else "no message"
