"""Extractiveness of a summary against its article: Grusky et al. (2018)'s extractive fragment
coverage, density and compression, and the share of novel n-grams (n = 1, 2, 3).

Tokens: lower-cased runs of letters and digits (regex `[^\\W_]+`), so punctuation and
tokenization differences ("team 's" against "team's") do not count as novel words.

Extractive fragments F(A, S): walking through the summary S, at each position the longest run
of tokens that also occurs contiguously in the article A is one fragment, and the walk jumps
past it; a token absent from the article is skipped. (The greedy procedure of the paper.)

- coverage = sum |f| / |S|: the share of summary tokens inside some fragment;
- density = sum |f|^2 / |S|: the average length of the fragment each summary token sits in;
- compression = |A| / |S|: article tokens per summary token;
- novel_n = share of the summary's distinct n-grams that do not occur in the article.

An empty summary (no tokens) scores 0 on every part; an empty article gives coverage and
density 0, compression 0 and novel_n 1.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from harness.tasks import Metric
from harness.tasks.summarization import NAME as SUMMARIZATION

PARTS = ("coverage", "density", "compression", "novel_1", "novel_2", "novel_3")
_TOKEN = re.compile(r"[^\W_]+")


def tokens(text: str) -> list[str]:
    """Lower-cased letter/digit runs of `text`."""
    return _TOKEN.findall(text.lower())


def fragments(article: Sequence[str], summary: Sequence[str]) -> list[tuple[int, int]]:
    """The extractive fragments of `summary` in `article`, as (summary start, length) pairs."""
    starts: dict[tuple[str, str], list[int]] = defaultdict(list)
    for j in range(len(article) - 1):
        starts[(article[j], article[j + 1])].append(j)
    vocabulary = set(article)
    found = []
    i = 0
    while i < len(summary):
        best = 0
        if i + 1 < len(summary):
            for j in starts.get((summary[i], summary[i + 1]), ()):
                k = 2
                while i + k < len(summary) and j + k < len(article) and summary[i + k] == article[j + k]:
                    k += 1
                best = max(best, k)
        if best == 0 and summary[i] in vocabulary:
            best = 1
        if best:
            found.append((i, best))
            i += best
        else:
            i += 1
    return found


def novel_ngram_share(article: Sequence[str], summary: Sequence[str], n: int) -> float:
    """Share of the summary's distinct n-grams absent from the article (0 for a summary shorter than n)."""
    grams = {tuple(summary[i:i + n]) for i in range(len(summary) - n + 1)}
    if not grams:
        return 0.0
    known = {tuple(article[i:i + n]) for i in range(len(article) - n + 1)}
    return len(grams - known) / len(grams)


def extractiveness(article: str, summary: str) -> dict[str, float]:
    """{coverage, density, compression, novel_1, novel_2, novel_3} of `summary` against `article`."""
    a, s = tokens(article), tokens(summary)
    if not s:
        return {part: 0.0 for part in PARTS}
    lengths = [length for _, length in fragments(a, s)]
    scores = {
        "coverage": sum(lengths) / len(s),
        "density": sum(length * length for length in lengths) / len(s),
        "compression": len(a) / len(s),
    }
    for n in (1, 2, 3):
        scores[f"novel_{n}"] = novel_ngram_share(a, s, n) if a else 1.0
    return scores


def _score(answer: Any, options: Any) -> dict[str, float]:
    return extractiveness(answer.document, answer.text)


EXTRACTIVENESS = Metric("extractiveness", SUMMARIZATION, "extractive fragment coverage (the number), density, "
                        "compression (Grusky et al. 2018) and novel 1-3-gram shares against the article",
                        _score, parts=PARTS, value_part="coverage")
