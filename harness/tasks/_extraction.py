"""From a model's raw output to the answer that is scored.

Rules: "none" (the raw text, stripped), "first_line" (the first non-empty line, stripped),
{"regex": PATTERN} (the first match anywhere; its first group if the pattern has groups, else
the whole match; no match gives ""), and "default":
1. take the first non-empty line that holds a letter or digit (a line that is only a label such
   as "Answer:" is skipped, and so is a lower-case fragment of at most FRAGMENT_WORDS words without
   a sentence end, set apart by an empty line from a paragraph that begins with a capital or a
   digit: a completion model finishing the question's words, "combine\n\nThe fastest ...");
   when it is a sentence that ends in ":" ("The judges were:"), the next LIST_LINES lines go
   with it, joined by "; ", without their list markers ("- ", "1. ");
2. repeatedly strip a leading lead-in: "According to/Based on the article/text/passage/context,",
   "The (short/final) answer (to this question) is/would be", "(Short/Final) Answer:", "A:", "Response:";
3. strip markdown emphasis and surrounding quotes (** __ * ` " ' and curly quotes);
4. strip one trailing period (also one followed by a closing quote or emphasis), except after a
   dotted acronym ("U.S."); the result is stripped of whitespace.
A lead-in may be wrapped in emphasis ("**Answer:** 10,000").
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping

from harness.errors import HarnessError

EXTRACTION_RULES = ("default", "none", "first_line")
"""Named extraction rules; {"regex": PATTERN} is the other accepted form."""

_LABEL = (
    r"(?:according to|based on) (?:the )?(?:article|text|passage|context|story)\s*[,:]?"
    r"|(?:so,?\s+)?the (?:short |final |correct )?answer (?:to (?:this|the) question )?(?:is|would be)\s*[:\-\u2013\u2014]?"
    r"|(?:short |final )?answer\s*[:\-\u2013\u2014]"
    r"|a\s*:"
    r"|response\s*:"
)
_LEAD_IN = re.compile(rf"^([*_]*)(?:{_LABEL})\1\s*", re.IGNORECASE)
_WRAPPERS = (("**", "**"), ("__", "__"), ("*", "*"), ("_", "_"), ("`", "`"), ('"', '"'), ("'", "'"),
             ("\u201c", "\u201d"), ("\u2018", "\u2019"))
LIST_LINES = 8  # lines a sentence ending in ":" ("The judges were:") takes with it
FRAGMENT_WORDS = 4  # a first line this short, lower-case, then a paragraph: the question's words finished
# At most 80 characters before the line break, so a long line costs no backtracking.
_CONTINUES_QUESTION = re.compile(r"^[ \t]{0,8}[a-z][^\n.!?:]{0,80}\n[ \t]*\n\s*(?=[\"'\u201c]?[A-Z0-9])")
_WORD = re.compile(r"[^\W_]")
_MARKER = re.compile(r"^(?:[-*\u2022]|\d{1,2}[.)])\s+")  # "- ", "1. " before a list line
_INTRODUCES = re.compile(r"\w\s+\w+[^:]*:$")  # a sentence of several words that ends in ":"
_TRAILING_PERIOD = re.compile(r"\.(?=[\"'\u201d\u2019*_`]*$)")
_ENDS_WITH_ACRONYM = re.compile(r"(?:^|\s)(?:[A-Za-z]\.){2,}[\"'\u201d\u2019*_`]*$")


def extract_answer(raw: str, rule: str | Mapping = "default") -> str:
    """The answer to score, taken from the raw output by the rule (see the module doc)."""
    if isinstance(rule, Mapping):
        return _extract_regex(raw, _compile(_regex_of(rule)))
    if rule == "none":
        return raw.strip()
    if rule == "first_line":
        return next(_nonempty_lines(raw), "")
    if rule == "default":
        return _extract_default(raw)
    raise HarnessError(f"unknown extraction rule {rule!r}; allowed: {', '.join(EXTRACTION_RULES)} or {{regex: PATTERN}}")


def _regex_of(rule: Mapping) -> str:
    if set(rule) != {"regex"} or not isinstance(rule["regex"], str):
        raise HarnessError(f"extraction rule {dict(rule)!r} must be {{regex: PATTERN}} with a string pattern")
    return rule["regex"]


@functools.lru_cache(maxsize=64)
def _compile(pattern: str) -> re.Pattern[str]:
    try:
        return re.compile(pattern)
    except re.error as exc:
        raise HarnessError(f"extraction regex {pattern!r} does not compile: {exc}") from None


def _extract_regex(raw: str, pattern: re.Pattern[str]) -> str:
    match = pattern.search(raw)
    if match is None:
        return ""
    found = match.group(1) if pattern.groups else match.group(0)
    return (found or "").strip()


def _nonempty_lines(raw: str):
    return (line.strip() for line in raw.splitlines() if line.strip())


def _extract_default(raw: str) -> str:
    fragment = _CONTINUES_QUESTION.match(raw)
    if fragment and len(fragment.group(0).split()) <= FRAGMENT_WORDS:
        raw = raw[fragment.end():]
    lines = [line for line in _nonempty_lines(raw) if _WORD.search(line)]  # "?" alone is no answer
    for index, line in enumerate(lines):
        answer = _clean(line)
        if answer and _INTRODUCES.search(answer) and index + 1 < len(lines):
            return "; ".join([answer.rstrip(":").strip(), *(_clean(_MARKER.sub("", rest)) for rest in lines[index + 1:index + 1 + LIST_LINES])])
        if answer or not _is_label(line):
            return answer
    return ""


def _is_label(line: str) -> bool:
    """A line that held only a lead-in ("Answer:", "**Answer:**")."""
    return _clean(line) == "" and _unwrap(line) != ""


def _clean(text: str) -> str:
    for _ in range(5):
        before = text
        text = _LEAD_IN.sub("", _unwrap(text), count=1).strip()
        if text == before:
            break
    if not _ENDS_WITH_ACRONYM.search(text):
        text = _TRAILING_PERIOD.sub("", text, count=1).strip()
    return _unwrap(text)


def _unwrap(text: str) -> str:
    """Strip matching emphasis markers or quotes around the whole text, repeatedly."""
    text = text.strip()
    for _ in range(5):
        for opener, closer in _WRAPPERS:
            if len(text) > len(opener) + len(closer) and text.startswith(opener) and text.endswith(closer):
                text = text[len(opener) : -len(closer)].strip()
                break
        else:
            return text
    return text
