"""The metrics `harness agreement` measures on judged summaries, each computed for a whole file
at once (spaCy runs once over all summaries, each article is read once).

ROUGE-1 needs references, and several references can be combined two ways (ROUGE_AGGREGATES,
the values of `tasks.summarization.reference_aggregate`): `max`, the best F1 over the references
(rouge_score's score_multi, the harness's default), or `mean`, the mean F1 over the references
(how G-Eval's published SummEval table was made).
Both use rouge_score with the Porter stemmer and its default tokenizer.
`likelihood` runs SmolLM2 over every summary (about 0.4 s a summary on 2 cores), so it is
measured only when named (`--metrics ...,likelihood`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from types import SimpleNamespace

from harness.agreement._summary_readers import SummaryRecord
from harness.metrics import (
    alignment as _alignment,
    entity_precision as _entities,
    likelihood as _likelihood,
    support as _support,
)
from harness.metrics.extractiveness import PARTS, extractiveness

ROUGE_AGGREGATES = ("mean", "max")
FAITHFULNESS = ("support", "alignment", "entity_precision", "entity_precision_rules", "likelihood")  # offline faithfulness scores
ON_REQUEST = ("likelihood",)  # computed only when named: a model pass over every summary
RULES_THRESHOLD = 1.0  # entity_precision_rules: "faithful" at or above (chosen on the SummaC validation splits)
THRESHOLDS = {"support": _support.THRESHOLD, "entity_precision": _entities.THRESHOLD,
              "entity_precision_rules": RULES_THRESHOLD, "alignment": _alignment.THRESHOLD,
              "likelihood": _likelihood.to_unit(_likelihood.THRESHOLD)}  # 0.5: the score at its pmi threshold


def rouge1(records: Sequence[SummaryRecord], aggregate: str) -> list[float]:
    """ROUGE-1 F1 of each summary over its references, combined by `aggregate` (mean or max):
    the harness's own ROUGE (harness.metrics.rouge_item_scores), the summary as one sentence."""
    from harness.metrics import rouge_item_scores

    return [rouge_item_scores([r.summary], r.references, ("rouge1",), True, "default", aggregate)["rouge1"]["f1"]
            for r in records]


def compute(records: Sequence[SummaryRecord], names: Sequence[str] | None = None) -> dict[str, list[float]]:
    """{metric name: one value per record} for the metrics that apply (ROUGE only with references)."""
    wanted = set(names) if names else None
    table: dict[str, Callable[[], list[float]]] = {}
    pairs = [(r.document, r.summary) for r in records]
    if all(r.references for r in records):
        for aggregate in ROUGE_AGGREGATES:
            table[f"rouge1_{aggregate}"] = lambda a=aggregate: rouge1(records, a)
    extract = []

    def part(name: str) -> list[float]:
        if not extract:
            extract.extend(extractiveness(a, s) for a, s in pairs)
        return [e[name] for e in extract]

    for name in PARTS:
        table[f"extractiveness.{name}"] = lambda n=name: part(n)
    spacy: list[float] = []

    def entity_spacy() -> list[float]:
        if not spacy:
            spacy.extend(_entities.entity_precision_many(pairs, "spacy"))
        return spacy

    table["entity_precision"] = entity_spacy
    table["entity_precision_rules"] = lambda: _entities.entity_precision_many(pairs, "rules")
    table["support"] = lambda: [_support.trigram_support(a, s) * e for (a, s), e in zip(pairs, entity_spacy())]
    table["alignment"] = lambda: [p["alignment"] for p in _alignment.alignment_many(pairs)]
    table["likelihood"] = lambda: [p["score"] for p in _likelihood.score_many(
        [SimpleNamespace(text=summary, document=article) for article, summary in pairs])]
    if wanted is not None:
        unknown = sorted(wanted - set(table))
        if unknown:
            from harness.errors import HarnessError

            raise HarnessError(f"unknown or inapplicable metric(s) {', '.join(unknown)}; "
                               f"allowed here: {', '.join(table)}")
    return {name: fn() for name, fn in table.items() if (name in wanted if wanted is not None else name not in ON_REQUEST)}
