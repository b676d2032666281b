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
    """Appends records; each `append_batch` is written and fsynced before it returns."""

    def __init__(self, path: Path):
        self.path = path
        try:
            _drop_torn_tail(path)
            self._fd: int | None = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o666)
        except OSError as error:
            raise HarnessError(f"{path}: cannot open the run log: {error.strerror or error}") from None

    def append_batch(self, records: Iterable[dict[str, Any]]) -> None:
        data = b"".join(json.dumps(r, ensure_ascii=False).encode("utf-8") + b"\n" for r in records)
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
