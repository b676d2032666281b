"""The prediction cache: generated text keyed by (model identity, generation options, prompt).

One SQLite file under the cache directory. SQLite gives atomic writes and safe concurrent
readers and writers, so two runs sharing a cache cannot corrupt it. Failed generations are
never cached: a retry should try again.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from pathlib import Path
from typing import Any, Iterable

from harness.errors import HarnessError
from harness.files import cache_dir


def prediction_key(identity: dict[str, Any], generation: dict[str, Any], system: str | None, prompt: str) -> str:
    """sha256 over a canonical JSON of everything that determines a model's output."""
    material = {"identity": identity, "generation": generation, "system": system, "prompt": prompt}
    canonical = json.dumps(material, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


class PredictionCache:
    """key -> {"text", "prompt_tokens", "completion_tokens"}; a disabled cache finds and keeps nothing."""

    def __init__(self, path: Path | None):
        self._db = None
        if path is None:
            return
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(path, timeout=60)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("CREATE TABLE IF NOT EXISTS predictions (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
        except (OSError, sqlite3.Error) as error:
            raise HarnessError(
                f"prediction cache {path}: cannot open ({error}); set HARNESS_CACHE_DIR to a writable "
                "directory or pass --no-cache"
            ) from None

    @classmethod
    def default(cls, enabled: bool = True) -> "PredictionCache":
        return cls(cache_dir() / "predictions.sqlite3" if enabled else None)

    def get_many(self, keys: Iterable[str]) -> dict[str, dict[str, Any]]:
        if self._db is None:
            return {}
        found: dict[str, dict[str, Any]] = {}
        keys = list(keys)
        for start in range(0, len(keys), 500):  # SQLite caps the number of bound parameters
            chunk = keys[start : start + 500]
            marks = ",".join("?" * len(chunk))
            for key, value in self._db.execute(f"SELECT key, value FROM predictions WHERE key IN ({marks})", chunk):
                found[key] = json.loads(value)
        return found

    def put_many(self, entries: dict[str, dict[str, Any]]) -> None:
        if self._db is None or not entries:
            return
        with self._db:
            self._db.executemany(
                "INSERT OR REPLACE INTO predictions (key, value) VALUES (?, ?)",
                [(key, json.dumps(value, ensure_ascii=False)) for key, value in entries.items()],
            )

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None
