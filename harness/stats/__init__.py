"""Statistics over per-item numbers: seeded percentile bootstrap intervals of a mean and of a
paired difference (clustered by article when there are several)."""

from harness.stats._bootstrap import mean_with_ci, paired_delta_ci

__all__ = ["mean_with_ci", "paired_delta_ci"]
