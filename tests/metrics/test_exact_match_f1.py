"""SQuAD exact match / F1 and the abstention rule."""

import pytest

from harness.errors import HarnessError
from harness.metrics import exact_match, token_f1
from harness.tasks._abstention import says_abstain_phrase
from harness.text import normalize_answer
from support.scoring import qa_item_scores


@pytest.mark.parametrize(
    ("prediction", "golds", "em", "f1"),
    [
        ("10000", ["More than 10,000", "10,000"], 1, 1),
        ("10 000", ["More than 10,000", "10,000"], 0, 0),
        ("the UN sanctions resolution of 2017", ["a 2017 U.N. sanctions resolution"], 0, 0.888889),
        ("North-Korean laborers", ["North Korean laborers"], 0, 0.4),
        ("US", ["U.S."], 1, 1),
        ("An  expulsion", ["the expulsion"], 1, 1),
    ],
)
def test_cases_from_issue(prediction, golds, em, f1):
    assert exact_match(prediction, golds) == em
    assert token_f1(prediction, golds) == pytest.approx(f1, abs=5e-7)


def test_normalization_follows_squad_v11():
    assert normalize_answer("  The U.S.-backed  Plan, a (new) one!  ") == "usbacked plan new one"
    assert normalize_answer("Theater anthem") == "theater anthem"  # articles only as whole words
    assert normalize_answer("Café — 10,000") == "café — 10000"  # only ASCII punctuation goes


def test_empty_rules_follow_squad_v2():
    assert token_f1("", [""]) == 1.0 and exact_match("", [""]) == 1.0
    assert token_f1("the", ["a"]) == 1.0  # both normalize to empty
    assert token_f1("", ["Moscow"]) == 0.0 and token_f1("Moscow", ["."]) == 0.0


def test_max_over_aliases_and_counts_repeats():
    assert token_f1("Kim Jong Un", ["Kim", "Kim Jong Un"]) == 1.0
    assert token_f1("talks talks", ["talks"]) == pytest.approx(2 / 3)


@pytest.mark.parametrize(
    ("answer", "abstains"),
    [
        ("unanswerable", True),
        ("Unanswerable.", True),
        ("**UNANSWERABLE**", True),
        ("unanswerable - the article does not say", True),
        ("The unanswerable", True),  # articles are dropped by the normalization
        ("unanswerables", False),
        ("It is unanswerable", False),
        ("", False),
        ("10,000", False),
    ],
)
def test_the_abstain_phrase_rule(answer, abstains):
    assert says_abstain_phrase(answer, "unanswerable") is abstains


def test_multiword_abstain_phrase():
    assert says_abstain_phrase("Not stated in the article.", "not stated")
    assert not says_abstain_phrase("Not statement", "not stated")


def test_unanswerable_item_is_correct_only_when_abstaining():
    assert qa_item_scores("Unanswerable.", [], "unanswerable") == {"exact_match": 1.0, "f1": 1.0, "abstained": True}
    assert qa_item_scores("10,000", [], "unanswerable") == {"exact_match": 0.0, "f1": 0.0, "abstained": False}
    assert qa_item_scores("", [], "unanswerable") == {"exact_match": 0.0, "f1": 0.0, "abstained": False}


def test_answerable_item():
    assert qa_item_scores("unanswerable", ["10,000"], "unanswerable") == {
        "exact_match": 0.0, "f1": 0.0, "abstained": True}
    assert qa_item_scores("", ["10,000"], "unanswerable") == {"exact_match": 0.0, "f1": 0.0, "abstained": False}
    scores = qa_item_scores("North-Korean laborers", ["North Korean laborers"], "unanswerable")
    assert scores["exact_match"] == 0.0 and scores["f1"] == pytest.approx(0.4)


def test_abstention_is_right_when_the_model_abstains_exactly_on_unanswerable_items():
    from harness.tasks.qa import QAOptions, QATask, qa_item
    from types import SimpleNamespace

    task, options = QATask(), QAOptions()
    cases = [([], "unanswerable", 1.0), (["x"], "x", 1.0), (["y"], "unanswerable", 0.0), ([], "Hanoi", 0.0)]
    for answers, raw, expected in cases:
        item = qa_item(SimpleNamespace(id="q", article_id="a", type="place", answers=answers, question="Where?"))
        assert task.item_scores(item, task.answer(item, raw, options), options)["abstention"] == expected
    assert task.item_scores(item, None, options) == {"abstained": False, "abstention": 0.0}


def test_bad_inputs_are_harness_errors():
    with pytest.raises(HarnessError, match="abstain_phrase"):
        qa_item_scores("x", ["x"], "the ...")
    with pytest.raises(HarnessError):
        exact_match("x", [])
    with pytest.raises(HarnessError):
        token_f1("x", "x")
