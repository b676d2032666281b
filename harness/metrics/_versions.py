"""What a report needs to say how its numbers were computed (beside the config's options)."""

from __future__ import annotations

from importlib import metadata

from harness.sentences import SPLITTER_VERSION


def metrics_signature() -> dict:
    """Engine versions and fixed rules of the metrics, for the report's signature."""
    return {
        "rouge_engine": f"rouge_score=={_version('rouge-score')}",
        "stemmer": f"nltk.PorterStemmer (nltk=={_version('nltk')})",
        "sentence_splitter": SPLITTER_VERSION,
        "squad": "SQuAD v1.1 normalization, max over aliases; both empty -> 1 (SQuAD v2)",
        "bootstrap": f"percentile, numpy.random.default_rng (numpy=={_version('numpy')})",
    }


def _version(distribution: str) -> str:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return "missing"
