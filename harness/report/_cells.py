"""Text made safe for one Markdown table cell (report.md and `harness compare` tables)."""

from __future__ import annotations

import html
import re
from typing import Any

from harness.errors import SURROGATES

_MARKUP = re.compile(r"([\\`*_{}\[\]<>#+!~|])")
# Control characters (NUL, ESC: terminal escapes), bidi overrides and isolates (they reorder
# the rest of the line on screen), lone surrogates (not encodable): shown as \uXXXX text.
_INVISIBLE = re.compile(f"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069{SURROGATES}]")


def shown_invisible(text: str, keep: str = "") -> str:
    """`text` with every control, bidi or lone-surrogate character not in `keep` as \\uXXXX text."""
    return _INVISIBLE.sub(lambda m: m.group() if m.group() in keep else f"\\u{ord(m.group()):04x}", text)


def markdown_cell(text: Any, limit: int = 160) -> str:
    """`text` on one line, at most `limit` characters, with `|`, HTML and Markdown markup neutralised."""
    value = shown_invisible(" ".join(str(text).split()))  # newlines and tabs become spaces
    if len(value) > limit:
        value = value[: limit - 1] + "…"
    return _MARKUP.sub(r"\\\1", html.escape(value, quote=False)).replace("\\|", "&#124;")
