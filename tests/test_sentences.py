"""The sentence splitter that feeds ROUGE-Lsum."""

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from harness.sentences import split_sentences


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", []),
        ("  \n\n ", []),
        ("One sentence", ["One sentence"]),
        ("Russia acts. Korea reacts.", ["Russia acts.", "Korea reacts."]),
        ("He met Mr. Putin. Then Dr. Kim left.", ["He met Mr. Putin.", "Then Dr. Kim left."]),
        ("The U.S. Army came. The U.N. agreed.", ["The U.S. Army came.", "The U.N. agreed."]),
        ("It was backed by the U.N. The laborers left.", ["It was backed by the U.N.", "The laborers left."]),
        ("Prices rose 1.5 percent to $10,000.50 in 2017. Wow!", ["Prices rose 1.5 percent to $10,000.50 in 2017.", "Wow!"]),
        ("J. K. Rowling wrote it. She is British.", ["J. K. Rowling wrote it.", "She is British."]),
        ('He said "Stop." Then he left.', ['He said "Stop."', "Then he left."]),
        ('"Why?" he asked. "Because!" she said.', ['"Why?" he asked.', '"Because!" she said.']),
        ("Is it over? Yes. It is.", ["Is it over?", "Yes.", "It is."]),
        ("It rose 5. 10 more came.", ["It rose 5.", "10 more came."]),
        ("He is No. 1 in Korea. Really.", ["He is No. 1 in Korea.", "Really."]),
        ("Russia said no. Kim left. See Vol. 2 and Fig. 3.", ["Russia said no.", "Kim left.", "See Vol. 2 and Fig. 3."]),
        ("Apple Inc. The firm grew.", ["Apple Inc.", "The firm grew."]),
        ("Wait... the talks went on.", ["Wait... the talks went on."]),
        ("- first point\n- second point.\n\nLast one", ["- first point", "- second point.", "Last one"]),
        ("Москва ответила. Это важно.", ["Москва ответила.", "Это важно."]),
        ("at 9 a.m. on Monday. Talks began.", ["at 9 a.m. on Monday.", "Talks began."]),
    ],
)
def test_split_cases(text, expected):
    assert split_sentences(text) == expected


def _squash(text):
    return re.sub(r"\s+", "", text)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(list("ab U.S.J!?\"'”) \n1,5Mr") + ["Dr.", "The ", "é", "\r\n"]), max_size=40).map("".join))
def test_split_keeps_all_text_in_order(text):
    sentences = split_sentences(text)
    assert all(s and s == s.strip() and "\n" not in s and s in text for s in sentences)
    assert _squash("".join(sentences)) == _squash(text)
    assert split_sentences(text) == sentences  # deterministic
