"""Arithmetic means with seeded percentile-bootstrap intervals, plain or clustered by article.

Resampling: items with replacement, or, when the items come from more than one cluster
(article), whole clusters with replacement; a resample's statistic is the mean over all the
items it holds. The interval is the (1-confidence)/2 and (1+confidence)/2 percentiles of the
resampled statistics (numpy's linear interpolation). Random numbers come from
numpy.random.default_rng(seed), so a seed always gives the same interval. Only when float
rounding puts the point estimate outside its interval by < 1e-12 is the bound moved onto it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from harness.errors import HarnessError

_CHUNK_CELLS = 2_000_000  # resamples x draws held in memory at once
_ROUNDING = 1e-12


def mean_with_ci(
    values: Sequence[float],
    clusters: Sequence[str] | None = None,
    resamples: int = 1000,
    seed: int = 0,
    confidence: float = 0.95,
) -> dict:
    """{"value": mean, "ci_low", "ci_high"}; all None when there are no values."""
    data = _as_array(values, "values")
    if data.size == 0:
        return {"value": None, "ci_low": None, "ci_high": None}
    value = math.fsum(data.tolist()) / data.size
    stats = _resampled_means([data], clusters, resamples, seed)[0]
    low, high = _interval(stats, confidence)
    low, high = _cover(value, low, high)
    return {"value": value, "ci_low": low, "ci_high": high}


def paired_delta_ci(
    base_values: Sequence[float],
    head_values: Sequence[float],
    clusters: Sequence[str] | None = None,
    resamples: int = 1000,
    seed: int = 0,
    confidence: float = 0.95,
) -> dict:
    """Paired bootstrap of mean(head) - mean(base) over the same items (same order).

    Both sides are resampled with the same indices. Returns {"delta", "ci_low", "ci_high",
    "p_value"}: p_value is the two-sided bootstrap estimate 2*min(P(d<=0), P(d>=0)), capped at 1.
    All None when there are no items.
    """
    base, head = _as_array(base_values, "base_values"), _as_array(head_values, "head_values")
    if base.size != head.size:
        raise HarnessError(f"paired_delta_ci: {base.size} base values but {head.size} head values")
    if base.size == 0:
        return {"delta": None, "ci_low": None, "ci_high": None, "p_value": None}
    delta = math.fsum(head.tolist()) / head.size - math.fsum(base.tolist()) / base.size
    base_stats, head_stats = _resampled_means([base, head], clusters, resamples, seed)
    diffs = head_stats - base_stats
    low, high = _interval(diffs, confidence)
    p_value = min(1.0, 2 * min(float(np.mean(diffs <= 0)), float(np.mean(diffs >= 0))))
    low, high = _cover(delta, low, high)
    return {"delta": delta, "ci_low": low, "ci_high": high, "p_value": p_value}


def _as_array(values: Sequence[float], name: str) -> np.ndarray:
    data = np.asarray(list(values), dtype=float)
    if data.ndim != 1 or not np.all(np.isfinite(data)):
        raise HarnessError(f"{name} must be a flat list of finite numbers")
    return data


def _resampled_means(
    arrays: list[np.ndarray], clusters: Sequence[str] | None, resamples: int, seed: int
) -> list[np.ndarray]:
    """Per array, the mean of each of `resamples` bootstrap resamples (shared indices)."""
    if resamples < 1:
        raise HarnessError(f"bootstrap resamples must be >= 1, got {resamples}")
    n = arrays[0].size
    labels = list(clusters) if clusters is not None else []
    if clusters is not None and len(labels) != n:
        raise HarnessError(f"bootstrap: {n} values but {len(labels)} cluster labels")
    rng = np.random.default_rng(seed)
    if len(set(labels)) > 1:
        _, index = np.unique(np.asarray(labels, dtype=object).astype(str), return_inverse=True)
        counts = np.bincount(index).astype(float)
        sums = [np.bincount(index, weights=a) for a in arrays]
        return _draw_means(rng, sums, counts, resamples)
    return _draw_means(rng, arrays, np.ones(n), resamples)


def _draw_means(rng, sums: list[np.ndarray], counts: np.ndarray, resamples: int) -> list[np.ndarray]:
    """Draw units (items or clusters) with replacement; mean = sum of sums / sum of counts."""
    units = counts.size
    chunk = max(1, _CHUNK_CELLS // units)
    out: list[list[np.ndarray]] = [[] for _ in sums]
    for start in range(0, resamples, chunk):
        draws = rng.integers(0, units, size=(min(chunk, resamples - start), units))
        total = counts[draws].sum(axis=1)
        for slot, unit_sums in enumerate(sums):
            out[slot].append(unit_sums[draws].sum(axis=1) / total)
    return [np.concatenate(parts) for parts in out]


def _cover(point: float, low: float, high: float) -> tuple[float, float]:
    """Undo float rounding that puts the point estimate a hair outside its interval."""
    if point < low <= point + _ROUNDING:
        low = point
    if point - _ROUNDING <= high < point:
        high = point
    return low, high


def _interval(stats: np.ndarray, confidence: float) -> tuple[float, float]:
    if not 0 < confidence < 1:
        raise HarnessError(f"bootstrap confidence must be between 0 and 1, got {confidence}")
    tail = (1 - confidence) / 2 * 100
    low, high = np.percentile(stats, [tail, 100 - tail])
    return float(low), float(high)
