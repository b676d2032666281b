"""Means with seeded bootstrap intervals."""

import random
import statistics

import numpy as np
import pytest

from harness.errors import HarnessError
from harness.stats import mean_with_ci, paired_delta_ci


def _values(n, seed=3):
    rng = random.Random(seed)
    return [rng.random() ** 2 for _ in range(n)]


def test_value_is_the_arithmetic_mean_and_inside_the_interval():
    values = _values(200)
    result = mean_with_ci(values, ["one"] * 200)
    assert result["value"] == pytest.approx(statistics.fmean(values), abs=1e-15)
    assert result["ci_low"] < result["value"] < result["ci_high"]
    assert result["ci_high"] - result["ci_low"] < 0.2


def test_seeded_and_deterministic():
    values = _values(50)
    assert mean_with_ci(values, resamples=500, seed=11) == mean_with_ci(values, resamples=500, seed=11)
    assert mean_with_ci(values, seed=11) != mean_with_ci(values, seed=12)


def test_matches_a_direct_percentile_bootstrap():
    values = _values(30)
    rng = np.random.default_rng(5)
    means = np.asarray(values)[rng.integers(0, 30, size=(400, 30))].mean(axis=1)
    low, high = np.percentile(means, [2.5, 97.5])
    result = mean_with_ci(values, resamples=400, seed=5)
    assert result["ci_low"] == pytest.approx(low, abs=1e-12) and result["ci_high"] == pytest.approx(high, abs=1e-12)


def test_empty_single_and_constant():
    assert mean_with_ci([], []) == {"value": None, "ci_low": None, "ci_high": None}
    assert mean_with_ci([0.7]) == {"value": 0.7, "ci_low": 0.7, "ci_high": 0.7}
    result = mean_with_ci([0.1] * 7, ["a", "b"] * 3 + ["a"])
    assert result["ci_low"] <= result["value"] <= result["ci_high"]


def test_clustering_widens_the_interval_for_correlated_items():
    # 10 articles; every item of an article shares its score: effective n is 10, not 200.
    rng = random.Random(1)
    article_scores = [rng.random() for _ in range(10)]
    values = [s for s in article_scores for _ in range(20)]
    clusters = [f"art-{i}" for i in range(10) for _ in range(20)]
    plain = mean_with_ci(values)
    clustered = mean_with_ci(values, clusters)
    assert clustered["value"] == plain["value"]
    width = lambda r: r["ci_high"] - r["ci_low"]  # noqa: E731
    assert width(clustered) > 2.5 * width(plain)


def test_one_cluster_means_item_resampling():
    values = _values(40)
    assert mean_with_ci(values, ["only"] * 40, seed=4) == mean_with_ci(values, None, seed=4)


def test_cluster_resampling_uses_whole_clusters():
    # Two clusters with constant values 0 and 1 of sizes 1 and 3: every resample mean is one of
    # 0 (both draws cluster 0), 1 (both cluster 1) or 3/4 (one of each).
    result = mean_with_ci([0.0, 1.0, 1.0, 1.0], ["x", "y", "y", "y"], resamples=2000)
    assert result["value"] == 0.75
    assert result["ci_low"] == 0.0 and result["ci_high"] == 1.0


def test_bad_inputs():
    with pytest.raises(HarnessError, match="cluster"):
        mean_with_ci([1.0, 2.0], ["a"])
    with pytest.raises(HarnessError, match="confidence"):
        mean_with_ci([1.0, 2.0], confidence=95)
    with pytest.raises(HarnessError, match="finite"):
        mean_with_ci([float("nan")])
    with pytest.raises(HarnessError, match="resamples"):
        mean_with_ci([1.0], resamples=0)


def test_paired_delta():
    base = _values(100, seed=8)
    head = [v + 0.05 for v in base]
    result = paired_delta_ci(base, head, seed=2)
    assert result["delta"] == pytest.approx(0.05)
    # Same indices on both sides: a constant shift has a zero-width interval.
    assert result["ci_low"] == pytest.approx(0.05) and result["ci_high"] == pytest.approx(0.05)
    assert result["p_value"] == 0.0
    noisy = paired_delta_ci(base, _values(100, seed=9), [f"a{i % 5}" for i in range(100)], seed=2)
    assert noisy["ci_low"] <= noisy["delta"] <= noisy["ci_high"]
    assert noisy == paired_delta_ci(base, _values(100, seed=9), [f"a{i % 5}" for i in range(100)], seed=2)
    assert paired_delta_ci([], []) == {"delta": None, "ci_low": None, "ci_high": None, "p_value": None}
    with pytest.raises(HarnessError):
        paired_delta_ci([1.0], [1.0, 2.0])


def test_large_input_is_chunked_and_fast():
    values = _values(20_000)
    result = mean_with_ci(values, [f"a{i % 37}" for i in range(20_000)], resamples=1000)
    assert result["ci_low"] < result["value"] < result["ci_high"]
    assert mean_with_ci(values, resamples=300)["ci_low"] < statistics.fmean(values)
