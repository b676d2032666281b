"""Correlation of a metric with graded human ratings, the two ways summarization
meta-evaluations report it, with scipy.stats computing every coefficient.

- summary level: per document, Kendall's tau (scipy's tau-b, which corrects for ties) and
  Spearman's rho (average ranks for ties) between the metric and the ratings across that
  document's summaries; then the mean over documents. A document where either side is constant
  has no coefficient (scipy returns NaN and warns): it is left out of the mean and counted.
- system level: per system, the mean metric and the mean rating over the documents; then tau
  and rho across systems.

Intervals: a percentile bootstrap over documents (documents drawn with replacement, the same
draws for every statistic), BOOTSTRAP_SAMPLES draws with a fixed seed.
"""

from __future__ import annotations

import math
import warnings
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

BOOTSTRAP_SAMPLES = 1000
SEED = 0
CONFIDENCE = 0.95


@dataclass(frozen=True)
class Correlations:
    """One metric against one rated dimension."""

    summary_kendall: float
    summary_spearman: float
    system_kendall: float
    system_spearman: float
    intervals: dict[str, tuple[float, float]]
    documents: int  # documents with at least two summaries
    left_out: int  # of those, documents without a summary-level coefficient (constant input)
    systems: int


def _coefficients(x: Sequence[float], y: Sequence[float]) -> tuple[float, float]:
    from scipy import stats

    if len(x) < 2:
        return math.nan, math.nan
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # constant input: scipy warns and returns NaN, counted by the caller
        return float(stats.kendalltau(x, y).statistic), float(stats.spearmanr(x, y).statistic)


def _draws(weights: np.ndarray, per_doc: np.ndarray, sums_m: np.ndarray, sums_h: np.ndarray,
           counts: np.ndarray, statistics) -> np.ndarray:
    """The four coefficients of every bootstrap draw (one row of document weights each). The
    draws where every system is present get their system-level Spearman from one scipy call
    over all of them (Pearson's r of scipy's average ranks, row by row: Spearman's rho as scipy
    defines it); the others go one by one."""
    from scipy import stats

    out = np.full((len(weights), 4), math.nan)
    for j in (0, 1):
        valid = ~np.isnan(per_doc[:, j])
        total = weights[:, valid].sum(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            out[:, j] = np.where(total > 0, (weights[:, valid] @ per_doc[valid, j]) / total, math.nan)
    n = weights @ counts
    full = (n > 0).all(axis=1) if counts.shape[1] >= 2 else np.zeros(len(weights), dtype=bool)
    if full.sum() >= 2:
        means_m = (weights[full] @ sums_m) / n[full]
        means_h = (weights[full] @ sums_h) / n[full]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # a constant row: NaN, as in _coefficients
            rows = np.flatnonzero(full)
            out[rows, 3] = stats.pearsonr(stats.rankdata(means_m, axis=1), stats.rankdata(means_h, axis=1),
                                          axis=1).statistic
            out[rows, 2] = [stats.kendalltau(x, y).statistic for x, y in zip(means_m, means_h)]
    for i in np.flatnonzero(~full) if full.sum() >= 2 else range(len(weights)):
        out[i, 2:] = statistics(weights[i])[2:]
    return out


def correlate(doc_ids: Sequence[str], systems: Sequence[str], metric: Sequence[float],
              human: Sequence[float], samples: int = BOOTSTRAP_SAMPLES, seed: int = SEED) -> Correlations:
    """Summary- and system-level Kendall and Spearman of `metric` with `human`, with intervals."""
    by_doc: dict[str, list[int]] = defaultdict(list)
    for i, doc in enumerate(doc_ids):
        by_doc[doc].append(i)
    docs = [d for d in by_doc if len(by_doc[d]) >= 2]
    m, h = np.asarray(metric, dtype=float), np.asarray(human, dtype=float)
    per_doc = np.array([_coefficients(m[by_doc[d]], h[by_doc[d]]) for d in docs]).reshape(-1, 2)
    names = sorted(set(systems))
    column = {name: k for k, name in enumerate(names)}
    # per document and system: the sums of metric and rating, and the number of summaries
    sums_m, sums_h, counts = (np.zeros((len(docs), len(names))) for _ in range(3))
    for d, doc in enumerate(docs):
        for i in by_doc[doc]:
            k = column[systems[i]]
            sums_m[d, k] += m[i]
            sums_h[d, k] += h[i]
            counts[d, k] += 1

    def statistics(weights: np.ndarray) -> tuple[float, float, float, float]:
        """The four coefficients with each document counted `weights[d]` times."""
        valid = ~np.isnan(per_doc[:, 0]), ~np.isnan(per_doc[:, 1])
        summary = [float(np.sum(weights[v] * per_doc[v, j]) / np.sum(weights[v])) if np.sum(weights[v]) else math.nan
                   for j, v in enumerate(valid)]
        n = weights @ counts
        present = n > 0
        if present.sum() < 2:
            return summary[0], summary[1], math.nan, math.nan
        system = _coefficients((weights @ sums_m)[present] / n[present], (weights @ sums_h)[present] / n[present])
        return summary[0], summary[1], system[0], system[1]

    point = statistics(np.ones(len(docs)))
    rng = np.random.default_rng(seed)
    if docs and samples:
        weights = np.array([np.bincount(rng.integers(0, len(docs), len(docs)), minlength=len(docs))
                            for _ in range(samples)], dtype=float)
        draws = _draws(weights, per_doc, sums_m, sums_h, counts, statistics)
    else:
        draws = np.full((0, 4), math.nan)
    keys = ("summary_kendall", "summary_spearman", "system_kendall", "system_spearman")
    intervals = {}
    for k, key in enumerate(keys):
        column = draws[:, k][~np.isnan(draws[:, k])] if len(draws) else draws
        alpha = (1 - CONFIDENCE) / 2
        intervals[key] = ((float(np.quantile(column, alpha)), float(np.quantile(column, 1 - alpha)))
                          if len(column) else (math.nan, math.nan))
    left_out = int(np.isnan(per_doc[:, 1]).sum()) if len(per_doc) else 0
    return Correlations(*point, intervals, len(docs), left_out, len(names))
