"""One generated item as a run keeps it (Generation): what the run log holds, what the
prediction cache keeps of it, and the checks that anything read back from either file is such
a record before it is trusted (a damaged or foreign row is regenerated, never reported).

A stored answer is at most MAX_CHARS_PER_TOKEN characters per token of the item's limit: a
server that ignores max_new_tokens (a 1 MB answer to a 48-token question) cannot fill the run
log, the cache and the reports; the cut answer is marked truncated.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import Any

# A token is a few characters, rarely more than 16 (a long URL piece, a run of spaces in code):
# 32 a token leaves room for any real answer (1,536 characters for 48 tokens).
MAX_CHARS_PER_TOKEN = 32


@dataclass(frozen=True)
class Output:
    """What a backend gave for one item: text, or else an error; token counts when it knows them."""

    text: str | None
    error: str | None = None
    prompt_tokens: int | None = None
    completion_tokens: int | None = None
    truncated: bool = False


@dataclass(frozen=True)
class Generation:
    """One model's generation for one item, as the run log holds it (one JSON object a line)."""

    model: str
    task: str
    id: str
    cache_key: str
    prediction: str | None
    error: str | None
    prompt_tokens: int | None
    completion_tokens: int | None
    truncated: bool

    @classmethod
    def made(cls, model: str, item: Any, key: str, output: Output, max_new_tokens: int) -> "Generation":
        """The record of `output` for `item`: text and error made valid Unicode, the text cut to
        its cap (and then marked truncated), token counts that are not whole numbers dropped."""
        text, truncated = _valid_text(output.text), output.truncated
        cap = MAX_CHARS_PER_TOKEN * max_new_tokens
        if text is not None and len(text) > cap:
            text, truncated = text[:cap], True
        prompt, completion = (c if _count(c) else None for c in (output.prompt_tokens, output.completion_tokens))
        return cls(model, item.task, item.id, key, text, _valid_text(output.error), prompt, completion,
                   bool(truncated))

    @property
    def failed(self) -> bool:
        return self.error is not None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_log(cls, record: Any, key: str) -> "Generation | None":
        """A run-log record as a Generation when it is a finished generation of this key, of the
        shape to_json writes; None for anything else (it is generated again)."""
        if not (isinstance(record, dict) and set(record) >= _FIELDS and record.get("cache_key") == key
                and record.get("error") is None and isinstance(record.get("prediction"), str)
                and all(isinstance(record.get(name), str) for name in ("model", "task", "id"))
                and _counts_valid(record) and isinstance(record.get("truncated"), bool)):
            return None
        return cls(**{name: record[name] for name in _FIELDS})

    def cache_entry(self) -> dict[str, Any]:
        """What the prediction cache keeps of a successful generation."""
        return {"text": self.prediction, "prompt_tokens": self.prompt_tokens,
                "completion_tokens": self.completion_tokens, "truncated": self.truncated}



_FIELDS = frozenset(Generation.__dataclass_fields__)


def output_from_cache(value: Any) -> Output | None:
    """A cache row as the Output it stored, or None when the row is not one (then it is a miss,
    and replaced)."""
    try:
        entry = json.loads(value)
    except (TypeError, ValueError, RecursionError):
        return None
    if not (isinstance(entry, dict) and isinstance(entry.get("text"), str)
            and _counts_valid(entry) and isinstance(entry.get("truncated", False), bool)):
        return None
    return Output(entry["text"], None, entry.get("prompt_tokens"), entry.get("completion_tokens"),
                  entry.get("truncated", False))


def _valid_text(text: str | None) -> str | None:
    """Model output as valid Unicode: a lone surrogate (a server's stray "\\ud800") becomes "?"
    instead of breaking every UTF-8 file the run writes."""
    return None if text is None else text.encode("utf-8", "replace").decode("utf-8")


def _count(value: Any) -> bool:
    return type(value) is int and value >= 0


def _counts_valid(entry: dict[str, Any]) -> bool:
    return all(entry.get(name) is None or _count(entry[name]) for name in ("prompt_tokens", "completion_tokens"))
