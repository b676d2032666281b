"""Metric verdicts against people's judgments (`harness agreement`).

Judged answers are read from a file in one of FORMATS (harness.agreement._formats), scored as a
run scores them (harness.agreement._scoring), and each metric's verdicts are compared with the
labels (harness.agreement._measure): agreement with a bootstrap interval, Cohen's kappa, the
confusion counts, by source or split, and the most frequent kinds of disagreement. Judged
summaries (SUMMARY_FORMATS: graded ratings or binary labels) go through
harness.agreement._summary: correlations at the summary and system level, balanced accuracy.
"""

from harness.agreement._command import agreement_command, gold_agreement_command, summary_agreement_command
from harness.agreement._formats import FORMATS, read_judged
from harness.agreement._judged import JudgedAnswer, read_jsonl
from harness.agreement._measure import GROUPS, MetricResult, judge_all, measure, metric_names
from harness.agreement._report import as_json, format_text
from harness.agreement._scoring import F1_THRESHOLD, containment, qa_item, score_answer, verdicts
from harness.agreement._split import SALT, split_of
from harness.agreement._stats import Confusion, confusion
from harness.agreement._summary_readers import FORMATS as SUMMARY_FORMATS

__all__ = [
    "F1_THRESHOLD", "FORMATS", "GROUPS", "SALT", "SUMMARY_FORMATS", "Confusion", "JudgedAnswer", "MetricResult", "as_json",
    "agreement_command", "confusion", "containment", "format_text", "gold_agreement_command", "judge_all", "measure",
    "metric_names", "qa_item",
    "read_judged", "read_jsonl", "score_answer", "split_of", "summary_agreement_command", "verdicts",
]
