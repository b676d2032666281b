"""Text normalization used by the gold rules (pure functions)."""

from __future__ import annotations

import re
import string
import unicodedata

_ASCII_PUNCTUATION = str.maketrans("", "", string.punctuation)
_ARTICLES = re.compile(r"\b(a|an|the)\b")


def squad_normalize(text: str) -> str:
    """SQuAD answer normalization: lower-case, drop ASCII punctuation and a/an/the, collapse spaces."""
    text = text.lower().translate(_ASCII_PUNCTUATION)
    return " ".join(_ARTICLES.sub(" ", text).split())


def occurs_in(answer: str, evidence: str) -> bool:
    """Whether the normalized answer is a run of whole tokens of the normalized evidence."""
    needle = squad_normalize(answer)
    return bool(needle) and f" {needle} " in f" {squad_normalize(evidence)} "


def question_key(question: str) -> str:
    """A question with case, punctuation (any script) and spacing differences removed."""
    kept = "".join(c for c in question.lower() if not unicodedata.category(c).startswith("P"))
    return " ".join(kept.split())


def jaccard(a: set[str], b: set[str]) -> float:
    """Token-set Jaccard similarity; 1.0 for two empty sets."""
    union = a | b
    return len(a & b) / len(union) if union else 1.0
