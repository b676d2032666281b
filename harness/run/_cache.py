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
from harness.run._records import Generation, Output, output_from_cache


def prediction_key(model: Any, identity: dict[str, Any], generation: dict[str, Any], system: str | None,
                   prompt: str) -> str:
    """sha256 over a canonical JSON of everything that determines a model's output: the model's
    identity, its config less the fields its backend declares output-neutral (ModelOptions.
    output_neutral), the item's generation options (its own token limit: they replace the
    model's), and the digests of the system and user messages (hashed piecewise, so a prompt
    holding a 50 MB article is not copied twice to be keyed)."""
    options = {name: value for name, value in model.output_options().items() if name != "generation"}
    material = {"identity": identity, "options": options, "generation": generation,
                "system": None if system is None else _digest(system), "prompt": _digest(prompt)}
    canonical = json.dumps(material, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _digest(text: str, piece: int = 1 << 20) -> str:
    digest = hashlib.sha256()
    for start in range(0, len(text), piece):
        digest.update(text[start : start + piece].encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


class PredictionCache:
    """key -> the Output of a successful generation (stored as {"text", "prompt_tokens",
    "completion_tokens", "truncated"}); a disabled cache finds and keeps nothing. A row that is
    not such an entry (see output_from_cache) is a miss."""

    def __init__(self, path: Path | None):
        self._db = None
        self.path = path
        if path is None:
            return
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(path, timeout=60)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("CREATE TABLE IF NOT EXISTS predictions (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
        except (OSError, sqlite3.Error) as error:
            self.close()
            raise self._error(error) from None

    @classmethod
    def default(cls, enabled: bool = True) -> "PredictionCache":
        return cls(cache_dir() / "predictions.sqlite3" if enabled else None)

    def get_many(self, keys: Iterable[str]) -> dict[str, Output]:
        if self._db is None:
            return {}
        found: dict[str, Output] = {}
        keys = list(keys)
        try:
            for start in range(0, len(keys), 500):  # SQLite caps the number of bound parameters
                chunk = keys[start : start + 500]
                marks = ",".join("?" * len(chunk))
                for key, value in self._db.execute(f"SELECT key, value FROM predictions WHERE key IN ({marks})", chunk):
                    entry = output_from_cache(value)
                    if entry is not None:
                        found[key] = entry
        except sqlite3.Error as error:
            raise self._error(error) from None
        return found

    def put_many(self, generations: Iterable[Generation]) -> None:
        """Keep the successful ones of `generations`."""
        entries = {g.cache_key: g.cache_entry() for g in generations if not g.failed}
        if self._db is None or not entries:
            return
        try:
            with self._db:
                self._db.executemany(
                    "INSERT OR REPLACE INTO predictions (key, value) VALUES (?, ?)",
                    [(key, json.dumps(value, ensure_ascii=False)) for key, value in entries.items()],
                )
        except sqlite3.Error as error:
            raise self._error(error) from None

    def _error(self, error: Exception) -> HarnessError:
        if type(error) is sqlite3.DatabaseError:  # "file is not a database", "disk image is malformed"
            return HarnessError(f"prediction cache {self.path} is damaged ({error}); delete that file (it holds "
                                "only cached predictions) and rerun, or pass --no-cache")
        return HarnessError(f"prediction cache {self.path}: cannot use ({error}); set HARNESS_CACHE_DIR to a "
                            "writable directory or pass --no-cache")

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None
