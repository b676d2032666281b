"""`harness agreement` and `harness gold agreement` as functions that return their output: the
QA options come from a config when one is given (extraction, abstain phrase, judge)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Sequence

from harness.errors import HarnessError


def qa_options(config: Path | None) -> Any:
    """The QA options of `config`'s `tasks.qa`, or the defaults."""
    from harness.tasks.qa import NAME, QAOptions

    if config is None:
        return QAOptions()
    from harness.config import load_config

    return getattr(load_config(config).tasks, NAME) or QAOptions()


def agreement_command(files: Sequence[Path], format: str, metrics: list[str] | None, config: Path | None,
                      by: Sequence[str], split: str, as_json_output: bool) -> str:
    """The agreement of each QA metric with the labels of judged-answer files, as text or JSON."""
    from harness.agreement._measure import judge_all, measure, metric_names
    from harness.agreement._formats import read_judged
    from harness.agreement._report import as_json, format_text

    options = qa_options(config)
    names = metric_names(metrics, options.judge is not None)
    judged = [a for a in read_judged(files, format) if split in ("all", a.part)]
    if not judged:
        raise HarnessError(f"no judged answers in split {split!r} of {', '.join(map(str, files))}")
    verdicts = judge_all(judged, options) if "judge" in names else None
    results = measure(judged, options, names, groups=list(dict.fromkeys(by)), judge_verdicts=verdicts)
    paths = [str(path) for path in files]
    return json.dumps(as_json(results, paths), indent=2, ensure_ascii=False) if as_json_output else format_text(results, paths)


def gold_agreement_command(gold: Path, split: str, config: Path | None) -> str:
    """The agreement of each QA metric with a gold set's own labelled answers (judgments.jsonl)."""
    from harness.agreement._gold import format_agreement, measure_agreement
    from harness.gold import load_gold

    return format_agreement(measure_agreement(load_gold(gold), split, qa_options(config)), split)


def summary_agreement_command(files: Sequence[Path], format: str, metrics: list[str] | None, tune: bool,
                              as_json_output: bool) -> str:
    """The agreement of each summary metric with graded ratings (correlations) or binary labels
    (balanced accuracy), as text or JSON."""
    from harness.agreement._summary import format_result, json_result, measure

    result = measure(files, format, metrics, tune=tune)
    return json.dumps(json_result(result), indent=1) if as_json_output else format_result(result)
