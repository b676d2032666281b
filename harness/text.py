"""SQuAD answer normalization: the one definition that gold rules and the metrics share."""

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
