"""A deterministic sentence splitter for predictions, so ROUGE-Lsum sees sentence boundaries.

Rules (regex and word lists only; nothing is downloaded):
- every line break ends a sentence; blank lines are dropped;
- a candidate boundary is a run of "." "!" "?" (plus closing quotes/brackets) followed by
  whitespace; a period inside a token (1.5, 10,000.50, U.S.-backed) is never a candidate;
- "!" and "?" end a sentence unless the next word starts with a lower-case letter
  ('"Why?" he asked.');
- "." ends a sentence when the next word starts with an upper-case letter, a digit, a quote or
  a bracket, except:
  * after a title that always precedes a name (Mr., Dr., Gen., Sen., ...): never a boundary;
  * after an initial (J.), a dotted acronym (U.S., U.N., a.m.) or another abbreviation
    (Inc., etc., Jan.): a boundary only when the next word is a common sentence opener
    ("The", "He", "But", ...), so "the U.S. Army" stays whole and "in the U.S. The" splits;
  * after a word that abbreviates before numbers (No., Vol., pp., Fig.): a boundary unless
    the next word starts with a digit ("No. 1" stays whole, "They said no. Then" splits).
"""

from __future__ import annotations

import re

SPLITTER_VERSION = "harness-regex-1"  # bump when split_sentences changes its output on any text

_TITLES = frozenset(
    "mr mrs ms messrs dr prof gen sen rep gov lt col maj sgt capt cmdr adm rev hon pres supt "
    "insp det fr".split()
)
_ABBREVIATIONS = frozenset(
    "inc ltd co corp bros llc plc etc vs cf al approx dept est ed eds "
    "jan feb mar apr jun jul aug sep sept oct nov dec mon tue tues wed thu thur thurs fri sat sun "
    "ave blvd rd hwy st mt ft jr sr".split()
)
_BEFORE_NUMBERS = frozenset("no nos vol vols pp p fig figs art arts ch sec".split())
_OPENERS = frozenset(
    "a an the this that these those there here it its he she his her hers they them their we our "
    "i you your but and or so yet however meanwhile still also then thus in on at of for from to "
    "by with as after before when while if since although though because during under over "
    "some many most all no not one two three what why how who which where".split()
)
_BOUNDARY = re.compile(r"[.!?]+[\"'\u201d\u2019)\]]*(?=\s)")
_NEXT_WORD = re.compile(r"\s+(\S+)")
_CORE_WORD = re.compile(r"[\W_]*([^\W_]+)")
_ACRONYM = re.compile(r"^(?:[A-Za-z]\.)*[A-Za-z]$")


def split_sentences(text: str) -> list[str]:
    """Split text into sentences: stripped, non-empty, in order, each a substring of text."""
    sentences: list[str] = []
    for line in text.splitlines():
        sentences.extend(_split_line(line))
    return sentences


def _split_line(line: str) -> list[str]:
    pieces, start = [], 0
    for match in _BOUNDARY.finditer(line):
        if _is_boundary(line, match):
            pieces.append(line[start : match.end()])
            start = match.end()
    pieces.append(line[start:])
    return [piece.strip() for piece in pieces if piece.strip()]


def _is_boundary(line: str, match: re.Match[str]) -> bool:
    following = _NEXT_WORD.match(line, match.end())
    if following is None:
        return False  # only whitespace follows: the line's end closes the sentence anyway
    next_word = following.group(1)
    if next_word[0].islower():
        return False
    if match.group(0)[0] != ".":
        return True  # "!" or "?" before a word that is not lower-case
    if not (next_word[0].isupper() or next_word[0].isdigit() or next_word[0] in "\"'\u201c\u2018([`*"):
        return False
    return _period_ends_sentence(line[: match.start()], next_word)


def _period_ends_sentence(before: str, next_word: str) -> bool:
    words = before[-80:].split()  # abbreviations are short; keeps long lines linear
    word = words[-1].lstrip("\"'\u201c\u2018([") if words else ""
    bare = word.replace(".", "").lower()
    if bare in _TITLES and "." not in word:
        return False
    if bare in _BEFORE_NUMBERS:
        return not next_word[0].isdigit()  # "No. 1" / "said no. Then"
    if bare in _ABBREVIATIONS or _ACRONYM.match(word):
        core = _CORE_WORD.match(next_word)
        return core is not None and core.group(1).lower() in _OPENERS
    return True
