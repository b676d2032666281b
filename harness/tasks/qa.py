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

from harness.metrics import EXTRACTION_RULES, Verdict, exact_match, judge, token_f1
from harness.tasks._base import EvalItem, Metric, Scored, Task
from harness.tasks._options import ExtraMetric, TaskOptions, check_unique, metric_names_of


@dataclass(frozen=True)
class QAAnswer:
    """What a QA metric scores: the extracted answer, the accepted answers (() when the question
    is unanswerable), whether the answer abstains (in any words: harness.metrics.is_abstention)
    and whether it says the configured abstain phrase, and the question."""

    text: str
    references: tuple[str, ...]
    abstained: bool
    said_phrase: bool
    question: str
    judged: Verdict | None = None  # a model judge's verdict, when the config has one (harness.run)


def _squad(rule: Callable[[str, Sequence[str]], float]) -> Callable[[QAAnswer, Any], float]:
    """A SQuAD metric with the abstention rule: an unanswerable item scores 1 when the model
    abstains and 0 otherwise; on an answerable item the abstain phrase scores 0, anything else
    the official SQuAD v1.1 number."""

    def score(answer: QAAnswer, options: Any) -> float:
        if not answer.references:
            return float(answer.abstained)
        return 0.0 if answer.said_phrase else rule(answer.text, answer.references)

    return score


def _correct(answer: QAAnswer, options: Any) -> Verdict:
    return judge(answer.text, answer.references, answer.question, answer.abstained)


def _judged(answer: QAAnswer, options: Any) -> Verdict:
    if answer.judged is None:  # the config check makes this a bug, not a user's mistake
        raise RuntimeError("the judge metric is scored from the verdicts of tasks.qa.judge")
    return answer.judged


EXACT_MATCH = Metric("exact_match", "qa", "SQuAD v1.1 exact match, maximum over the accepted answers",
                     _squad(exact_match))
F1 = Metric("f1", "qa", "SQuAD v1.1 token F1, maximum over the accepted answers", _squad(token_f1))
CORRECT = Metric("correct", "qa", "1 when the answer says what an accepted answer says (rules in docs/metrics.md)",
                 _correct)
JUDGE = Metric("judge", "qa", "1 when the model judge of tasks.qa.judge says CORRECT", _judged)


class JudgeOptions(TaskOptions):
    """A model that grades each answer (the `judge` metric): any backend, greedy, cached."""

    model: Any = Field(description="The judge model: an entry like those under `models:` (any backend).")
    prompt: str = Field(default="judge.jinja", description="The judge's prompt template (fields: question, "
                                                           "answers, prediction).")
    max_new_tokens: int = Field(default=8, ge=1, le=256, description="Tokens the judge may write.")

    @field_validator("model", mode="before")
    @classmethod
    def _a_model(cls, value: Any) -> Any:
        from pydantic import TypeAdapter

        from harness.config import model_union

        return TypeAdapter(model_union()).validate_python(value)

QAMetricName = Annotated[str, AfterValidator(functools.partial(metric_names_of, "qa"))]
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
    extra_metrics: list[ExtraMetric] = Field(default_factory=list, description="Additional `evaluate` metrics.")

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
    name = "qa"
    title = "Question answering"
    group_label = "question type"
    group_field = "by_type"
    summary_fields = {"abstention_accuracy": "abstention accuracy"}
    Options = QAOptions

    def items(self, gold: Any, options: QAOptions, limit: int | None) -> list[EvalItem]:
        questions = gold.qa if limit is None else gold.qa[:limit]
        by_article: dict[str, list[Any]] = {}
        if options.few_shot:
            for qa in gold.qa:
                by_article.setdefault(qa.article_id, []).append(qa)
        return [EvalItem("qa", qa.id, qa.article_id, qa.type, tuple(qa.answers),
                         functools.partial(_request, gold.articles[qa.article_id], qa, options,
                                           by_article.get(qa.article_id, ())),
                         question=qa.question)
                for qa in questions]

    def score(self, item: EvalItem, text: str | None, options: QAOptions, judged: Verdict | None = None) -> Scored:
        from harness.metrics import is_abstention, says_abstain_phrase

        metrics = [_metric(name) for name in options.metrics]
        if text is None:
            scores = {m.name: m.failed() for m in metrics}
            return Scored("", scores | {"abstained": False, "abstention": 0.0}, {})
        answer = self.answer(text, options)
        abstained = is_abstention(answer, options.abstain_phrase)
        scoring = QAAnswer(answer, item.references, abstained, says_abstain_phrase(answer, options.abstain_phrase),
                           item.question or "", judged)
        results = {m.name: m.score(scoring, options) for m in metrics}
        scores = {name: getattr(r, "value", r) for name, r in results.items()}
        reasons = {name: r.rule for name, r in results.items() if hasattr(r, "rule")}
        abstention = float(abstained == (not item.references))
        return Scored(answer, scores | {"abstained": abstained, "abstention": abstention},
                      {"reasons": reasons} if reasons else {})

    def answer(self, text: str, options: QAOptions) -> str:
        """The answer cut from a raw output by the configured extraction rule."""
        from harness.metrics import extract_answer

        return extract_answer(text, options.extraction)

    def summary(self, items: Sequence[EvalItem], scored: Sequence[Scored], mean: Callable) -> dict[str, Any]:
        return {"abstention_accuracy": mean([s.scores["abstention"] for s in scored])}

    def scoring_options(self, options: QAOptions) -> dict[str, Any]:
        return {
            "prompt": options.template.label, "few_shot": options.few_shot,
            "normalization": "SQuAD v1.1 (lower-case, drop ASCII punctuation and a/an/the, collapse whitespace)",
            "aliases": "maximum over accepted answers", "extraction": options.extraction,
            "abstain_phrase": options.abstain_phrase,
        }


    def scoring_note(self, scoring: dict[str, Any]) -> tuple[str, str]:
        return ("QA scoring", f"prompt {scoring.get('prompt')} (few-shot {scoring.get('few_shot', 0)}), "
                              f"extraction {json.dumps(scoring.get('extraction'))}, "
                              f"abstain phrase {json.dumps(scoring.get('abstain_phrase'))}")


def qa_item(qa: Any) -> EvalItem:
    """A gold question as an item to score given answers against (no prompt is rendered)."""
    def no_request(template: Any = None):
        raise RuntimeError(f"{qa.id}: an item made to score given answers renders no prompt")

    return EvalItem("qa", qa.id, qa.article_id, qa.type, tuple(qa.answers), no_request, question=qa.question)


def _metric(name: str) -> Metric:
    from harness import plugins

    return plugins.load("metric", name)


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
    return Request(id=qa.id, task="qa", prompt=prompt, system=system, article=article.text,
                   article_id=article.id, question=qa.question)
