"""The abstention detector: every documented pattern is heard, the configured phrase still
works, and sentences that merely contain such words are not abstentions."""

from __future__ import annotations

import pytest

from harness.errors import HarnessError
from harness.tasks._abstention import ABSTENTION_PATTERNS, MISSING_PATTERNS, is_abstention
from harness.tasks._extraction import extract_answer
from support.scoring import qa_item_scores

ABSTENTIONS = [
    "unanswerable", "Unanswerable.", "**Unanswerable**", "unanswerable - the article does not say",
    "The article does not say.", "The article doesn't mention it.", "The text does not provide this information.",
    "The passage does not specify.", "The article does not contain a specific answer to this question",
    "It is not mentioned in the article.", "This information is not provided.", "Not stated in the article.",
    "Not mentioned.", "There is no information about that.", "No mention is made of it.",
    "Cannot be determined from the text.", "I cannot tell from the article.", "I don't know.",
    "Unknown.", "It is unclear.", "The question is unanswerable.", "It is unanswerable.", "Not enough information.",
    "It is not possible to determine that from the article.", "The article is silent on this.", "N/A",
    "Unfortunately, the article does not say.", "According to the article, there is no information about it.",
    "It's not in the article.", "No date is given.", "The article reports no comment from him.",
    "No, the article does not say so.",
    "It was a U.N. resolution; the drafter isn't named.", "The article only says it could be lucrative; it gives no figure.",
    "The article gives the amount only in tons, not dollars.", "The documents were published on a date that is not specified.",
]
NOT_ABSTENTIONS = [
    "He did not say no.", "The article does not say he will, but he plans to visit Moscow.",
    "Putin cannot tell Kim what to do.", "No.", "Vladivostok", "It is unclear, but probably Vladivostok.",
    "He is not known for compromise.", "Not much: trade is small.", "unanswerables", "",
]


@pytest.mark.parametrize("raw", ABSTENTIONS)
def test_abstentions_are_heard(raw):
    assert is_abstention(extract_answer(raw), "unanswerable")


@pytest.mark.parametrize("raw", NOT_ABSTENTIONS)
def test_answers_that_merely_contain_such_words_are_not_abstentions(raw):
    assert not is_abstention(extract_answer(raw), "unanswerable")


def test_every_pattern_is_exercised_by_an_example():
    import re

    for pattern in ABSTENTION_PATTERNS:
        regex = re.compile(pattern, re.IGNORECASE)
        assert any(regex.match(extract_answer(raw)) for raw in ABSTENTIONS), pattern
    for pattern in MISSING_PATTERNS:
        regex = re.compile(pattern, re.IGNORECASE)
        assert any(regex.search(extract_answer(raw)) for raw in ABSTENTIONS), pattern


def test_the_configured_phrase_works_whatever_it_is():
    assert is_abstention("Not in the text.", "not in the text")
    with pytest.raises(HarnessError):
        is_abstention("x", "...")


def test_exact_match_and_f1_of_answerable_items_ignore_the_wider_detector():
    """On an answerable item only the abstain phrase zeroes EM/F1 (the SQuAD numbers stay as
    they were); the detector's verdict is reported as `abstained`."""
    scores = qa_item_scores("The article does not say.", ["the article"], "unanswerable")
    assert scores["abstained"] is True and scores["f1"] > 0
    assert qa_item_scores("unanswerable", ["10,000"], "unanswerable")["f1"] == 0.0
    assert qa_item_scores("The article does not say.", [], "unanswerable")["exact_match"] == 1.0
