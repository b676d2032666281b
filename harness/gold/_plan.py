"""Planning an append: the new contents of the gold files, with ids assigned (pure)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from ._schema import QA_FIELDS, SUMMARY_FIELDS, id_number, item_id
from ._tree import GoldTree

FILES = {"qa": "qa.jsonl", "summary": "summaries.jsonl"}
_FIELDS = {"qa": QA_FIELDS, "summary": SUMMARY_FIELDS}


@dataclass(frozen=True)
class Pending:
    """An item to add: its article, kind ("qa" or "summary"), fields (id optional), and where it
    came from (for messages)."""

    article: str
    kind: str
    record: dict
    origin: str


@dataclass
class Plan:
    """New file contents by gold-relative path, the records as written, and the origin of each new line."""

    contents: dict[str, bytes] = field(default_factory=dict)
    records: list[dict] = field(default_factory=list)
    origins: dict[tuple[str, int], str] = field(default_factory=dict)


def plan_append(tree: GoldTree, pendings: list[Pending]) -> Plan:
    """Append each pending item to its file, assigning the next free id where none is given."""
    plan = Plan()
    numbers = _next_numbers(tree, pendings)
    for pending in pendings:
        rel = f"{pending.article}/{FILES[pending.kind]}"
        record = _ordered(pending, numbers)
        data = plan.contents.get(rel)
        data = _existing(tree, rel) if data is None else data
        plan.origins[(rel, data.count(b"\n") + 1)] = pending.origin
        plan.contents[rel] = data + _json_line(record)
        plan.records.append(record)
    return plan


def _json_line(record: dict) -> bytes:
    """One JSONL line, UTF-8. A lone surrogate (e.g. an undecodable byte on the command line)
    cannot be UTF-8: it is written as a \\u escape, which validation then refuses by name."""
    try:
        return json.dumps(record, ensure_ascii=False).encode("utf-8") + b"\n"
    except UnicodeEncodeError:
        return json.dumps(record).encode("ascii") + b"\n"


def _ordered(pending: Pending, numbers: dict[tuple[str, str], int]) -> dict:
    """The record with an id, known fields in the documented order, unknown ones after."""
    record = dict(pending.record)
    if "id" not in record:
        key = (pending.article, pending.kind)
        record["id"] = item_id(pending.article, pending.kind, numbers[key])
        numbers[key] += 1
    names = [name for name in _FIELDS[pending.kind] if name in record]
    return {name: record[name] for name in names + [n for n in record if n not in names]}


def _next_numbers(tree: GoldTree, pendings: list[Pending]) -> dict[tuple[str, str], int]:
    """For each (article, kind), one more than the highest id number in the file or the new items."""
    highest: dict[tuple[str, str], int] = {}
    for pending in pendings:
        key = (pending.article, pending.kind)
        if key not in highest:
            ids = _ids_in(_existing(tree, f"{pending.article}/{FILES[pending.kind]}"))
            highest[key] = _max_number(ids, *key)
        given = pending.record.get("id")
        highest[key] = max(highest[key], _max_number([given], *key))
    return {key: number + 1 for key, number in highest.items()}


def _max_number(ids: list, article: str, kind: str) -> int:
    return max((n for n in (id_number(article, kind, i) for i in ids) if n is not None), default=0)


def _ids_in(data: bytes) -> list:
    ids = []
    for line in data.decode("utf-8", errors="replace").split("\n"):
        try:
            obj = json.loads(line)
        except json.JSONDecodeError:
            continue
        if isinstance(obj, dict):
            ids.append(obj.get("id"))
    return ids


def _existing(tree: GoldTree, rel: str) -> bytes:
    data = tree.files.get(rel, b"")
    return data + b"\n" if data and not data.endswith(b"\n") else data
