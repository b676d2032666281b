"""`harness gold migrate`: rewrite gold files from the v1 format to v2, atomically.

qa.jsonl: evidence "span" -> ["span"] ("" -> []); reasoning "lookup"; type other -> description;
number and quantity -> money, duration, quantity or count by the canonical answer's words (see
migrate_type); unanswerable items get plausible_answers []; an alias that normalizes to the
same text as an earlier answer is dropped (the scorer cannot tell them apart).
summaries.jsonl: source "source-headline" for a headline equal to the meta.json title, else
"written". meta.json: the v2 fields, null where v1 had nothing (dateline, license, retrieved), a
date that is not a full ISO 8601 date-time with offset becomes null and is quoted in origin.
Records already in v2 are left byte for byte as they are.
"""

from __future__ import annotations

import json
import os
import re
from collections import Counter
from dataclasses import dataclass, field

from harness.files import replace_files
from harness.text import normalize_answer

from ._files import gold_root, read_tree
from ._model import GoldTree
from ._read import NotJSON, check_tree, parse_json
from ._records import is_full_date_time, is_v1_record
from ._rules import GoldInvalid, QA_FIELDS, display_path, for_display, more
from ._write import gold_lock

_CURRENCY_SIGNS = "$€£¥₩₹"
_CURRENCY = set("dollar dollars euro euros yen won yuan renminbi ruble rubles rouble roubles rupee rupees "
                "franc francs peso pesos cent cents".split())
_TIME = set("year years month months week weeks day days hour hours minute minutes seconds decade decades "
            "century centuries".split())
_MEASURE = set("ton tons tonne tonnes kg kilogram kilograms gram grams pound pounds lb lbs ounce ounces km "
               "kilometer kilometers kilometre kilometres mile miles meter meters metre metres feet foot inch "
               "inches acre acres hectare hectares liter liters litre litres gallon gallons barrel barrels "
               "percent degree degrees square cubic watt watts megawatt megawatts mph knots".split())


@dataclass
class Migrated:
    """One rewritten file: its display path, how many records changed, and notes on what changed."""

    path: str
    records: int = 0
    notes: Counter = field(default_factory=Counter)


def migrate_type(old: str, canonical: str) -> str:
    """The v2 type of a v1 item: other -> description; number or quantity -> money (a currency
    sign or word), duration (a unit of time), quantity (a unit of measure, or %), else count."""
    if old == "other":
        return "description"
    if old not in ("number", "quantity"):
        return old
    words = set(re.findall(r"[a-z]+", canonical.lower()))
    if any(sign in canonical for sign in _CURRENCY_SIGNS) or words & _CURRENCY:
        return "money"
    if words & _TIME:
        return "duration"
    return "quantity" if "%" in canonical or words & _MEASURE else "count"


def migrate_gold(gold_dir: str | os.PathLike, dry_run: bool = False) -> list[Migrated]:
    """Rewrite every v1 record of the gold set as v2 and check the result with every rule; on
    any problem nothing is written (GoldInvalid lists them). Returns what changed."""
    root = gold_root(gold_dir)
    with gold_lock(root):
        tree = read_tree(root)
        changes, report = {}, []
        for name in sorted(tree.dirs):
            for rel, migrated, data in _article_changes(tree, name):
                changes[rel] = data
                report.append(Migrated(display_path(root / rel), migrated.records, migrated.notes))
        if not changes:
            return []
        problems = for_display(check_tree(tree.with_files(changes))[1], root)
        if problems:
            raise GoldInvalid(f"not migrated, gold files unchanged: {problems[0]}{more(len(problems))}", problems)
        if not dry_run:
            replace_files({root / rel: data for rel, data in changes.items()})
    return report


def _article_changes(tree: GoldTree, name: str) -> list[tuple[str, Migrated, bytes]]:
    changes = []
    meta = _json_of(tree, f"{name}/meta.json")
    if is_v1_record("meta", meta):
        migrated = Migrated("", 1)
        data = json.dumps(_meta(meta, migrated), ensure_ascii=False, indent=2).encode("utf-8") + b"\n"
        changes.append((f"{name}/meta.json", migrated, data))
    title = meta.get("title") if isinstance(meta, dict) else None
    for filename, convert in (("qa.jsonl", _qa), ("summaries.jsonl", lambda obj, m: _summary(obj, m, title))):
        rel = f"{name}/{filename}"
        kind = "qa" if filename == "qa.jsonl" else "summary"
        migrated = Migrated("")
        data = _jsonl(tree.files.get(rel), kind, convert, migrated)
        if migrated.records:
            changes.append((rel, migrated, data))
    return changes


def _json_of(tree: GoldTree, rel: str) -> object:
    try:
        return parse_json(tree.files.get(rel, b"").decode("utf-8"))
    except (NotJSON, UnicodeDecodeError):
        return None


def _jsonl(data: bytes | None, kind: str, convert, migrated: Migrated) -> bytes:
    """The file with each v1 line converted; every other line kept byte for byte."""
    try:
        lines = (data or b"").decode("utf-8").split("\n")
    except UnicodeDecodeError:
        return data or b""
    out = []
    for line in lines:
        try:
            obj = parse_json(line) if line.strip() else None
        except NotJSON:
            obj = None
        if is_v1_record(kind, obj):
            migrated.records += 1
            line = json.dumps(convert(obj, migrated), ensure_ascii=False)
        out.append(line)
    return "\n".join(out).encode("utf-8")


def _qa(obj: dict, migrated: Migrated) -> dict:
    answers = obj.get("answers")
    kept, seen = [], set()
    for answer in answers if isinstance(answers, list) else []:
        key = normalize_answer(answer) if isinstance(answer, str) else answer
        if key in seen:
            migrated.notes["alias dropped (same as an earlier answer after normalization)"] += 1
            continue
        seen.add(key)
        kept.append(answer)
    old = obj.get("type")
    new = migrate_type(old, kept[0]) if isinstance(old, str) and kept and isinstance(kept[0], str) else old
    if new != old:
        migrated.notes[f"type {old} -> {new}"] += 1
    record = {**obj, "answers": kept if isinstance(answers, list) else answers,
              "evidence": [obj["evidence"]] if obj["evidence"] else [], "type": new, "reasoning": "lookup"}
    if new == "unanswerable":
        record["plausible_answers"] = []
    order = [name for name in QA_FIELDS if name in record] + [n for n in record if n not in QA_FIELDS]
    return {name: record[name] for name in order}


def _summary(obj: dict, migrated: Migrated, title: object) -> dict:
    source = "source-headline" if obj.get("style") == "headline" and obj.get("text") == title else "written"
    migrated.notes[f"source {source}"] += 1
    return {**obj, "source": source}


def _meta(meta: dict, migrated: Migrated) -> dict:
    date, origin = meta.get("date"), meta.get("origin")
    if isinstance(date, str) and not is_full_date_time(date) and isinstance(origin, str):
        origin = f"{origin.rstrip()} The source gives the date as '{date}' (not a full ISO 8601 date and time)."
        date = None
        migrated.notes["date moved into origin"] += 1
    return {"id": meta.get("id"), "title": meta.get("title"), "source": meta.get("source"), "dateline": None,
            "place": meta.get("place") or None, "date": date, "origin": origin, "license": None,
            "retrieved": None, "truncated": []}
