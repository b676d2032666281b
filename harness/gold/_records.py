"""The rules about one record, seen on its own: a qa.jsonl item, a summaries.jsonl reference,
meta.json, a judgments.jsonl verdict. Each check returns the messages of the broken rules.
Also: recognizing a record written in the old (v1) format."""

from __future__ import annotations

import re
from datetime import date, datetime

from harness.errors import shown
from harness.text import normalize_answer

from ._rules import (
    ID_LETTER, IMPORTED_ONLY, JUDGMENT_FIELDS, JUDGMENT_OPTIONAL, JUDGMENT_SPLITS, META_FIELDS, META_OPTIONAL,
    QA_FIELDS, QA_OPTIONAL, QA_TYPES, REASONING, STYLES, SUMMARY_FIELDS, SUMMARY_OPTIONAL, SUMMARY_SOURCES,
    check_fields, check_id, empty_fields, escaped, id_number,
)

# The v1 format, recognized so that old files get one clear message instead of a problem per field.
V1_QA_FIELDS = ("id", "question", "answers", "evidence", "type")
V1_SUMMARY_FIELDS = ("id", "style", "text")
V1_META_FIELDS = ("id", "title", "source", "place", "date", "origin")

_DATE_TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})\Z", re.ASCII)
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}\Z", re.ASCII)
_TRUNCATED_FIELDS = ("paragraph", "offset", "text")


# -- qa.jsonl ------------------------------------------------------------------------------------

def _item_basics(obj: object, kind: str, article_id: str, texts: tuple[str, ...]) -> tuple[bool, list[str]]:
    """(False, problems) when the record's shape is wrong (nothing more can be checked), else
    (True, problems) of its empty text fields and its id."""
    fields, optional = (QA_FIELDS, QA_OPTIONAL) if kind == "qa" else (SUMMARY_FIELDS, SUMMARY_OPTIONAL)
    messages = check_fields(obj, fields, optional)
    if messages:
        return False, messages
    return True, empty_fields(obj, texts) + check_id(obj["id"], article_id, kind)


def check_qa(obj: object, article_id: str) -> list[str]:
    """Every problem of one qa.jsonl record that can be seen without the rest of the gold set."""
    readable, messages = _item_basics(obj, "qa", article_id, ("id", "question", "type", "reasoning", "source_id"))
    if not readable:
        return messages
    messages += _labels(obj)
    messages += _answers(obj["answers"])
    messages += [f"evidence[{i}] is empty" for i, span in enumerate(obj["evidence"]) if not span.strip()]
    return messages + _answerability(obj)


def _labels(obj: dict) -> list[str]:
    """type and reasoning come from their lists; 'unlabeled' only on an imported item."""
    messages = []
    for name, allowed in (("type", QA_TYPES), ("reasoning", REASONING)):
        value = obj[name]
        if value.strip() and value not in allowed:
            messages.append(f"unknown {name} '{shown(value)}' (allowed: {', '.join(allowed)})")
        elif value == IMPORTED_ONLY and "source_id" not in obj:
            messages.append(f"{name} '{IMPORTED_ONLY}' is only for items imported from a dataset "
                            "(items with a 'source_id')")
    return messages


def _answers(answers: list[str]) -> list[str]:
    """Each answer is text that can match, and no two are the same answer to the scorer."""
    messages, seen = [], {}
    for index, answer in enumerate(answers):
        key = normalize_answer(answer)
        if not answer.strip():
            messages.append(f"answers[{index}] is empty")
        elif not key:
            messages.append(f"answers[{index}] '{shown(answer)}' is empty after SQuAD normalization "
                            "(no prediction could match it)")
        elif key in seen:
            messages.append(f"answers[{index}] '{shown(answer)}' repeats answers[{seen[key]}] after SQuAD "
                            "normalization (lower-case, no punctuation, no a/an/the)")
        else:
            seen[key] = index
    return messages


def _answerability(obj: dict) -> list[str]:
    if obj["type"] == "unanswerable":
        messages = [] if obj["answers"] == [] else ["unanswerable item must have answers []"]
        messages += [] if obj["evidence"] == [] else ["unanswerable item must have evidence []"]
        if "plausible_answers" not in obj:
            messages.append("unanswerable item needs 'plausible_answers' (verbatim spans of article.txt a "
                            "careless reader would give; [] when there are none)")
        return messages + [f"plausible_answers[{i}] is empty"
                           for i, span in enumerate(obj.get("plausible_answers", [])) if not span.strip()]
    messages = []
    if not obj["answers"]:
        messages.append(f"answerable item (type '{obj['type']}') has no answers; "
                        "use type 'unanswerable' for a question the article does not answer")
    if not obj["evidence"]:
        messages.append("answerable item has no evidence; give one or more verbatim spans of article.txt")
    if "plausible_answers" in obj:
        messages.append("'plausible_answers' is only for unanswerable items")
    if obj["type"] == "yes_no" and obj["answers"] and normalize_answer(obj["answers"][0]).split()[:1] not in (
            ["yes"], ["no"]):
        messages.append("a yes_no item's canonical (first) answer must start with 'yes' or 'no'")
    return messages


# -- summaries.jsonl -----------------------------------------------------------------------------

