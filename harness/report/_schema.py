"""report.schema.json and predictions.schema.json, generated from the typed report model and
the typed prediction line, and shipped with the package.

Regenerate after changing harness/report/_model.py or _predictions.py:
`python -m harness.report._schema` (a test fails while a committed file differs from the
generated one).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from harness.report._model import SCHEMA_VERSION, Report
from harness.report._predictions import PredictionLine

REPORT_SCHEMA_PATH = Path(__file__).with_name("report.schema.json")
PREDICTIONS_SCHEMA_PATH = Path(__file__).with_name("predictions.schema.json")


def report_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of report.json, as pydantic generates it from Report."""
    schema = Report.model_json_schema()  # validation mode: what a reader accepts
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://example.invalid/harness/report.schema.json",
        "title": "harness report.json",
        "description": f"report.json, schema_version {SCHEMA_VERSION}: generated from harness.report.Report. "
                       "Fields may be added within a schema_version; none is removed or retyped without a bump.",
        **{key: value for key, value in schema.items() if key not in ("title", "description")},
    }


def predictions_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of one line of predictions.jsonl."""
    schema = PredictionLine.model_json_schema()
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://example.invalid/harness/predictions.schema.json",
        "title": "harness predictions.jsonl line",
        "description": f"One line of predictions.jsonl (report schema_version {SCHEMA_VERSION}): generated from "
                       "harness.report.PredictionLine.",
        **{key: value for key, value in schema.items() if key not in ("title", "description")},
    }


def schema_text(schema: dict[str, Any] | None = None) -> str:
    return json.dumps(report_schema() if schema is None else schema, indent=2, ensure_ascii=False) + "\n"


if __name__ == "__main__":
    from harness.files import write_atomic

    write_atomic(REPORT_SCHEMA_PATH, schema_text())
    write_atomic(PREDICTIONS_SCHEMA_PATH, schema_text(predictions_schema()))
    print(f"written: {REPORT_SCHEMA_PATH}, {PREDICTIONS_SCHEMA_PATH}")
