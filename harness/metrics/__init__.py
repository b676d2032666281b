"""Metrics: pure functions the runner calls, thin `evaluate` wrappers, seeded bootstrap.

ROUGE (rouge_score 0.1.2 as the engine), SQuAD exact match / F1 with the abstention rule,
answer extraction, the sentence splitter for ROUGE-Lsum, and bootstrap intervals.
See docs/metrics.md.
"""

from harness.metrics._bootstrap import mean_with_ci, paired_delta_ci
from harness.metrics._evaluate import (
    EVALUATE_MODULES,
    compute_extra_metric,
    evaluate_module_path,
    load_extra_metric,
)
from harness.metrics._extraction import EXTRACTION_RULES, check_extraction_rule, extract_answer
from harness.metrics._rouge import ROUGE_TYPES, clear_rouge_caches, rouge_item_scores, rouge_scorer_for
from harness.metrics._sentences import split_sentences
from harness.metrics._abstention import ABSTENTION_PATTERNS, is_abstention
from harness.metrics._correct import Verdict, judge
from harness.metrics._squad import (
    abstention_accuracy,
    abstention_item_score,
    exact_match,
    normalize_answer,
    qa_item_scores,
    says_abstain_phrase,
    token_f1,
)
from harness.metrics._tokenizers import TOKENIZERS, DefaultRougeTokenizer, UnicodeRougeTokenizer
from harness.metrics._versions import SENTENCE_SPLITTER_VERSION, metrics_signature

__all__ = [
    "ABSTENTION_PATTERNS",
    "EVALUATE_MODULES",
    "EXTRACTION_RULES",
    "ROUGE_TYPES",
    "SENTENCE_SPLITTER_VERSION",
    "TOKENIZERS",
    "DefaultRougeTokenizer",
    "UnicodeRougeTokenizer",
    "Verdict",
    "abstention_accuracy",
    "abstention_item_score",
    "check_extraction_rule",
    "clear_rouge_caches",
    "compute_extra_metric",
    "evaluate_module_path",
    "exact_match",
    "extract_answer",
    "is_abstention",
    "judge",
    "load_extra_metric",
    "mean_with_ci",
    "metrics_signature",
    "normalize_answer",
    "paired_delta_ci",
    "qa_item_scores",
    "rouge_item_scores",
    "rouge_scorer_for",
    "says_abstain_phrase",
    "split_sentences",
    "token_f1",
]
