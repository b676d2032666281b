"""The run log: an append-only JSONL of finished generations, fsynced per batch.

It is what makes a run resumable: after a crash (even SIGKILL) the log holds every batch that
was finished, and a torn last line (the write the crash interrupted) is dropped, not fatal.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, Iterable

from harness.errors import HarnessError

RUN_LOG_NAME = "run-log.jsonl"


def read_run_log(path: Path) -> dict[tuple[str, str, str], dict[str, Any]]:
    """(model, task, id) -> record; a later record for the same key wins; a torn tail is skipped."""
    records: dict[tuple[str, str, str], dict[str, Any]] = {}
    if not path.exists():
        return records
    lines = path.read_bytes().split(b"\n")
    lines.pop()  # after the last newline: empty, or a line whose write was cut short
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            key = (record["model"], record["task"], record["id"])
        except (ValueError, KeyError, TypeError) as error:
            raise HarnessError(f"{path}:{number}: damaged run log line ({error}); remove the line or start a new run") from None
        records[key] = record
    return records


class RunLog:
    """Appends records; each `append_batch` ends with flush + fsync."""

    def __init__(self, path: Path):
        self.path = path
        _drop_torn_tail(path)
        self._file = open(path, "ab")

    def append_batch(self, records: Iterable[dict[str, Any]]) -> None:
        data = b"".join(json.dumps(r, ensure_ascii=False).encode("utf-8") + b"\n" for r in records)
        if not data:
            return
        self._file.write(data)
        self._file.flush()
        os.fsync(self._file.fileno())

    def close(self) -> None:
        self._file.close()


def _drop_torn_tail(path: Path) -> None:
    """Cut a last line that has no newline, so new records start on a line of their own."""
    if not path.exists():
        return
    data = path.read_bytes()
    if data and not data.endswith(b"\n"):
        with open(path, "r+b") as file:
            file.truncate(data.rfind(b"\n") + 1)
