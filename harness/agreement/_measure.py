"""Every metric against the labels of judged answers: each answer is scored once (through
harness.agreement._scoring), then each metric's verdicts are compared with the labels overall
and by group (source or split)."""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from typing import Any

from harness.agreement._disagreements import Example, Kind, kinds
from harness.agreement._scoring import BASELINES, NAMES, QA_METRICS, qa_item, score_answer, verdicts
from harness.agreement._stats import Confusion, agreement_interval, confusion
from harness.errors import HarnessError

GROUPS = ("source", "split")
PROCESSES = 4  # worker processes that score a large file
PARALLEL_FROM = 2000  # answers from which the scoring is shared among processes
DEFAULT_METRICS = (*QA_METRICS, *BASELINES)


@dataclass
class MetricResult:
    """One metric against the labels."""

    metric: str
    overall: Confusion
    interval: tuple[float | None, float | None]
    by: dict[str, dict[str, Confusion]] = field(default_factory=dict)  # group -> value -> counts
    kinds: list[Kind] = field(default_factory=list)


def metric_names(requested: Sequence[str] | None, judge: bool) -> tuple[str, ...]:
    """The metrics to measure: the requested ones (checked), else every rule-based one and the
    judge when one is configured."""
    known = (*QA_METRICS, *BASELINES, "judge")
    if not requested:
        return (*DEFAULT_METRICS, *(("judge",) if judge else ()))
    for name in requested:
        if name not in known:
            raise HarnessError(f"unknown metric {name!r} for agreement; allowed: {', '.join(known)}")
        if name == "judge" and not judge:
            raise HarnessError("metric 'judge' needs --config with tasks.qa.judge (the judge model)")
    return tuple(dict.fromkeys(requested))


def measure(judged: Sequence[Any], options: Any, metrics: Sequence[str] | None = None,
            groups: Sequence[str] = (), judge_verdicts: Sequence[Any] | None = None,
            resamples: int = 1000) -> list[MetricResult]:
    """Each metric's agreement with the labels of `judged` (JudgedAnswer-like: question,
    references, prediction, label, source, part). `options` are the QA task's options;
    `judge_verdicts` a model judge's verdicts on the answers, in order, for metric "judge"."""
    if not judged:
        raise HarnessError("no judged answers to measure")
    names = metric_names(metrics, judge_verdicts is not None)
    rule_based = tuple(m for m in names if m != "judge")
    scoring = options.model_copy(update={"metrics": [m for m in QA_METRICS if m in rule_based] or ["exact_match"],
                                         "judge": None})
    table: dict[str, list[tuple[bool, str]]] = {}
    work = [(a.question, a.references, a.id or f"judged-{i}", a.prediction, a.document) for i, a in enumerate(judged)]
    for index, decided in enumerate(_score_all(work, scoring, rule_based)):
        for name, verdict in decided.items():
            table.setdefault(name, []).append(verdict)
        if judge_verdicts is not None and "judge" in names:
            table.setdefault("judge", []).append((judge_verdicts[index].correct, judge_verdicts[index].rule))
    labels = [a.label for a in judged]
    clusters = [a.question for a in judged]
    order = [NAMES.get(m, m) for m in names]
    return [_result(name, table[name], judged, labels, clusters, groups, resamples) for name in order]


def _score_chunk(chunk: list[tuple], options: Any, metrics: tuple[str, ...]) -> list[dict[str, tuple[bool, str]]]:
    return [verdicts(score_answer(qa_item(question, references, id, document), prediction, options), references,
                     metrics)
            for question, references, id, prediction, document in chunk]


def _score_all(work: list[tuple], options: Any, metrics: tuple[str, ...]) -> list[dict[str, tuple[bool, str]]]:
    """Every answer's verdicts, in order; a large file is scored in chunks by up to PROCESSES
    worker processes (the verdicts do not depend on how the work is cut)."""
    workers = min(PROCESSES, os.cpu_count() or 1)
    if len(work) < PARALLEL_FROM or workers < 2:
        return _score_chunk(work, options, metrics)
    size = -(-len(work) // (4 * workers))
    chunks = [work[i:i + size] for i in range(0, len(work), size)]
    try:
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
            done = list(pool.map(_score_chunk, chunks, [options] * len(chunks), [metrics] * len(chunks)))
    except (OSError, ValueError, BrokenProcessPool):
        return _score_chunk(work, options, metrics)  # no worker processes here: score in this one
    return [decided for part in done for decided in part]


def _result(name: str, decided: list[tuple[bool, str]], judged: Sequence[Any], labels: list[bool],
            clusters: list[str], groups: Sequence[str], resamples: int) -> MetricResult:
    said = [v for v, _ in decided]
    result = MetricResult(name, confusion(said, labels), agreement_interval(said, labels, clusters, resamples))
    for group in groups:
        values: dict[str, tuple[list[bool], list[bool]]] = {}
        for answer, verdict in zip(judged, said):
            value = answer.source if group == "source" else answer.part
            pair = values.setdefault(value or "(none)", ([], []))
            pair[0].append(verdict)
            pair[1].append(answer.label)
        result.by[group] = {value: confusion(v, l) for value, (v, l) in sorted(values.items())}
    wrong = [(verdict, Example(a.where, a.question, a.references, a.prediction, rule, a.source))
             for a, (verdict, rule) in zip(judged, decided) if verdict != a.label]
    result.kinds = kinds(wrong)
    return result


def judge_all(judged: Sequence[Any], options: Any) -> list[Any]:
    """The configured model judge's verdict on every judged answer (cached like a generation)."""
    from harness.run._judge import judge_given

    items = [qa_item(a.question, a.references, a.id or f"judged-{i}", a.document) for i, a in enumerate(judged)]
    return judge_given(items, [a.prediction for a in judged], options)
