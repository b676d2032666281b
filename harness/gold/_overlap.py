"""Word overlap for the gold checks (near-copies of the article, review statistics), with
rouge_score itself as the engine: its default tokenizer with the Porter stemmer, and its
ROUGE-2 F1."""

from __future__ import annotations

import functools
from typing import Sequence


@functools.lru_cache(maxsize=1)
def _scorer():
    from rouge_score import rouge_scorer

    return rouge_scorer.RougeScorer(["rouge2"], use_stemmer=True)


@functools.lru_cache(maxsize=1 << 16)
def stemmed_tokens(text: str) -> tuple[str, ...]:
    """rouge_score's tokens of `text`: lower-case ASCII letters and digits, Porter-stemmed."""
    return tuple(_scorer()._tokenizer.tokenize(text))


def rouge2_f1(line: str, candidates: Sequence[str]) -> float:
    """The best ROUGE-2 F1 of `line` against any of `candidates` (rouge_score's score_multi)."""
    return float(_scorer().score_multi(list(candidates), line)["rouge2"].fmeasure)
