"""What the command line does with the terminal: library warnings shown on stderr, standard
output pointed at the null device once its reader has gone, comma-separated name lists read."""

from __future__ import annotations

import logging
import os
import sys


def silence_stdout() -> None:
    """Point standard output at the null device, so that flushing it at exit cannot fail again
    on the pipe its reader closed."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)


def show_warnings() -> None:
    """The library logs its warnings (a model's trust_remote_code, a fast-path fallback) to the
    "harness" logger; the command line shows them on stderr."""
    logger = logging.getLogger("harness")
    if not any(isinstance(h, _StderrHandler) for h in logger.handlers):
        handler = _StderrHandler()
        handler.setFormatter(logging.Formatter("warning: %(message)s"))
        logger.addHandler(handler)
        logger.setLevel(logging.WARNING)


class _StderrHandler(logging.Handler):
    """Writes to whatever sys.stderr is at the time (a StreamHandler keeps the stream it was given)."""

    def emit(self, record: logging.LogRecord) -> None:
        print(self.format(record), file=sys.stderr)


def split_names(value: str | None) -> list[str] | None:
    """"a, b" -> ["a", "b"]; None or empty -> None."""
    return [name.strip() for name in value.split(",") if name.strip()] if value else None
