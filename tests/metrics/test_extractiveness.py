"""Extractiveness (harness.metrics.extractiveness) against a brute-force reading of Grusky et
al. (2018)'s definitions on many generated inputs, and its documented edge cases."""

from __future__ import annotations

import time

from hypothesis import given, settings
from hypothesis import strategies as st

from harness.metrics.extractiveness import extractiveness, fragments, novel_ngram_share, tokens

WORDS = st.lists(st.sampled_from("a b c d e f".split()), max_size=30)


def _brute_fragments(article, summary):
    """The greedy procedure, comparing every article position at every summary position."""
    found, i = [], 0
    while i < len(summary):
        best = 0
        for j in range(len(article)):
            k = 0
            while i + k < len(summary) and j + k < len(article) and summary[i + k] == article[j + k]:
                k += 1
            best = max(best, k)
        if best:
            found.append((i, best))
            i += best
        else:
            i += 1
    return found


@settings(max_examples=400, deadline=None)
@given(WORDS, WORDS)
def test_fragments_equal_the_brute_force_procedure(article, summary):
    assert fragments(article, summary) == _brute_fragments(article, summary)


@settings(max_examples=300, deadline=None)
@given(WORDS, WORDS, st.integers(1, 3))
def test_novel_share_equals_set_difference(article, summary, n):
    grams = {tuple(summary[i:i + n]) for i in range(len(summary) - n + 1)}
    known = {tuple(article[i:i + n]) for i in range(len(article) - n + 1)}
    expected = len(grams - known) / len(grams) if grams else 0.0
    assert novel_ngram_share(article, summary, n) == expected


def test_a_worked_example():
    article = "The cat sat on the mat. A dog barked loudly at the cat."
    summary = "The cat sat on a mat. The dog barked."
    # summary tokens: the cat sat on a mat the dog barked (9); fragments: "the cat sat on" (4),
    # "a" (1), "mat" (1), "the" (1), "dog barked" (2)
    scores = extractiveness(article, summary)
    assert scores["coverage"] == 9 / 9
    assert scores["density"] == (16 + 1 + 1 + 1 + 4) / 9
    assert scores["compression"] == 13 / 9
    assert scores["novel_1"] == 0.0
    assert scores["novel_2"] == 4 / 8  # "on a", "a mat", "mat the", "the dog" of 8 distinct bigrams
    assert 0 < scores["novel_3"] <= 1


def test_empty_summary_scores_zero_everywhere():
    assert set(extractiveness("Some article.", "").values()) == {0.0}
    assert set(extractiveness("Some article.", " ... ").values()) == {0.0}


def test_summary_longer_than_the_article():
    scores = extractiveness("Short text here.", "Short text here. " * 20 + "And more words nobody wrote.")
    assert scores["compression"] < 1
    assert 0 < scores["coverage"] < 1
    assert scores["novel_1"] == 5 / 8  # and, more, words, nobody, wrote of 8 distinct words


def test_non_english_text_keeps_its_letters():
    assert tokens("Москва — столица России. 東京は首都") == ["москва", "столица", "россии", "東京は首都"]
    scores = extractiveness("Москва — столица России.", "Столица России")
    assert scores["coverage"] == 1.0 and scores["novel_2"] == 0.0


def test_empty_article_makes_everything_novel():
    scores = extractiveness("", "a new summary")
    assert scores["coverage"] == 0.0 and scores["novel_1"] == 1.0 and scores["compression"] == 0.0


def test_a_5_mb_article_takes_seconds():
    article = ("The council met on Tuesday and agreed the budget for the new year. " * 80_000)[:5_000_000]
    started = time.perf_counter()
    scores = extractiveness(article, "The council agreed the budget on Tuesday for the year.")
    assert time.perf_counter() - started < 30
    assert scores["coverage"] == 1.0 and scores["compression"] > 10_000
