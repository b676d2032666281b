"""Replays predictions made elsewhere, from a JSONL file of {"id", "prediction"} lines."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any, Iterator, Literal, Sequence

from pydantic import Field

from harness.backends._base import Backend, ModelOptions, Request, Result
from harness.errors import HarnessError, lone_surrogate, printable



def read_predictions(path: Path) -> dict[str, str]:
    """Map item id -> prediction; a malformed line is an error naming path:line."""
    label = printable(str(path))
    try:
        # split on "\n" only: str.splitlines() would also split inside a JSON string holding a
        # raw U+2028 or U+0085, which json.dumps(ensure_ascii=False) writes unescaped.
        lines = path.read_text(encoding="utf-8").split("\n")
    except (OSError, UnicodeDecodeError, ValueError) as exc:  # ValueError: a NUL in the path
        raise HarnessError(f"{label}: cannot read predictions file ({exc})") from None
    predictions: dict[str, str] = {}
    for number, line in enumerate(lines, start=1):
        if line.strip():
            item_id, text = _parse_line(line, f"{label}:{number}")
            if item_id in predictions:
                raise HarnessError(f"{label}:{number}: duplicate id {item_id!r}")
            predictions[item_id] = text
    return predictions


def _parse_line(line: str, where: str) -> tuple[str, str]:
    try:
        row = json.loads(line)
    except json.JSONDecodeError as exc:
        raise HarnessError(f"{where}: not valid JSON ({exc.msg})") from None
    except RecursionError:
        raise HarnessError(f"{where}: not valid JSON (arrays or objects nested too deeply)") from None
    if not isinstance(row, dict):
        raise HarnessError(f'{where}: expected an object {{"id": ..., "prediction": ...}}')
    item_id, text = row.get("id"), row.get("prediction")
    if not isinstance(item_id, str) or not isinstance(text, str):
        raise HarnessError(f'{where}: "id" and "prediction" must both be strings')
    if lone_surrogate(item_id + text) is not None:
        raise HarnessError(f"{where}: a lone surrogate escape (\\ud800-\\udfff) is not text; "
                           "write the character itself or a valid surrogate pair")
    return item_id, text


class PredictionsModel(ModelOptions):
    """Replays predictions made elsewhere from a JSONL file."""

    backend: Literal["predictions"] = Field(description="Backend name.")
    path: str = Field(
        description='JSONL file of {"id": ITEM_ID, "prediction": TEXT} lines, relative to the current directory.'
    )


class PredictionsBackend(Backend):
    """Items missing from the file become failed Results, so they count against the model."""

    Config = PredictionsModel

    def __init__(self, config: Any):
        super().__init__(config)
        self.path = Path(config.path)
        self.predictions = read_predictions(self.path)
        self.sha256 = hashlib.sha256(self.path.read_bytes()).hexdigest()

    def identity(self) -> dict[str, Any]:
        return {"model_ref": str(self.path), "revision": None, "model_sha256": self.sha256}

    def generate(self, requests: Sequence[Request], generation: Any) -> Iterator[Result]:
        for request in requests:
            text = self.predictions.get(request.id)
            if text is None:
                yield Result(request.id, None, error=f"missing from predictions file {self.path}")
            else:
                yield Result(request.id, text)
