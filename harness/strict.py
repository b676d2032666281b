"""The base of every config model: unknown keys are errors, and names are safe in paths and reports."""

from __future__ import annotations

import re

from pydantic import BaseModel, ConfigDict

# \Z, not $: "$" also matches before a trailing newline ("lead\n" would pass).
NAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*\Z")


class Strict(BaseModel):
    """Unknown keys are errors, assignments are validated."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)


def check_name(value: str) -> str:
    """A name used in reports and file paths: letters, digits, '.', '_', '-' (a pydantic validator)."""
    if not NAME_PATTERN.match(value):
        raise ValueError(
            "must start with a letter or digit and contain only letters, digits, '.', '_', '-'"
            f" (got {value!r})"
        )
    return value
