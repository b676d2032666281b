"""One generated item as a run keeps it: the record the run log holds, the entry the prediction
cache keeps of it, and the checks that anything read back from either file is such a record
before it is trusted (a damaged or foreign row is regenerated, never reported).

A stored answer is at most MAX_CHARS_PER_TOKEN characters per token of the item's limit: a
server that ignores max_new_tokens (a 1 MB answer to a 48-token question) cannot fill the run
log, the cache and the reports; the cut answer is marked truncated.
"""

from __future__ import annotations

import json
from typing import Any

from harness.tasks import EvalItem

# A token is a few characters, rarely more than 16 (a long URL piece, a run of spaces in code):
# 32 a token leaves room for any real answer (1,536 characters for 48 tokens).
MAX_CHARS_PER_TOKEN = 32


def make_record(model: str, item: EvalItem, key: str, text: str | None, error: str | None,
                max_new_tokens: int, prompt_tokens: int | None = None, completion_tokens: int | None = None,
                truncated: bool = False) -> dict[str, Any]:
    """The run-log record of one item; `text` is cut to its cap (and then marked truncated)."""
    text = _valid_text(text)
    cap = MAX_CHARS_PER_TOKEN * max_new_tokens
    if text is not None and len(text) > cap:
        text, truncated = text[:cap], True
    return {
        "model": model, "task": item.task, "id": item.id, "cache_key": key, "prediction": text,
        "error": _valid_text(error), "prompt_tokens": prompt_tokens, "completion_tokens": completion_tokens,
        "truncated": truncated,
    }


def _valid_text(text: str | None) -> str | None:
    """Model output as valid Unicode: a lone surrogate (a server's stray "\\ud800") becomes "?"
    instead of breaking every UTF-8 file the run writes."""
    return None if text is None else text.encode("utf-8", "replace").decode("utf-8")


def cache_entry(record: dict[str, Any]) -> dict[str, Any]:
    """What the prediction cache keeps of a successful record."""
    return {"text": record["prediction"], "prompt_tokens": record["prompt_tokens"],
            "completion_tokens": record["completion_tokens"], "truncated": record["truncated"]}


def entry_from_cache(value: Any) -> dict[str, Any] | None:
    """A cache row's entry, or None when the row is not one (then it is a miss, and replaced)."""
    try:
        entry = json.loads(value)
    except (TypeError, ValueError, RecursionError):
        return None
    if not (isinstance(entry, dict) and isinstance(entry.get("text"), str)
            and _counts_valid(entry) and isinstance(entry.get("truncated", False), bool)):
        return None
    return entry


def resumable(record: Any, key: str) -> bool:
    """Whether a run-log record is a finished generation of this item with this key, of the
    shape make_record writes; anything else is generated again."""
    return (isinstance(record, dict) and record.get("cache_key") == key and record.get("error") is None
            and isinstance(record.get("prediction"), str) and _counts_valid(record)
            and isinstance(record.get("truncated"), bool))


def _counts_valid(entry: dict[str, Any]) -> bool:
    return all(entry.get(name) is None or (type(entry[name]) is int and entry[name] >= 0)
               for name in ("prompt_tokens", "completion_tokens"))
