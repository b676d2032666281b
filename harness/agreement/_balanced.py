"""Balanced accuracy of a thresholded metric against binary labels (1 consistent, 0 not), and
the choice of that threshold on validation data.

balanced accuracy = (share of label-1 items scored >= threshold
                     + share of label-0 items scored < threshold) / 2;
with only one class present it is the recall of that class.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np


def balanced_accuracy(scores: Sequence[float], labels: Sequence[int], threshold: float) -> float:
    """Mean of the two recalls at `threshold` (a score at or above it predicts "consistent")."""
    s, y = np.asarray(scores, dtype=float), np.asarray(labels, dtype=int)
    if len(s) != len(y):
        raise ValueError("scores and labels differ in length")
    predicted = s >= threshold
    recalls = [float(np.mean(predicted[y == 1])) if np.any(y == 1) else math.nan,
               float(np.mean(~predicted[y == 0])) if np.any(y == 0) else math.nan]
    found = [r for r in recalls if not math.isnan(r)]
    return sum(found) / len(found) if found else math.nan


def choose_threshold(splits: Mapping[str, tuple[Sequence[float], Sequence[int]]]) -> tuple[float, float]:
    """(threshold, mean balanced accuracy): the threshold that maximizes the mean over the
    splits of balanced accuracy, among every distinct score seen (the lowest on a tie)."""
    candidates = sorted({float(v) for scores, _ in splits.values() for v in scores})
    if not candidates:
        return math.nan, math.nan
    best = (-1.0, math.nan)
    for threshold in candidates:
        mean = float(np.mean([balanced_accuracy(s, y, threshold) for s, y in splits.values()]))
        if mean > best[0]:
            best = (mean, threshold)
    return best[1], best[0]
