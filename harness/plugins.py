"""The registry of backends, metrics and tasks: Python entry points, built-ins and plugins alike.

A package adds a backend, a metric or a task by declaring an entry point in its own metadata,
the way simonw/llm's plugins add models:

    [project.entry-points."harness.backends"]
    echo = "harness_echo:EchoBackend"          # a harness.backends.Backend subclass
    [project.entry-points."harness.metrics"]
    answer_words = "harness_echo:ANSWER_WORDS"  # a harness.tasks.Metric
    [project.entry-points."harness.tasks"]
    cloze = "harness_cloze:ClozeTask"           # a harness.tasks.Task subclass

The harness registers its own entries in its pyproject.toml exactly this way. Names are listed
without importing anything; an entry is imported only when it is used. A name registered by
two distributions is refused when it is used: which one would win depends on sys.path, and a
plugin must not silently replace a built-in.
"""

from __future__ import annotations

import difflib
import functools
from importlib import metadata
from typing import Any

from harness.errors import HarnessError

GROUPS = {"backend": "harness.backends", "metric": "harness.metrics", "task": "harness.tasks"}


@functools.lru_cache(maxsize=None)
def _entry_points(kind: str) -> dict[str, list[metadata.EntryPoint]]:
    found: dict[str, list[metadata.EntryPoint]] = {}
    for entry in metadata.entry_points(group=GROUPS[kind]):
        same = found.setdefault(entry.name, [])
        if not any(_distribution(e) == _distribution(entry) for e in same):
            same.append(entry)
    return found


def names(kind: str) -> list[str]:
    """Sorted names registered as `kind` ("backend", "metric" or "task")."""
    return sorted(_entry_points(kind))


def provider(kind: str, name: str) -> str:
    """The distribution that registers `name`, as "name==version" ("harness==0.1.0")."""
    entries = _entry_points(kind).get(name)
    if not entries:
        raise HarnessError(unknown(kind, name))
    dist = getattr(entries[0], "dist", None)
    return f"{dist.name}=={dist.version}" if dist is not None else "unknown"


def load(kind: str, name: str) -> Any:
    """The registered object; HarnessError naming the allowed names when `name` is unknown, and
    naming the distributions when two register it."""
    entries = _entry_points(kind).get(name)
    if not entries:
        raise HarnessError(unknown(kind, name))
    if len(entries) > 1:
        raise HarnessError(f"{kind} {name!r} is registered by more than one distribution "
                           f"({', '.join(sorted(_distribution(e) for e in entries))}); uninstall one or rename its entry")
    entry = entries[0]
    try:
        return _load(entry)
    except HarnessError:
        raise
    except BaseException as error:  # a broken plugin (even one that exits or raises ^C on import): one line
        raise HarnessError(f"{kind} {name!r} ({entry.value}) cannot be loaded: "
                           f"{type(error).__name__}: {error}") from None


@functools.lru_cache(maxsize=None)
def _load(entry: metadata.EntryPoint) -> Any:
    return entry.load()


def _distribution(entry: metadata.EntryPoint) -> str:
    dist = getattr(entry, "dist", None)
    return dist.name if dist is not None else entry.value


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
