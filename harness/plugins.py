"""The registry of backends and metrics: Python entry points, built-ins and plugins alike.

A package adds a backend or a metric by declaring an entry point in its own metadata, the way
simonw/llm's plugins add models:

    [project.entry-points."harness.backends"]
    echo = "harness_echo:EchoBackend"          # a harness.backends.Backend subclass
    [project.entry-points."harness.metrics"]
    answer_words = "harness_echo:ANSWER_WORDS"  # a harness.tasks.Metric

The harness registers its own backends and metrics in its pyproject.toml exactly this way.
Names are listed without importing anything; an entry is imported only when it is used.
"""

from __future__ import annotations

import difflib
import functools
from importlib import metadata
from typing import Any

from harness.errors import HarnessError

GROUPS = {"backend": "harness.backends", "metric": "harness.metrics"}


@functools.lru_cache(maxsize=None)
def _entry_points(kind: str) -> dict[str, metadata.EntryPoint]:
    found: dict[str, metadata.EntryPoint] = {}
    for entry in metadata.entry_points(group=GROUPS[kind]):
        found.setdefault(entry.name, entry)  # the first distribution on sys.path wins, like imports
    return found


def names(kind: str) -> list[str]:
    """Sorted names registered as `kind` ("backend" or "metric")."""
    return sorted(_entry_points(kind))


def load(kind: str, name: str) -> Any:
    """The registered object; HarnessError naming the allowed names when `name` is unknown."""
    entry = _entry_points(kind).get(name)
    if entry is None:
        raise HarnessError(unknown(kind, name))
    try:
        return _load(entry)
    except Exception as error:  # a broken plugin: say which entry point, in one line
        raise HarnessError(f"{kind} {name!r} ({entry.value}) cannot be loaded: "
                           f"{type(error).__name__}: {error}") from None


@functools.lru_cache(maxsize=None)
def _load(entry: metadata.EntryPoint) -> Any:
    return entry.load()


def unknown(kind: str, name: object) -> str:
    """"unknown backend 'x'; must be one of: ...; did you mean ...?" """
    allowed = names(kind)
    text = f"unknown {kind} {name!r}; must be one of: {', '.join(allowed) or 'none installed'}"
    close = difflib.get_close_matches(str(name), allowed, n=1)
    return text + (f"; did you mean {close[0]}?" if close else "")


def clear() -> None:
    """Forget what was found and loaded (after installing a plugin in a running process)."""
    _entry_points.cache_clear()
    _load.cache_clear()
