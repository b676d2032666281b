"""Question answering: the model answers each gold question about its article.

The raw output is cut to an answer (extraction), checked for an abstention, and scored by the
configured metrics; exact_match and f1 are the SQuAD v1.1 rules (see docs/metrics.md).
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
from dataclasses import dataclass
from typing import Annotated, Any, Callable, Sequence, Union

from pydantic import AfterValidator, Field, field_validator, model_validator

from harness.tasks._base import Answer, EvalItem, JudgePlan, Task, Verdict
from harness.tasks._extraction import EXTRACTION_RULES
from harness.tasks._options import JudgeModelOptions, TaskOptions, check_unique, metric_names_of

NAME = "qa"


@dataclass(frozen=True)
class QAAnswer(Answer):
    """What a QA metric scores: besides the Answer fields (`text` is the extracted answer;
    `references` the accepted answers, () when the question is unanswerable), the question,
    whether the answer abstains (in any words: harness.tasks._abstention.is_abstention) and whether it
    says the configured abstain phrase, and the model judge's verdict when the config has one."""

    question: str = ""
    abstained: bool = False
    said_phrase: bool = False
    judged: Verdict | None = None


class JudgeOptions(JudgeModelOptions):
    """A model that grades each answer (the `judge` metric): any backend, greedy, cached."""

    prompt: str = Field(default="judge.jinja", description="The judge's prompt template (fields: question, "
                                                           "answers, prediction).")
    max_new_tokens: int = Field(default=8, ge=1, le=256, description="Tokens the judge may write.")

QAMetricName = Annotated[str, AfterValidator(functools.partial(metric_names_of, NAME))]
ExtractionRule = Union[str, dict[str, str]]


class QAOptions(TaskOptions):
    """Question answering: the model answers each gold question about its article."""

    prompt: str = Field(
        default="qa.jinja",
        description=(
            "Prompt template: an inline template if it contains '{{' or '{%', else a template "
            "shipped in harness/prompts/, else a file path relative to the current directory "
            "(or to the config file's directory)."
        ),
    )
    metrics: list[QAMetricName] = Field(
        default_factory=lambda: ["exact_match", "f1", "correct"], min_length=1, description="Metrics to report."
    )
    extraction: ExtractionRule = Field(
        default="default",
        description="How the answer is cut from the raw output: " + ", ".join(EXTRACTION_RULES)
        + ", or {regex: PATTERN}.",
    )
    abstain_phrase: str = Field(
        default="unanswerable",
        min_length=1,
        description="What the model must reply when the article does not answer the question.",
    )
    few_shot: int = Field(
        default=0, ge=0, le=16,
        description="Worked examples (other questions of the same article with their answers) given to the "
                    "prompt as `examples`; chosen deterministically, never the item itself.",
    )
    judge: JudgeOptions | None = Field(
        default=None, description="A model that grades the answers, for the `judge` metric.")

    _unique_metrics = field_validator("metrics")(check_unique)

    @model_validator(mode="after")
    def _judge_for_judge(self) -> "QAOptions":
        if ("judge" in self.metrics) != (self.judge is not None):
            raise ValueError("the `judge` metric and `judge:` (the judge model) go together: set both or neither")
        return self

    @field_validator("extraction", mode="before")
    @classmethod
    def _check_extraction(cls, value: Any) -> Any:
        if isinstance(value, str) and value in EXTRACTION_RULES:
            return value
        if isinstance(value, dict) and set(value) == {"regex"} and isinstance(value["regex"], str):
            try:
                re.compile(value["regex"])
            except re.error as exc:
                raise ValueError(f"regex {value['regex']!r} does not compile: {exc}") from None
            return value
        raise ValueError(
            f"must be one of: {', '.join(EXTRACTION_RULES)}, or a mapping {{regex: PATTERN}} (got {value!r})"
        )


