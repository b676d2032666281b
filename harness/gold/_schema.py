"""The gold format: allowed values, and the checks that need only one record."""

from __future__ import annotations

import re

from ._problem import shown
from ._text import squad_normalize

ARTICLE_ID_RE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*\Z")  # \Z: no trailing newline either
# C0 and C1 control characters except tab and newline, and lone surrogates (not encodable).
BAD_CHARACTER = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")
QA_TYPES = (
    "number", "date", "person", "place", "organization",
    "quantity", "reason", "yes_no", "unanswerable", "other",
)
STYLES = ("headline", "one_sentence", "short")
META_FIELDS = ("id", "title", "source", "place", "date", "origin")
ARTICLE_FILES = ("article.txt", "meta.json", "qa.jsonl", "summaries.jsonl")

# field name -> expected JSON type ("str" or "str_list"), in the order items are written.
QA_FIELDS = {"id": "str", "question": "str", "answers": "str_list", "evidence": "str", "type": "str"}
SUMMARY_FIELDS = {"id": "str", "style": "str", "text": "str"}
ID_LETTER = {"qa": "q", "summary": "s"}


def item_id(article_id: str, kind: str, number: int) -> str:
    """The id of the `number`-th item of `kind` ("qa" or "summary"): kim-putin-talks-q007."""
    return f"{article_id}-{ID_LETTER[kind]}{number:03d}"


def id_number(article_id: str, kind: str, value: object) -> int | None:
    """The number in a well-formed id of this article and kind, else None."""
    pattern = rf"{re.escape(article_id)}-{ID_LETTER[kind]}(\d{{3,}})"
    match = re.fullmatch(pattern, value, re.ASCII) if isinstance(value, str) else None
    return int(match.group(1)) if match else None


def check_fields(obj: object, fields: dict[str, str]) -> list[str]:
    """Missing, unknown and wrongly typed fields of one JSON object."""
    if not isinstance(obj, dict):
        return [f"expected a JSON object, got {_json_type(obj)}"]
    allowed = ", ".join(fields)
    messages = [f"missing field '{name}'" for name in fields if name not in obj]
    messages += [f"unknown field '{shown(name)}' (allowed: {allowed})" for name in obj if name not in fields]
    for name, kind in fields.items():
        if name in obj and not _has_type(obj[name], kind):
            wanted = "a string" if kind == "str" else "a list of strings"
            messages.append(f"field '{name}' must be {wanted}, got {_json_type(obj[name])}")
        elif name in obj and name != "id":  # an id has its own, stricter form check
            messages += _bad_characters(name, obj[name])
    return messages


def _bad_characters(name: str, value: str | list[str]) -> list[str]:
    """A control character (other than newline and tab) or a lone surrogate: not text."""
    for text in [value] if isinstance(value, str) else value:
        bad = BAD_CHARACTER.search(text)
        if bad:
            return [f"field '{name}' contains the character {shown(bad.group())} at offset {bad.start()} "
                    "(control characters other than newline and tab, and lone surrogates, are not allowed)"]
    return []


def check_qa(obj: object, article_id: str) -> list[str]:
    """Every problem of one qa.jsonl record that can be seen without the rest of the gold set."""
    messages = check_fields(obj, QA_FIELDS)
    if messages:
        return messages
    messages = _empty_fields(obj, ("id", "question", "type"))
    messages += [f"answers[{i}] is empty" for i, a in enumerate(obj["answers"]) if not a.strip()]
    messages += _check_id(obj["id"], article_id, "qa")
    if obj["type"].strip() and obj["type"] not in QA_TYPES:
        messages.append(f"unknown type '{shown(obj['type'])}' (allowed: {', '.join(QA_TYPES)})")
    return messages + _check_answerability(obj)


def check_summary(obj: object, article_id: str) -> list[str]:
    """Every problem of one summaries.jsonl record that can be seen on its own."""
    messages = check_fields(obj, SUMMARY_FIELDS)
    if messages:
        return messages
    messages = _empty_fields(obj, ("id", "style", "text"))
    messages += _check_id(obj["id"], article_id, "summary")
    if obj["style"].strip() and obj["style"] not in STYLES:
        messages.append(f"unknown style '{shown(obj['style'])}' (allowed: {', '.join(STYLES)})")
    if obj["text"].strip() and any(not line.strip() for line in obj["text"].split("\n")):
        messages.append("field 'text' has an empty line (write one sentence a line, no blank lines)")
    return messages


def check_meta(obj: object, article_id: str) -> list[str]:
    """Problems of meta.json: exactly the known fields, non-empty strings, id = directory name."""
    fields = {name: "str" for name in META_FIELDS}
    messages = check_fields(obj, fields)
    if messages:
        return messages
    messages = _empty_fields(obj, META_FIELDS)
    if obj["id"].strip() and obj["id"] != article_id:
        messages.append(f"id '{shown(obj['id'])}' does not match the directory name '{article_id}'")
    return messages


def _check_answerability(obj: dict) -> list[str]:
    kind = obj["type"]
    if kind == "unanswerable":
        messages = [] if obj["answers"] == [] else ["unanswerable item must have answers []"]
        return messages + ([] if obj["evidence"] == "" else ['unanswerable item must have evidence ""'])
    messages = []
    if not obj["answers"]:
        messages.append(f"answerable item (type '{kind}') has no answers; "
                        "use type 'unanswerable' for a question the article does not answer")
    if not obj["evidence"].strip():
        messages.append("field 'evidence' is empty; an answerable item needs a verbatim span of article.txt")
    if kind == "yes_no" and obj["answers"] and squad_normalize(obj["answers"][0]) not in ("yes", "no"):
        messages.append("a yes_no item's first answer must be 'yes' or 'no'")
    return messages


def _check_id(value: str, article_id: str, kind: str) -> list[str]:
    if not value.strip() or id_number(article_id, kind, value) is not None:
        return []
    example = item_id(article_id, kind, 1)
    return [f"id '{_ascii_shown(value)}' is not of the form '{example}' (article id, '-{ID_LETTER[kind]}', 3+ digits)"]


def _empty_fields(obj: dict, names: tuple[str, ...]) -> list[str]:
    return [f"field '{name}' is empty" for name in names if not obj[name].strip()]


def _has_type(value: object, kind: str) -> bool:
    if kind == "str":
        return isinstance(value, str)
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


def _json_type(value: object) -> str:
    names = {dict: "an object", list: "a list", str: "a string", bool: "a boolean",
             int: "a number", float: "a number", type(None): "null"}
    return names.get(type(value), type(value).__name__)


def _ascii_shown(value: str) -> str:
    """An id as ASCII, so look-alike characters (Arabic-Indic digits, fullwidth letters) show."""
    return value.encode("unicode_escape").decode("ascii")[:80]
