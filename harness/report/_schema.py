"""The JSON Schema of report.json (draft 2020-12, shipped as report.schema.json) and a small
validator for the subset of keywords that schema uses, so checking a report needs no extra
package. Errors name the place in the report as a path: `$.models[0].tasks.qa.n`."""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

REPORT_SCHEMA_PATH = Path(__file__).with_name("report.schema.json")

# Keywords the validator understands; anything else in the schema is an error (see tests).
ASSERTIONS = frozenset({
    "type", "enum", "required", "properties", "additionalProperties", "items",
    "minimum", "maximum", "minLength", "minItems", "pattern", "$ref",
})
ANNOTATIONS = frozenset({"$schema", "$id", "$defs", "title", "description"})

_TYPES = {
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, str),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
}


@lru_cache(maxsize=1)
def report_schema() -> dict[str, Any]:
    return json.loads(REPORT_SCHEMA_PATH.read_text(encoding="utf-8"))


def validate_report(report: Any) -> list[str]:
    """Every way `report` breaks the schema, one message each ("$.gold.hash: ..."); [] if valid."""
    schema = report_schema()
    errors: list[str] = []
    _check(report, schema, schema, "$", errors)
    return errors


def _type_name(value: Any) -> str:
    return next((name for name in ("null", "boolean", "integer", "number", "string", "array", "object")
                 if _TYPES[name](value)), type(value).__name__)


def _resolve(root: dict[str, Any], ref: str) -> dict[str, Any]:
    if not ref.startswith("#/"):
        raise ValueError(f"only local $ref is supported, got {ref!r}")
    node: Any = root
    for part in ref[2:].split("/"):
        node = node[part]
    return node


def _check(value: Any, schema: dict[str, Any], root: dict[str, Any], path: str, errors: list[str]) -> None:
    if "$ref" in schema:
        _check(value, _resolve(root, schema["$ref"]), root, path, errors)
    if "type" in schema:
        types = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
        if not any(_TYPES[t](value) for t in types):
            errors.append(f"{path}: expected {' or '.join(types)}, got {_type_name(value)} {json.dumps(value)[:60]}")
            return
    if "enum" in schema and value not in schema["enum"]:
        errors.append(f"{path}: {json.dumps(value)[:60]} is not one of {json.dumps(schema['enum'])}")
    if _TYPES["number"](value):
        if "minimum" in schema and value < schema["minimum"]:
            errors.append(f"{path}: {value} is below the minimum {schema['minimum']}")
        if "maximum" in schema and value > schema["maximum"]:
            errors.append(f"{path}: {value} is above the maximum {schema['maximum']}")
    if isinstance(value, str):
        if len(value) < schema.get("minLength", 0):
            errors.append(f"{path}: string shorter than {schema['minLength']} characters")
        if "pattern" in schema and not re.search(schema["pattern"], value):
            errors.append(f"{path}: {json.dumps(value)[:60]} does not match {schema['pattern']}")
    if isinstance(value, list):
        if len(value) < schema.get("minItems", 0):
            errors.append(f"{path}: expected at least {schema['minItems']} items, got {len(value)}")
        if "items" in schema:
            for index, element in enumerate(value):
                _check(element, schema["items"], root, f"{path}[{index}]", errors)
    if isinstance(value, dict):
        _check_object(value, schema, root, path, errors)


def _check_object(value: dict[str, Any], schema: dict[str, Any], root: dict[str, Any], path: str, errors: list[str]) -> None:
    for name in schema.get("required", []):
        if name not in value:
            errors.append(f"{path}: missing required property {name!r}")
    properties = schema.get("properties", {})
    extra = schema.get("additionalProperties", True)
    for name, element in value.items():
        where = f"{path}.{name}" if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name) else f"{path}[{json.dumps(name)}]"
        if name in properties:
            _check(element, properties[name], root, where, errors)
        elif extra is False:
            allowed = ", ".join(sorted(properties)) or "none"
            errors.append(f"{path}: unexpected property {name!r} (allowed: {allowed})")
        elif isinstance(extra, dict):
            _check(element, extra, root, where, errors)