def check_summary(obj: object, article_id: str) -> list[str]:
    """Every problem of one summaries.jsonl record that can be seen on its own."""
    readable, messages = _item_basics(obj, "summary", article_id, ("id", "style", "text", "source", "source_id"))
    if not readable:
        return messages
    if obj["style"].strip() and obj["style"] not in STYLES:
        messages.append(f"unknown style '{shown(obj['style'])}' (allowed: {', '.join(STYLES)})")
    if obj["source"].strip() and obj["source"] not in SUMMARY_SOURCES:
        messages.append(f"unknown source '{shown(obj['source'])}' (allowed: {', '.join(SUMMARY_SOURCES)})")
    elif obj["source"] == "source-headline" and obj["style"] != "headline":
        messages.append("a 'source-headline' summary must have style 'headline'")
    if obj["text"].strip() and any(not line.strip() for line in obj["text"].split("\n")):
        messages.append("field 'text' has an empty line (write one sentence a line, no blank lines)")
    return messages


# -- meta.json -----------------------------------------------------------------------------------

def check_meta(obj: object, article_id: str) -> list[str]:
    """Problems of meta.json: exactly the known fields, each of its shape, id = directory name,
    dates in their ISO 8601 forms, well-formed `truncated` entries, `retired` ids of this article."""
    messages = check_fields(obj, META_FIELDS, META_OPTIONAL)
    if messages:
        return messages
    messages = empty_fields(obj, tuple(META_FIELDS))
    if obj["id"].strip() and obj["id"] != article_id:
        messages.append(f"id '{shown(obj['id'])}' does not match the directory name '{article_id}'")
    if obj["date"] is not None and not is_full_date_time(obj["date"]):
        messages.append(f"date '{shown(obj['date'])}' is not a full ISO 8601 date and time with a UTC "
                        "offset (2019-04-23T06:41:00-05:00), nor null")
    if obj["retrieved"] is not None and not _is_date(obj["retrieved"], _DATE, date):
        messages.append(f"retrieved '{shown(obj['retrieved'])}' is not an ISO 8601 date (2024-05-01), nor null")
    for index, entry in enumerate(obj["truncated"]):
        messages += [f"truncated[{index}]: {m}" for m in _truncated_entry(entry)]
    return messages + _retired(obj.get("retired", []), article_id)


def _retired(ids: list[str], article_id: str) -> list[str]:
    """Each retired id is a QA or summary id of this article, listed once."""
    messages, seen = [], set()
    for index, value in enumerate(ids):
        if not any(id_number(article_id, kind, value) is not None for kind in ID_LETTER):
            messages.append(f"retired[{index}] '{escaped(value)[:80]}' is not a QA or summary id of this article "
                            f"('{article_id}-q001', '{article_id}-s001')")
        elif value in seen:
            messages.append(f"retired[{index}] '{value}' is listed twice")
        seen.add(value)
    return messages


def is_full_date_time(value: str) -> bool:
    """Whether `value` is a full ISO 8601 date and time with a UTC offset (meta.json `date`)."""
    return _is_date(value, _DATE_TIME, datetime)


def _is_date(value: str, form: re.Pattern, kind: type) -> bool:
    if not form.match(value):
        return False
    try:
        kind.fromisoformat(value)
    except ValueError:  # e.g. month 13
        return False
    return True


def _truncated_entry(entry: dict) -> list[str]:
    if sorted(entry) != sorted(_TRUNCATED_FIELDS):
        return [f"must have exactly the fields {', '.join(_TRUNCATED_FIELDS)}"]
    messages = []
    for name, low in (("paragraph", 1), ("offset", 0)):
        value = entry[name]
        if isinstance(value, bool) or not isinstance(value, int) or value < low:
            messages.append(f"'{name}' must be a whole number >= {low}")
    if not isinstance(entry["text"], str) or not entry["text"].strip():
        messages.append("'text' must be the cut-off sentence as it stands in article.txt")
    return messages


# -- judgments.jsonl -----------------------------------------------------------------------------

def check_judgment(obj: object, article_id: str) -> list[str]:
    """One labelled answer: its fields, a boolean label, a known split, who gave the label."""
    messages = check_fields(obj, JUDGMENT_FIELDS, JUDGMENT_OPTIONAL)
    if messages:
        return messages
    messages = empty_fields(obj, ("id", "split", "source", "labelled_by", "note"))
    if obj["split"].strip() and obj["split"] not in JUDGMENT_SPLITS:
        messages.append(f"unknown split '{shown(obj['split'])}' (allowed: {', '.join(JUDGMENT_SPLITS)})")
    return messages


# -- the old format ------------------------------------------------------------------------------

def is_v1_record(kind: str, obj: object) -> bool:
    """Whether a record is in the v1 format: a QA item with a single evidence string and no
    reasoning, a summary without a source, a meta.json with exactly the v1 fields."""
    if not isinstance(obj, dict):
        return False
    if kind == "qa":
        return isinstance(obj.get("evidence"), str) and "reasoning" not in obj
    if kind == "summary":
        return "text" in obj and set(obj) <= set(V1_SUMMARY_FIELDS)
    return set(obj) == set(V1_META_FIELDS)
