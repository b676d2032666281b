"""Text for report.html: escaping, and the html_cell contents that the tables and the item browser share.

Every value from the report or the predictions goes through `esc`; only fragments built here
from numbers or escaped text are wrapped in `Html`.
"""

from __future__ import annotations

import html
from typing import Any

from harness.report._cells import shown_invisible
from harness.report._tables import prediction_text


class Html(str):
    """A fragment that is already safe HTML (built here, data escaped)."""


def esc(value: Any) -> str:
    """html.escape with quote=True; control characters (NUL, ESC), bidi overrides and lone
    surrogates shown as \\uXXXX text rather than written raw into the page (tabs and line
    breaks stay)."""
    return html.escape(shown_invisible("" if value is None else str(value), keep="\t\n\r"), quote=True)


def html_cell(value: Any) -> str:
    return value if isinstance(value, Html) else esc(value)


def number(value: Any, digits: int = 1) -> str:
    return f"{value:.{digits}f}" if isinstance(value, (int, float)) and not isinstance(value, bool) else "–"


def text_block(value: Any) -> Html:
    return Html(f'<div class="text">{html_cell(value)}</div>')


def references(refs: list[str]) -> Html:
    """The first reference, the others folded under "N more"; "(unanswerable)" for none."""
    if not refs:
        return Html('<span class="note">(unanswerable)</span>')
    first = f'<div class="ref">{esc(refs[0])}</div>'
    if len(refs) == 1:
        return Html(first)
    rest = "".join(f'<div class="ref">{esc(r)}</div>' for r in refs[1:])
    return Html(f"{first}<details><summary>{len(refs) - 1} more</summary>{rest}</details>")


def prediction(p: dict[str, Any]) -> Html:
    failed = ' class="failed"' if p.get("error") is not None else ""
    return Html(f"<span{failed}>{esc(prediction_text(p))}</span>")


def score_lines(p: dict[str, Any]) -> str:
    """The item's scores, one a line, then the rule behind each verdict."""
    parts = []
    for name, score in p.get("scores", {}).items():
        if isinstance(score, bool):
            parts += [name] if score else []
        elif score is None:
            parts.append(f"{name} n/a")
        elif isinstance(score, dict):
            parts.append(f"{name} " + ", ".join(f"{part} {number(value, 3)}" for part, value in score.items()))
        else:
            parts.append(f"{name} {number(score, 3)}")
    parts += [f"{name}: {rule}" for name, rule in (p.get("reasons") or {}).items()]
    return "\n".join(parts)
