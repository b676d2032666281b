"""The run log: an append-only JSONL of finished generations, fsynced per batch.

It is what makes a run resumable: after a crash (even SIGKILL) the log holds every batch that
was finished, and a torn last line (the write the crash interrupted) is dropped, not fatal.
Each line carries a checksum of its record (CHECKSUM_FIELD); a line that is not JSON, not a
record, or whose checksum does not match (an edit by hand) is a miss: its item is generated again.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any, Iterable

from harness.errors import HarnessError

RUN_LOG_NAME = "run-log.jsonl"
CHECKSUM_FIELD = "line_sha256"


def read_run_log(path: Path) -> dict[tuple[str, str, str], dict[str, Any]]:
    """(model, task, id) -> record, as it was appended; a later record for the same key wins; a
    torn tail and the lines that are a miss (module docstring) are skipped."""
    records: dict[tuple[str, str, str], dict[str, Any]] = {}
    if not path.exists():
        return records
    lines = path.read_bytes().split(b"\n")
    lines.pop()  # after the last newline: empty, or a line whose write was cut short
    for line in lines:
        record = _record(line)
        if record is not None:
            records[(record["model"], record["task"], record["id"])] = record
    return records


def _record(line: bytes) -> dict[str, Any] | None:
    """The record a log line holds, or None when the line is a miss."""
    try:
        record = json.loads(line)
    except (ValueError, RecursionError):  # ValueError: not JSON, not UTF-8, a number too long
        return None
    if not isinstance(record, dict) or not all(isinstance(record.get(k), str) for k in ("model", "task", "id")):
        return None
    if record.pop(CHECKSUM_FIELD, None) != _checksum(record):
        return None
    return record


def _checksum(record: dict[str, Any]) -> str | None:
    """sha256 (hex) of the record as JSON, its keys in their order; None when it cannot be UTF-8
    JSON (a lone surrogate, a value json cannot write)."""
    try:
        return hashlib.sha256(json.dumps(record, ensure_ascii=False).encode("utf-8")).hexdigest()
    except (ValueError, TypeError):
        return None


def _line(record: dict[str, Any]) -> bytes:
    """One log line: the record with its checksum as the last field."""
    return json.dumps({**record, CHECKSUM_FIELD: _checksum(record)}, ensure_ascii=False).encode("utf-8") + b"\n"


class RunLog:
    """Appends records; each `append_batch` is written and fsynced before it returns."""

    def __init__(self, path: Path):
        self.path = path
        try:
            _drop_torn_tail(path)
            self._fd: int | None = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o666)
        except OSError as error:
            raise HarnessError(f"{path}: cannot open the run log: {error.strerror or error}") from None

    def append_batch(self, records: Iterable[dict[str, Any]]) -> None:
        data = b"".join(_line(r) for r in records)
        if not data:
            return
        if self._fd is None:
            raise HarnessError(f"{self.path}: the run log was closed after an earlier error")
        try:
            view = memoryview(data)
            while view:  # unbuffered: a failed write leaves no bytes behind to fail again at close
                view = view[os.write(self._fd, view):]
            os.fsync(self._fd)
        except OSError as error:
            self.close()  # nothing more goes after a possibly torn line; resume drops it
            raise HarnessError(
                f"{self.path}: cannot append to the run log: {error.strerror or error}; "
                "finished predictions up to here are kept: fix it, then rerun with --resume"
            ) from None

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


def _drop_torn_tail(path: Path) -> None:
    """Cut a last line that has no newline, so new records start on a line of their own."""
    if not path.exists():
        return
    data = path.read_bytes()
    if data and not data.endswith(b"\n"):
        with open(path, "r+b") as file:
            file.truncate(data.rfind(b"\n") + 1)
