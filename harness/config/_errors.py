"""Turn pydantic's validation errors into one line per problem: key path, what is wrong, what is allowed.

A line reads "models[1].generation.max_new_tokns: unknown key; did you mean max_new_tokens?".
The key path is rebuilt by walking the config models along pydantic's error location, which
also drops the discriminator tag pydantic inserts for the `backend` union.
"""

from __future__ import annotations

import difflib
import types
import typing
from dataclasses import dataclass
from typing import Any, Literal

import annotated_types
from pydantic import BaseModel, ValidationError
from pydantic.fields import FieldInfo

from harness import plugins
from harness.backends import backend_configs
from harness.config._models import config_model
from harness.errors import printable


@dataclass
class _Place:
    """Where an error location points: its printable path and what the schema says about it."""

    path: str
    annotation: Any = None  # type expected at the location (None: unknown key)
    field: FieldInfo | None = None  # the field the location is in, for its range constraints


def _unwrap(tp: Any) -> Any:
    """Strip Annotated and Optional so the walk sees the real container or model."""
    while True:
        if typing.get_origin(tp) is typing.Annotated:
            tp = typing.get_args(tp)[0]
            continue
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        if _is_union(tp) and len(args) == 1:
            tp = args[0]
            continue
        return tp


def _is_union(tp: Any) -> bool:
    return typing.get_origin(tp) in (typing.Union, types.UnionType)


def _is_model(tp: Any) -> bool:
    return isinstance(tp, type) and issubclass(tp, BaseModel)


def _join(path: str, key: Any) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    key = printable(str(key))
    return f"{path}.{key}" if path else key


def locate(loc: tuple[Any, ...], backends: tuple[str, ...] | None = None) -> _Place:
    """Walk EvalConfig (typed by `backends`, see config_model) along a pydantic location; union
    tags are followed but not printed."""
    place = _Place(path="", annotation=config_model(backends))
    tags = backend_configs(backends)
    for key in loc:
        tp = _unwrap(place.annotation)
        if (_is_union(tp) or tp is Any) and isinstance(key, str) and key in tags:
            place.annotation = tags[key]  # a model entry, told apart by its backend
            continue
        if _is_union(tp) and isinstance(key, str):
            continue  # a member tag of a plain union: not part of the user's key path
        place.path = _join(place.path, key)
        if _is_model(tp) and isinstance(key, str):
            place.field = tp.model_fields.get(key)
            place.annotation = place.field.annotation if place.field else None
        elif typing.get_origin(tp) is list and isinstance(key, int):
            place.annotation = typing.get_args(tp)[0]
        elif typing.get_origin(tp) is dict:
            place.annotation = typing.get_args(tp)[1]
        else:
            place.annotation = None
    return place


def _range(field: FieldInfo | None) -> str:
    bounds: dict[str, Any] = {}
    for item in field.metadata if field else []:
        for name in ("ge", "gt", "le", "lt"):
            if isinstance(item, getattr(annotated_types, name.capitalize())):
                bounds[name] = getattr(item, name)
    if "ge" in bounds and "le" in bounds:
        return f" from {bounds['ge']} to {bounds['le']}"
    symbols = {"gt": ">", "ge": ">=", "lt": "<", "le": "<="}
    return " and".join(f" {symbols[k]} {v}" for k, v in bounds.items())


def describe(place: _Place) -> str:
    """What is allowed at a location, e.g. "must be an integer from 1 to 8192"."""
    tp = place.annotation
    optional = _is_union(tp) and type(None) in typing.get_args(tp)
    tp = _unwrap(tp)
    if typing.get_origin(tp) is Literal:
        text = "must be one of: " + ", ".join(str(a) for a in typing.get_args(tp))
    elif tp is bool:
        text = "must be true or false"
    elif tp is int:
        text = "must be an integer" + _range(place.field)
    elif tp is float:
        text = "must be a number" + _range(place.field)
    elif tp is str:
        text = "must be a string"
    elif typing.get_origin(tp) is list:
        inner = _unwrap(typing.get_args(tp)[0])
        if typing.get_origin(inner) is Literal:
            text = "must be a list of: " + ", ".join(typing.get_args(inner))
        else:
            text = "must be a list"
    elif _is_model(tp):
        text = "must be a mapping with keys: " + ", ".join(tp.model_fields)
    elif _is_union(tp) and all(_is_model(a) for a in typing.get_args(tp)):
        text = "must be a mapping with a `backend` key (" + ", ".join(plugins.names("backend")) + ")"
    elif typing.get_origin(tp) is dict:
        text = "must be a mapping"
    else:
        text = "has an invalid value"
    return text + (" (or null)" if optional else "")


def _got(value: Any) -> str:
    text = repr(value)
    return f" (got {text[:60] + '...' if len(text) > 60 else text})"


def _unknown_key(key: Any, allowed: list[str]) -> str:
    close = difflib.get_close_matches(str(key), allowed, n=1)
    if close:
        return f"unknown key; did you mean {close[0]}?"
    return "unknown key; allowed: " + ", ".join(allowed)


def error_line(error: dict[str, Any], backends: tuple[str, ...] | None = None) -> str:
    """One pydantic error as "key.path: problem; what is allowed"."""
    loc = tuple(error["loc"])
    kind = error["type"]
    if kind == "extra_forbidden":
        parent = locate(loc[:-1], backends)
        owner = _unwrap(parent.annotation)
        allowed = list(owner.model_fields) if _is_model(owner) else []
        return f"{_join(parent.path, loc[-1])}: {_unknown_key(loc[-1], allowed)}"
    place = locate(loc, backends)
    path = place.path or "(top level)"
    if kind == "union_tag_invalid":
        return f"{path}.backend: {plugins.unknown('backend', error['ctx']['tag'])}"
    if kind == "union_tag_not_found":
        return f"{path}.backend: missing required key; must be one of: {', '.join(plugins.names('backend'))}"
    if kind == "missing":
        description = (place.field.description or "").rstrip(".") if place.field else ""
        about = f" ({description})" if description else ""
        return f"{path}: missing required key{about}"
    if kind == "value_error":
        return f"{path}: {error['ctx']['error']}"
    if kind == "too_short" and typing.get_origin(_unwrap(place.annotation)) is list:
        return f"{path}: must have at least {error['ctx']['min_length']} item(s)"
    if kind in ("string_too_short",):
        return f"{path}: must not be empty"
    return f"{path}: {describe(place)}{_got(error.get('input'))}"


def validation_lines(exc: ValidationError, backends: tuple[str, ...] | None = None) -> list[str]:
    """All problems in a ValidationError of config_model(backends), one line each, duplicates
    removed, in order."""
    lines: list[str] = []
    for error in exc.errors(include_url=False):
        line = error_line(error, backends)
        if line not in lines:
            lines.append(line)
    return lines
