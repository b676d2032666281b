"""What a report needs to say how its numbers were computed (beside the config's options)."""

from __future__ import annotations

from importlib import metadata

SENTENCE_SPLITTER_VERSION = "harness-regex-1"
"""Bump when split_sentences changes its output on any text."""


def metrics_signature() -> dict:
    """Engine versions and fixed rules of the metrics, for the report's signature."""
    return {
        "rouge_engine": f"rouge_score=={_version('rouge-score')}",
        "stemmer": f"nltk.PorterStemmer (nltk=={_version('nltk')})",
        "rouge_multi_reference": "per type, the reference with the best F1 (rouge_score score_multi)",
        "sentence_splitter": SENTENCE_SPLITTER_VERSION,
        "squad": "SQuAD v1.1 normalization, max over aliases; both empty -> 1 (SQuAD v2)",
        "bootstrap": f"percentile, numpy.random.default_rng (numpy=={_version('numpy')})",
    }


def _version(distribution: str) -> str:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return "missing"
