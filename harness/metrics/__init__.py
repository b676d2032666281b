"""Metrics: each built-in metric object with its math, by family (exact_match_f1, correct,
model_judge, rouge), registered by entry point like any plugin; the `evaluate` wrappers and
the report's record of engine versions. The run scores items with them (harness.run).
See docs/metrics.md.
"""

from harness.metrics._correct import judge
from harness.metrics._evaluate import (
    EVALUATE_MODULES,
    compute_extra_metric,
    evaluate_module_path,
    load_extra_metric,
)
from harness.metrics._rouge import clear_rouge_caches, rouge_item_scores, rouge_scorer_for
from harness.metrics._tokenizers import DefaultRougeTokenizer, UnicodeRougeTokenizer
from harness.metrics._versions import metrics_signature
from harness.metrics.exact_match_f1 import exact_match, token_f1

__all__ = [
    "EVALUATE_MODULES",
    "DefaultRougeTokenizer",
    "UnicodeRougeTokenizer",
    "clear_rouge_caches",
    "compute_extra_metric",
    "evaluate_module_path",
    "exact_match",
    "judge",
    "load_extra_metric",
    "metrics_signature",
    "rouge_item_scores",
    "rouge_scorer_for",
    "token_f1",
]
