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
from typing import Annotated, Any, Callable, Literal, Sequence

from pydantic import AfterValidator, Field, field_validator, model_validator

from harness.gold import STYLES, SUMMARY_SOURCES
from harness.tasks._base import Answer, EvalItem, JudgePlan, Task
from harness.tasks._options import JudgeModelOptions, TaskOptions, check_unique, metric_names_of
from harness.tasks._rubric_judge import (
    MAX_NEW_TOKENS as RUBRIC_TOKENS,
    PROMPT as RUBRIC_PROMPT,
    RubricVerdict,
    judge_plan,
)

NAME = "summarization"
ROUGE_TYPES = ("rouge1", "rouge2", "rougeL", "rougeLsum")  # the ROUGE variants of harness.metrics.rouge
REFERENCE_AGGREGATES = ("max", "mean")  # how ROUGE combines several references: the best one, or their mean
TOKENIZERS = ("default", "unicode")  # ROUGE tokenizers: rouge_score's ASCII one, or one that keeps non-ASCII letters
# Default token limits per style: room for the longest written reference, in SmolLM2 tokens, twice over.
STYLE_TOKENS = {"headline": 32, "one_sentence": 80, "short": 200}
LEAD_SENTENCES = {"headline": 1, "one_sentence": 1, "short": 3}  # what the lead baseline gives per style


@dataclass(frozen=True)
class SummaryAnswer(Answer):
    """What a summarization metric scores: besides the Answer fields (`text` is the summary, one
    sentence a line; `references` the reference summaries), its sentences, and the article's
    answerable gold questions as (question, accepted answers) pairs, and the rubric judge's
    rating when the config has one."""

    sentences: tuple[str, ...] = ()
    qa: tuple[tuple[str, tuple[str, ...]], ...] = ()
    rubric: RubricVerdict | None = None


class RubricJudgeOptions(JudgeModelOptions):
    """A model that rates each summary 1-5 on four dimensions (the `rubric` metric): any
    backend, greedy, cached."""

    prompt: str = Field(default=RUBRIC_PROMPT, description="The judge's prompt template (fields: article, "
                                                            "summary).")
    max_new_tokens: int = Field(default=RUBRIC_TOKENS, ge=1, le=1024, description="Tokens the judge may write.")


SummaryStyle = Literal[STYLES]
SummarySource = Literal[SUMMARY_SOURCES]
SummaryMetricName = Annotated[str, AfterValidator(functools.partial(metric_names_of, NAME))]


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
    reference_aggregate: Literal[REFERENCE_AGGREGATES] = Field(
        default="max", description="With several references: max (per ROUGE type the reference with the best F1, "
                                   "rouge_score's score_multi) or mean (the mean over the references).")
    tokenizer: Literal[TOKENIZERS] = Field(
        default="default",
        description="ROUGE tokenizer: default (rouge_score's ASCII one) or unicode (keeps non-ASCII letters).",
    )
    judge: RubricJudgeOptions | None = Field(
        default=None, description="A model that rates the summaries, for the `rubric` metric.")

    _unique = field_validator("styles", "reference_sources", "metrics")(check_unique)

    @model_validator(mode="after")
    def _judge_for_rubric(self) -> "SummarizationOptions":
        if ("rubric" in self.metrics) != (self.judge is not None):
            raise ValueError("the `rubric` metric and `judge:` (the rating model) go together: set both or neither")
        return self

    @field_validator("max_new_tokens")
    @classmethod
    def _over_defaults(cls, value: dict[str, int]) -> dict[str, int]:
        """A config names the styles it changes; the others keep their default."""
        return {**STYLE_TOKENS, **value}


class SummarizationTask(Task):
    name = NAME
    title = "Summarization"
    group_label = "style"
    item_field = "style"
    Options = SummarizationOptions

    def items(self, gold: Any, options: SummarizationOptions, limit: int | None) -> list[EvalItem]:
        references: dict[tuple[str, str], list[str]] = defaultdict(list)
        for summary in gold.summaries:
            if summary.source in options.reference_sources:
                references[(summary.article_id, summary.style)].append(summary.text)
        questions: dict[str, list[tuple[str, tuple[str, ...]]]] = defaultdict(list)
        for qa in gold.qa:
            if qa.answers:
                questions[qa.article_id].append((qa.question, tuple(qa.answers)))
        items = []
        for article in gold.articles.values():
            for style in options.styles:
                if limit is not None and len(items) >= limit:
                    return items
                if (article.id, style) in references:  # nothing to score against otherwise
                    items.append(EvalItem(
                        NAME, f"{article.id}/{style}", article.id, style,
                        tuple(references[(article.id, style)]),
                        functools.partial(_request, article, style, options), document=article.text,
                        fields={"style": style}, data={"qa": tuple(questions[article.id])},
                        max_new_tokens=options.max_new_tokens.get(style)))
        return items

    def answer(self, item: EvalItem, raw: str, options: SummarizationOptions,
               judged: RubricVerdict | None = None) -> SummaryAnswer:
        from harness.sentences import split_sentences

        sentences = tuple(split_sentences(raw))
        return SummaryAnswer(item.id, item.article_id, item.group, "\n".join(sentences), raw, item.references,
                             item.document, sentences=sentences, qa=item.data.get("qa", ()), rubric=judged)

    def judge(self, options: SummarizationOptions, items: Sequence[EvalItem],
              answer: Callable[[EvalItem], Answer | None]) -> JudgePlan | None:
        return None if options.judge is None else judge_plan(options.judge, items, answer)

    def scoring_options(self, options: SummarizationOptions) -> dict[str, Any]:
        return {
            "engine": "rouge_score", "use_stemmer": options.use_stemmer, "tokenizer": options.tokenizer,
            "reference_sources": list(options.reference_sources),
            "multi_reference": ("per ROUGE type, the reference with the best F1 (rouge_score score_multi)"
                                if options.reference_aggregate == "max" else
                                "per ROUGE type, the mean of precision, recall and F1 over the references"),
            "sentence_splitter": "harness.sentences.split_sentences; predictions one sentence a line for rougeLsum",
            "value": "F1",
        }

    def scoring_note(self, scoring: dict[str, Any]) -> str:
        return (f"ROUGE {scoring.get('engine')}, stemmer {'on' if scoring.get('use_stemmer') else 'off'}, "
                f"tokenizer {scoring.get('tokenizer')}, value {scoring.get('value')}")


def _request(article: Any, style: str, options: SummarizationOptions, template: Any = None):
    from harness.backends import Request

    system, prompt = (template or options.template).render(article=article.text, style=style,
                                                           title=article.meta.get("title", ""))
    return Request(id=f"{article.id}/{style}", task=NAME, prompt=prompt, system=system,
                   article=article.text, article_id=article.id, lead_sentences=LEAD_SENTENCES.get(style, 1),
                   max_new_tokens=options.max_new_tokens.get(style))
