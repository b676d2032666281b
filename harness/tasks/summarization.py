"""Summarization: the model summarizes each article once per requested style.

An item is one (article, style) pair; its references are the gold summaries of that style for
that article whose source is listed in `reference_sources` (by default only the `written` ones:
the source's own headline is kept as data but is not a reference). The output is split into sentences (one a line, so ROUGE-Lsum sees them) and
scored with ROUGE through rouge_score (see docs/metrics.md).
"""

from __future__ import annotations

import functools
from collections import defaultdict
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, Field, field_validator

from harness.gold import STYLES, SUMMARY_SOURCES
from harness.metrics import ROUGE_TYPES, TOKENIZERS
from harness.tasks._base import EvalItem, Metric, Scored, Task
from harness.tasks._options import ExtraMetric, TaskOptions, check_unique, metric_names_of

ROUGE_PARTS = ("precision", "recall", "f1")
# Default token limits per style: room for the longest written reference, in SmolLM2 tokens, twice over.
STYLE_TOKENS = {"headline": 32, "one_sentence": 80, "short": 200}


@dataclass(frozen=True)
class SummaryAnswer:
    """What a summarization metric scores: the prediction's sentences and the references."""

    sentences: tuple[str, ...]
    references: tuple[str, ...]


def _rouge(kind: str) -> Metric:
    def score(answer: SummaryAnswer, options: Any) -> dict[str, float]:
        from harness.metrics import rouge_item_scores

        return rouge_item_scores(answer.sentences, answer.references, (kind,),
                                 options.use_stemmer, options.tokenizer)[kind]

    return Metric(kind, "summarization", f"{kind} F1 (rouge_score), best over the references", score, ROUGE_PARTS)


ROUGE1, ROUGE2, ROUGE_L, ROUGE_LSUM = (_rouge(kind) for kind in ROUGE_TYPES)

SummaryStyle = Literal[STYLES]
SummarySource = Literal[SUMMARY_SOURCES]
SummaryMetricName = Annotated[str, AfterValidator(functools.partial(metric_names_of, "summarization"))]


class SummarizationOptions(TaskOptions):
    """Summarization: the model summarizes each article once per requested style."""

    prompt: str = Field(
        default="summarize.jinja",
        description=(
            "Prompt template: an inline template if it contains '{{' or '{%', else a template "
            "shipped in harness/prompts/, else a file path relative to the current directory "
            "(or to the config file's directory)."
        ),
    )
    styles: list[SummaryStyle] = Field(
        default_factory=lambda: list(STYLES), min_length=1, description="Summary styles to evaluate."
    )
    reference_sources: list[SummarySource] = Field(
        default_factory=lambda: ["written"], min_length=1,
        description="Which gold summaries are references, by their `source`: written (by a person, as a "
                    "reference) and/or source-headline (the source's own headline).",
    )
    metrics: list[SummaryMetricName] = Field(
        default_factory=lambda: list(ROUGE_TYPES),
        min_length=1,
        description="ROUGE variants to report.",
    )
    max_new_tokens: dict[SummaryStyle, Annotated[int, Field(ge=1, le=8192)]] = Field(
        default_factory=lambda: dict(STYLE_TOKENS),
        description="Most tokens generated per summary style; overrides the model's generation.max_new_tokens "
                    "for summaries (a headline needs fewer than a 3-5 sentence summary).",
    )
    use_stemmer: bool = Field(default=True, description="Apply the Porter stemmer before ROUGE.")
    tokenizer: Literal[TOKENIZERS] = Field(
        default="default",
        description="ROUGE tokenizer: default (rouge_score's ASCII one) or unicode (keeps non-ASCII letters).",
    )
    extra_metrics: list[ExtraMetric] = Field(default_factory=list, description="Additional `evaluate` metrics.")

    _unique = field_validator("styles", "reference_sources", "metrics")(check_unique)

    @field_validator("max_new_tokens")
    @classmethod
    def _over_defaults(cls, value: dict[str, int]) -> dict[str, int]:
        """A config names the styles it changes; the others keep their default."""
        return {**STYLE_TOKENS, **value}


class SummarizationTask(Task):
    name = "summarization"
    title = "Summarization"
    group_label = "style"
    group_field = "by_style"
    Options = SummarizationOptions

    def items(self, gold: Any, options: SummarizationOptions, limit: int | None) -> list[EvalItem]:
        references: dict[tuple[str, str], list[str]] = defaultdict(list)
        for summary in gold.summaries:
            if summary.source in options.reference_sources:
                references[(summary.article_id, summary.style)].append(summary.text)
        items = []
        for article in gold.articles.values():
            for style in options.styles:
                if limit is not None and len(items) >= limit:
                    return items
                if (article.id, style) in references:  # nothing to score against otherwise
                    items.append(EvalItem(
                        "summarization", f"{article.id}/{style}", article.id, style,
                        tuple(references[(article.id, style)]),
                        functools.partial(_request, article, style, options), style=style,
                        max_new_tokens=options.max_new_tokens.get(style)))
        return items

    def score(self, item: EvalItem, text: str | None, options: SummarizationOptions) -> Scored:
        from harness import plugins
        from harness.metrics import split_sentences

        metrics = [plugins.load("metric", name) for name in options.metrics]
        if text is None:
            return Scored("", {m.name: m.failed() for m in metrics}, {"sentences": []})
        sentences = split_sentences(text)
        answer = SummaryAnswer(tuple(sentences), item.references)
        scores = {m.name: m.score(answer, options) for m in metrics}
        return Scored("\n".join(sentences), scores, {"sentences": sentences})

    def scoring_options(self, options: SummarizationOptions) -> dict[str, Any]:
        return {
            "engine": "rouge_score", "use_stemmer": options.use_stemmer, "tokenizer": options.tokenizer,
            "reference_sources": list(options.reference_sources),
            "multi_reference": "per ROUGE type, the reference with the best F1 (rouge_score score_multi)",
            "sentence_splitter": "harness.metrics.split_sentences; predictions one sentence a line for rougeLsum",
            "value": "F1",
        }


    def scoring_note(self, scoring: dict[str, Any]) -> tuple[str, str]:
        return ("ROUGE", f"{scoring.get('engine')}, stemmer {'on' if scoring.get('use_stemmer') else 'off'}, "
                         f"tokenizer {scoring.get('tokenizer')}, value {scoring.get('value')}")


def _request(article: Any, style: str, options: SummarizationOptions, template: Any = None):
    from harness.backends import Request

    system, prompt = (template or options.template).render(article=article.text, style=style,
                                             title=article.meta.get("title", ""))
    return Request(id=f"{article.id}/{style}", task="summarization", prompt=prompt, system=system,
                   article=article.text, article_id=article.id, style=style,
                   max_new_tokens=options.max_new_tokens.get(style))