class QATask(Task):
    name = NAME
    title = "Question answering"
    group_label = "question type"
    item_field = "question"
    summary_values = {"abstention": "abstention accuracy"}
    Options = QAOptions

    def items(self, gold: Any, options: QAOptions, limit: int | None) -> list[EvalItem]:
        questions = gold.qa if limit is None else gold.qa[:limit]
        by_article: dict[str, list[Any]] = {}
        if options.few_shot:
            for qa in gold.qa:
                by_article.setdefault(qa.article_id, []).append(qa)
        return [qa_item(qa, gold.articles[qa.article_id].text,
                        functools.partial(_request, gold.articles[qa.article_id], qa, options,
                                          by_article.get(qa.article_id, ())))
                for qa in questions]

    def answer(self, item: EvalItem, raw: str, options: QAOptions, judged: Verdict | None = None) -> QAAnswer:
        from harness.tasks._abstention import is_abstention, says_abstain_phrase

        text = extracted(raw, options)
        return QAAnswer(item.id, item.article_id, item.group, text, raw, item.references, item.document,
                        question=item.fields.get("question", ""),
                        abstained=is_abstention(text, options.abstain_phrase),
                        said_phrase=says_abstain_phrase(text, options.abstain_phrase), judged=judged)

    def item_scores(self, item: EvalItem, answer: Answer | None, options: QAOptions) -> dict[str, Any]:
        if answer is None:
            return {"abstained": False, "abstention": 0.0}
        return {"abstained": answer.abstained, "abstention": float(answer.abstained == (not item.references))}

    def judge(self, options: QAOptions, items: Sequence[EvalItem],
              answer: Callable[[EvalItem], Answer | None]) -> JudgePlan | None:
        if options.judge is None:
            return None
        from harness.tasks._qa_judge import judge_plan

        return judge_plan(options.judge, items, answer)

    def scoring_options(self, options: QAOptions) -> dict[str, Any]:
        return {
            "prompt": options.template.label, "few_shot": options.few_shot,
            "normalization": "SQuAD v1.1 (lower-case, drop ASCII punctuation and a/an/the, collapse whitespace)",
            "aliases": "maximum over accepted answers", "extraction": options.extraction,
            "abstain_phrase": options.abstain_phrase,
        }

    def scoring_note(self, scoring: dict[str, Any]) -> str:
        return (f"prompt {scoring.get('prompt')} (few-shot {scoring.get('few_shot', 0)}), "
                f"extraction {json.dumps(scoring.get('extraction'))}, "
                f"abstain phrase {json.dumps(scoring.get('abstain_phrase'))}")


def extracted(raw: str, options: QAOptions) -> str:
    """The answer cut from a raw output by the configured extraction rule."""
    from harness.tasks._extraction import extract_answer

    return extract_answer(raw, options.extraction)


def qa_item(qa: Any, document: str = "", render: Any = None) -> EvalItem:
    """A gold question as an item; without `render` it only scores given answers (no prompt)."""
    def no_request(template: Any = None):
        raise RuntimeError(f"{qa.id}: an item made to score given answers renders no prompt")

    return EvalItem(NAME, qa.id, qa.article_id, qa.type, tuple(qa.answers), render or no_request,
                    document=document, fields={"question": qa.question})


def few_shot_examples(qa: Any, candidates: Sequence[Any], options: QAOptions) -> list[dict[str, str]]:
    """`options.few_shot` other questions of the article with their canonical answers (the
    abstain phrase for an unanswerable one), in an order fixed by hashing the two ids: the same
    for every run, different from item to item."""
    def rank(other: Any) -> str:
        return hashlib.sha256(f"{qa.id}\n{other.id}".encode("utf-8")).hexdigest()

    chosen = sorted((c for c in candidates if c.id != qa.id), key=rank)[: options.few_shot]
    return [{"question": c.question, "answer": c.answers[0] if c.answers else options.abstain_phrase}
            for c in chosen]


def _request(article: Any, qa: Any, options: QAOptions, candidates: Sequence[Any], template: Any = None):
    from harness.backends import Request

    system, prompt = (template or options.template).render(
        article=article.text, question=qa.question, abstain_phrase=options.abstain_phrase,
        title=article.meta.get("title", ""), examples=few_shot_examples(qa, candidates, options),
    )
    return Request(id=qa.id, task=NAME, prompt=prompt, system=system, article=article.text,
                   article_id=article.id, overlap_query=qa.question)
