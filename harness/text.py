"""Text helpers shared by gold rules, metrics and baselines: SQuAD answer normalization, and
the content words of a text."""

from __future__ import annotations

import re
import string

_ASCII_PUNCTUATION = frozenset(string.punctuation)
_ARTICLES = re.compile(r"\b(a|an|the)\b")


def normalize_answer(text: str) -> str:
    """SQuAD v1.1 normalization: lower-case, drop ASCII punctuation, drop the words a/an/the,
    collapse whitespace (the official evaluation script's rules, character for character)."""
    text = "".join(ch for ch in text.lower() if ch not in _ASCII_PUNCTUATION)
    return " ".join(_ARTICLES.sub(" ", text).split())


STOP_WORDS = frozenset(
    "a an the and or but of in on at to for from by with about as is are was were be been "
    "being do does did has have had what which who whom whose when where why how that this "
    "these those it its he she they them his her their there than then not no".split()
)
_WORD = re.compile(r"[^\W_]+")


def content_words(text: str) -> set[str]:
    """Lower-case word tokens of text, without stop words."""
    return {w for w in _WORD.findall(text.lower()) if w not in STOP_WORDS}
