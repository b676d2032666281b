"""QA coverage (harness.metrics.qa_coverage): which gold questions a summary answers."""

from __future__ import annotations

import math

from harness.metrics import judge
from harness.metrics.qa_coverage import covers, qa_coverage

QA = (("Who restarted the row with Townsend?", ("Paul Merson", "Merson")),
      ("In which minute was Townsend brought on?", ("83rd", "the 83rd minute")),
      ("Which team did Tottenham draw with?", ("Burnley",)))


def test_sentence_by_sentence_against_the_matcher():
    sentences = ("Paul Merson restarted his row with Andros Townsend.", "Tottenham drew 0-0 with Burnley.")
    result = qa_coverage(sentences, QA)
    assert result == {"coverage": 2 / 3, "covered": 2.0, "questions": 3.0}
    for question, accepted in QA:
        expected = any(judge(s, list(accepted), question, abstained=False).correct for s in sentences) or \
            judge(" ".join(sentences), list(accepted), question, abstained=False).correct
        assert covers(sentences, question, accepted) == expected


def test_a_hedge_does_not_cover():
    assert not covers(("Either Burnley or Chelsea drew with them.",), QA[2][0], QA[2][1])


def test_no_answerable_question_is_nan_and_an_empty_summary_covers_nothing():
    assert math.isnan(qa_coverage(("Anything.",), ())["coverage"])
    assert math.isnan(qa_coverage(("Anything.",), (("Unanswerable?", ()),))["coverage"])
    assert qa_coverage((), QA) == {"coverage": 0.0, "covered": 0.0, "questions": 3.0}
    assert qa_coverage(("",), QA)["coverage"] == 0.0


def test_non_english_and_long_summaries():
    assert qa_coverage(("Москва — столица России.",), QA)["coverage"] == 0.0
    long = tuple(["Paul Merson restarted his row with Andros Townsend."] * 40)
    assert qa_coverage(long, QA)["covered"] == 1.0
