"""Issue 23, items 2, 5 and 9: answer texts that crashed scoring, answers `correct` accepted
although they deny or game the accepted answer, and the quadratic cost of runs of spaces."""

from __future__ import annotations

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from harness.metrics import judge
from harness.tasks._abstention import is_abstention
from harness.tasks._extraction import extract_answer
from harness.metrics._answer_forms import answer_form
from harness.tasks.qa import QAOptions


def verdict(raw: str, references: list[str], question: str = "How many?"):
    answer = extract_answer(raw)
    return judge(answer, references, question, is_abstention(answer, "unanswerable"))


# -- item 2: no answer text crashes scoring ------------------------------------------------------

def test_a_huge_number_of_months_is_scored_not_a_crash():
    from harness.agreement import qa_item, score_answer

    options = QAOptions().model_copy(update={"metrics": ["exact_match", "f1", "correct"]})
    scored = score_answer(qa_item("How long?", ("19 years",)), "10000000000000000000000000000 months", options)
    assert scored.values["correct"] == 0.0


@pytest.mark.parametrize(("text", "form"), [
    ("1e3", "1000"), ("2.5e-4", "0.00025"), ("10\u2074", "10000"), ("\u00bd", "0.5"), ("1\u00bd years", "1.5 years"),
    ("\u2153", "1/3"), ("1e999", "1e999"), ("10\u2074\u2070\u2070", "10^400"), ("0\u207b\u00b9", "0^-1"),
    ("1" + "0" * 40 + " months", "1" + "0" * 40 + " months"),  # beyond MAX_DIGITS: compared as written
])
def test_huge_tiny_and_malformed_numbers_have_a_defined_form(text, form):
    assert answer_form(text).text == form


def test_a_power_or_a_fraction_is_not_its_digits_run_together():
    assert not verdict("10\u2074", ["104"]).correct
    assert not verdict("\u00bd", ["12"]).correct
    assert verdict("1e3", ["1,000"]).correct
    assert verdict("\u00bd", ["0.5"]).correct


_PIECES = ["0", "1", "9", ".", ",", "e", "e-", "^", "-", "+", "/", " ", "\u00bd", "\u2074", "\u207b", "\u00b9", "x",
           "k", "bn", "$", "%", "months", "years", "trillion", "a", "million", "-fold", "th", "9" * 29, "1e30", "\u2153"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=25).map("".join))
def test_no_number_like_text_crashes_the_verdict(text):
    result = judge(text, ["19 years", "1,000"], "How long?", False)
    assert isinstance(result.correct, bool) and result.rule


# -- item 5: negated answers and gaming ----------------------------------------------------------

@pytest.mark.parametrize(("raw", "gold"), [
    ("It was not South Korea.", "South Korea"), ("Not more than 10,000.", "more than 10,000"),
    ("never Beijing", "Beijing"),
])
def test_an_answer_that_denies_the_accepted_answer_is_wrong(raw, gold):
    result = verdict(raw, [gold], "Which?")
    assert not result.correct and "negates" in result.rule, result


def test_not_only_is_no_denial_and_a_negated_accepted_answer_still_matches():
    assert verdict("Not only Beijing but also Moscow was told first.", ["Beijing"], "Which?").rule != "negates"
    assert verdict("He is not certain at all.", ["not certain"], "How certain?").correct


def test_a_long_list_item_does_not_hide_a_list_of_guesses():
    raw = "China, Japan, Russia, South Korea, the United States, all of them countries Kim has courted"
    result = verdict(raw, ["China"], "Which country is North Korea's biggest trade partner?")
    assert not result.correct and "guesses" in result.rule, result


def test_yes_and_no_is_no_answer_to_a_yes_no_question():
    result = verdict("Yes and no.", ["yes"], "Is Kim seeking help?")
    assert not result.correct and "both" in result.rule


def test_an_answer_that_gives_the_trap_figure_is_no_abstention():
    answer = "More than 2,000 tons, though the exact figure is not given."
    assert not is_abstention(answer, "unanswerable")
    assert not verdict(answer, []).correct


def test_the_missing_clause_alone_still_abstains():
    assert is_abstention("It was a U.N. resolution; the drafter isn't named.", "unanswerable")


def test_an_accepted_answer_that_sounds_like_an_abstention_is_not_one():
    result = verdict("Unknown gunmen attacked the convoy.", ["unknown gunmen"], "Who attacked the convoy?")
    assert result.correct, result


# -- item 9: linear in runs of whitespace -------------------------------------------------------

def _seconds(spaces: int) -> float:
    best = float("inf")
    for attempt in range(3):
        # no separator after the run: the old pattern retried it at every space; a new answer
        # each time, so no cached form is reused
        answer = f"Hanoi{' ' * spaces}x{attempt}"
        started = time.perf_counter()
        judge(answer, ["Hanoi"], "Where?", False)
        best = min(best, time.perf_counter() - started)
    return best


def test_the_list_separator_has_no_unbounded_space_around_it():
    from harness.metrics._correct import _LIST_SEPARATOR

    assert r"\s*" not in _LIST_SEPARATOR.pattern and r"\s+" not in _LIST_SEPARATOR.pattern


def test_the_cost_of_a_run_of_spaces_grows_linearly():
    small, large = _seconds(20_000), _seconds(160_000)  # eight times the spaces (20,000 took 15 s before)
    assert large < 24 * max(small, 1e-3), (small, large)  # linear: about 8 times; quadratic: about 64
