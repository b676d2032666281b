"""ROUGE-1/2/L/Lsum per item, with rouge_score 0.1.2 as the engine.

Multiple references (`aggregate`): "max", rouge_score's `score_multi` rule, per ROUGE type the
reference with the highest F1 (the first one on a tie), with its precision and recall; or
"mean", per type the mean of precision, recall and F1 over the references (how SummEval-style
meta-evaluations aggregate ROUGE).
ROUGE-Lsum: the prediction's sentences are joined with "\\n" (rouge_score splits on "\\n");
references already hold one sentence a line.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence

from rouge_score import rouge_scorer

from harness.errors import HarnessError
from harness.metrics._tokenizers import TOKENIZERS, DefaultRougeTokenizer, UnicodeRougeTokenizer
from harness.tasks.summarization import REFERENCE_AGGREGATES as AGGREGATES, ROUGE_TYPES


def rouge_item_scores(
    prediction_sentences: Sequence[str],
    references: Sequence[str],
    types: Sequence[str] = ROUGE_TYPES,
    use_stemmer: bool = True,
    tokenizer: str = "default",
    aggregate: str = "max",
) -> dict[str, dict[str, float]]:
    """Score one prediction (already split into sentences) against one or more references.

    Returns {type: {"precision", "recall", "f1"}} for each requested type.
    """
    if isinstance(references, str) or not references:
        raise HarnessError("ROUGE needs a non-empty list of reference strings")
    if isinstance(prediction_sentences, str):
        raise HarnessError("ROUGE needs the prediction as a list of sentences (see split_sentences)")
    if aggregate not in AGGREGATES:
        raise HarnessError(f"unknown reference aggregate {aggregate!r}; allowed: {', '.join(AGGREGATES)}")
    scorer = rouge_scorer_for(tuple(types), bool(use_stemmer), tokenizer)
    prediction = "\n".join(prediction_sentences)
    if aggregate == "max":
        best = scorer.score_multi(list(references), prediction)
        return {kind: {"precision": float(s.precision), "recall": float(s.recall), "f1": float(s.fmeasure)}
                for kind, s in best.items()}
    each = [scorer.score(reference, prediction) for reference in references]
    return {kind: {"precision": math.fsum(s[kind].precision for s in each) / len(each),
                   "recall": math.fsum(s[kind].recall for s in each) / len(each),
                   "f1": math.fsum(s[kind].fmeasure for s in each) / len(each)} for kind in types}


@functools.lru_cache(maxsize=32)
def rouge_scorer_for(types: tuple[str, ...], use_stemmer: bool, tokenizer: str) -> rouge_scorer.RougeScorer:
    """A cached RougeScorer for these options (building one, with its stemmer, is costly)."""
    unknown = [kind for kind in types if kind not in ROUGE_TYPES]
    if unknown or not types:
        raise HarnessError(f"unknown ROUGE type(s) {unknown or '[]'}; allowed: {', '.join(ROUGE_TYPES)}")
    if tokenizer not in TOKENIZERS:
        raise HarnessError(f"unknown ROUGE tokenizer {tokenizer!r}; allowed: {', '.join(TOKENIZERS)}")
    token_class = DefaultRougeTokenizer if tokenizer == "default" else UnicodeRougeTokenizer
    return rouge_scorer.RougeScorer(list(types), tokenizer=token_class(use_stemmer))


def clear_rouge_caches() -> None:
    """Forget cached scorers and their memoized tokens (for cold-start timing)."""
    rouge_scorer_for.cache_clear()
