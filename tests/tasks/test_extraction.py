"""Answer extraction from raw model output."""

import pytest

from harness.errors import HarnessError
from harness.tasks._extraction import extract_answer


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("The answer is: 10,000.", "10,000"),
        ("The answer is 10,000.", "10,000"),
        ("Answer: 10,000", "10,000"),
        ("A: Vladivostok", "Vladivostok"),
        ("**Answer:** Kim Jong Un", "Kim Jong Un"),
        ("The answer is **10,000**.", "10,000"),
        ('"More than 10,000."', "More than 10,000"),
        ("\u201cVladimir Putin\u201d", "Vladimir Putin"),
        ("According to the article, the answer is 2017.", "2017"),
        ("Based on the text: the Russian Far East\nThe article says so.", "the Russian Far East"),
        ("\n\n  10,000 North Korean workers.\n\nExplanation: the article states it.", "10,000 North Korean workers"),
        ("Answer:\n\n10,000", "10,000"),
        ("The final answer is `Moscow`.", "Moscow"),
        ("Unanswerable.", "Unanswerable"),
        ("The U.S.", "The U.S."),  # a dotted acronym keeps its period
        ("A 2017 U.N. sanctions resolution.", "A 2017 U.N. sanctions resolution"),
        ("Answer is in the article", "Answer is in the article"),
        ("", ""),
        ("   \n  ", ""),
    ],
)
def test_default_rule_on_small_model_outputs(raw, expected):
    assert extract_answer(raw) == expected
    assert extract_answer(raw, "default") == expected


def test_none_and_first_line():
    raw = "\n  The answer is 5.  \nMore.\n"
    assert extract_answer(raw, "none") == "The answer is 5.  \nMore."
    assert extract_answer(raw, "first_line") == "The answer is 5."
    assert extract_answer("", "first_line") == ""


def test_regex_rule():
    raw = "Reasoning first.\nFINAL: 10,000 workers\nFINAL: other"
    assert extract_answer(raw, {"regex": r"FINAL:\s*(.+)"}) == "10,000 workers"
    assert extract_answer(raw, {"regex": r"\d[\d,]*"}) == "10,000"
    assert extract_answer(raw, {"regex": r"MISSING (\w+)"}) == ""
    assert extract_answer("x", {"regex": r"(y)?x"}) == ""  # the group did not take part


def test_bad_rules_are_harness_errors():
    with pytest.raises(HarnessError, match="unknown extraction rule"):
        extract_answer("x", "last_line")
    with pytest.raises(HarnessError, match="does not compile"):
        extract_answer("x", {"regex": "("})
    with pytest.raises(HarnessError, match="regex"):
        extract_answer("x", {"pattern": "x"})
    assert extract_answer("no 12 here", {"regex": r"(\d+)"}) == "12"
    assert extract_answer("\n first \nsecond", "first_line") == "first"


def test_default_strips_the_answer_to_this_question_lead_in():
    assert extract_answer("The answer to this question is: 2017.") == "2017"
    assert extract_answer("The answer to the question is more than 10,000.") == "more than 10,000"


def _extraction_seconds(spaces: int) -> float:
    import time

    best = float("inf")
    for attempt in range(3):
        raw = f"a{' ' * spaces}x{attempt}"  # a lower-case first line that never reaches a line break
        started = time.perf_counter()
        extract_answer(raw)
        best = min(best, time.perf_counter() - started)
    return best


def test_the_question_fragment_rule_is_linear_in_a_long_first_line():
    from harness.tasks._extraction import _CONTINUES_QUESTION

    assert "]*" not in _CONTINUES_QUESTION.pattern.split(r"\n")[0]  # the first line's run is bounded
    small, large = _extraction_seconds(20_000), _extraction_seconds(160_000)
    assert large < 24 * max(small, 1e-3), (small, large)  # linear: about 8 times; quadratic: about 64
