"""ROUGE: known values, and a differential test against rouge_score called directly."""

import random

import pytest
from rouge_score import rouge_scorer, tokenizers

from harness.errors import HarnessError
from harness.metrics import UnicodeRougeTokenizer, rouge_item_scores, rouge_scorer_for
from harness.sentences import split_sentences
from harness.tasks.summarization import ROUGE_TYPES

REFERENCE = ("More than 10,000 North Korean laborers are being expelled from Russia by the end of the "
             "year under a 2017 U.N. sanctions resolution.")
PREDICTION = "Russia is expelling more than 10,000 North Korean workers by year's end under 2017 U.N. sanctions."

WORDS = ("the a of Russia russian North Korean Korea laborers labourers workers expelled expelling "
         "running runs ran sanctions U.N. U.S. Mr. Dr. 2017 10,000 1,250,000 3.5 1.5% $20 year's end "
         "café naïve résumé Москва Kim Jong-un Putin — – ... !? , ; : ( ) \" ' “ ” 'quoted' e.g. etc. "
         "is are was by under more than talks summit Vladivostok").split()


def _sentence(rng, vocabulary=WORDS):
    words = [rng.choice(vocabulary) for _ in range(rng.randint(1, 14))]
    if rng.random() < 0.3:
        words[0] = words[0].capitalize()
    return " ".join(words) + rng.choice([".", ".", "!", "?", "", " ."])


def _text(rng, max_lines, vocabulary=WORDS):
    return "\n".join(_sentence(rng, vocabulary) for _ in range(rng.randint(1, max_lines)))


def _prediction(rng, vocabulary=WORDS):
    kind = rng.random()
    if kind < 0.06:
        return ""
    if kind < 0.12:
        return rng.choice(["...", "!?", " — – ", "\n\n", ", ; :", "“”"])
    sentences = [_sentence(rng, vocabulary) for _ in range(rng.randint(1, 4))]
    joiner = rng.choice([" ", " ", "\n", "  \n "])
    return joiner.join(sentences)


def _cases(n, seed=20240917, vocabulary=WORDS):
    rng = random.Random(seed)
    for _ in range(n):
        refs = [_text(rng, 3, vocabulary) for _ in range(rng.randint(1, 5))]
        yield _prediction(rng, vocabulary), refs


@pytest.mark.parametrize(
    ("use_stemmer", "expected"),
    [(False, {"rouge1": 0.681818, "rouge2": 0.380952, "rougeL": 0.590909}), (True, {"rouge1": 0.727273})],
)
def test_known_values_from_issue(use_stemmer, expected):
    scores = rouge_item_scores(split_sentences(PREDICTION), [REFERENCE], use_stemmer=use_stemmer)
    for kind, f1 in expected.items():
        assert scores[kind]["f1"] == pytest.approx(f1, abs=5e-7)


@pytest.mark.parametrize("use_stemmer", [False, True])
def test_differential_against_rouge_score(use_stemmer):
    direct = rouge_scorer.RougeScorer(list(ROUGE_TYPES), use_stemmer=use_stemmer)
    plain = rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeL"], use_stemmer=use_stemmer)
    cases = list(_cases(300, seed=7 + use_stemmer))
    for prediction, refs in cases:
        sentences = split_sentences(prediction)
        ours = rouge_item_scores(sentences, refs, ROUGE_TYPES, use_stemmer, "default")
        theirs = direct.score_multi(refs, "\n".join(sentences))
        # rouge1/2/L do not see sentence breaks: the raw prediction must give the same numbers.
        theirs_raw = plain.score_multi(refs, prediction)
        for kind in ROUGE_TYPES:
            want = theirs[kind]
            got = ours[kind]
            assert abs(got["precision"] - want.precision) <= 1e-9, (prediction, refs, kind)
            assert abs(got["recall"] - want.recall) <= 1e-9, (prediction, refs, kind)
            assert abs(got["f1"] - want.fmeasure) <= 1e-9, (prediction, refs, kind)
            if kind in theirs_raw:
                assert abs(got["f1"] - theirs_raw[kind].fmeasure) <= 1e-9, (prediction, refs, kind)


def test_differential_covers_the_edge_cases():
    cases = list(_cases(300, seed=7))
    assert sum(1 for p, _ in cases if p == "") >= 5
    assert sum(1 for p, _ in cases if p and not any(c.isalnum() for c in p)) >= 5
    assert any("\n" in p for p, _ in cases) and any(len(r) == 5 for _, r in cases)
    assert any(len(r) == 1 for _, r in cases) and any("10,000" in p for p, _ in cases)


@pytest.mark.parametrize("use_stemmer", [False, True])
def test_unicode_tokenizer_equals_default_on_ascii(use_stemmer):
    ascii_words = [w for w in WORDS if w.isascii()]
    checked, ours = 0, UnicodeRougeTokenizer(use_stemmer)
    for prediction, refs in _cases(100, seed=99, vocabulary=ascii_words):
        if not (prediction + "".join(refs)).isascii():
            continue  # a punctuation-only prediction with curly quotes or dashes
        checked += 1
        sentences = split_sentences(prediction)
        unicode = rouge_item_scores(sentences, refs, use_stemmer=use_stemmer, tokenizer="unicode")
        assert unicode == rouge_item_scores(sentences, refs, use_stemmer=use_stemmer)
        theirs = tokenizers.DefaultTokenizer(use_stemmer)
        for text in refs + [prediction]:
            assert list(ours.tokenize(text)) == theirs.tokenize(text)
    assert checked >= 90


def test_multi_reference_takes_best_f1_per_type():
    refs = ["completely different words here", REFERENCE, "Russia expelling workers"]
    scores = rouge_item_scores(split_sentences(PREDICTION), refs, use_stemmer=False)
    single = [rouge_item_scores(split_sentences(PREDICTION), [r], use_stemmer=False) for r in refs]
    for kind in ROUGE_TYPES:
        assert scores[kind]["f1"] == max(s[kind]["f1"] for s in single)
    assert scores["rouge1"] == single[1]["rouge1"]


def test_rougelsum_sees_sentence_breaks():
    reference = "Russia expels the workers.\nThe U.N. sanctions require it by year end."
    prediction = "The U.N. sanctions require it by year end. Russia expels the workers."
    sentences = split_sentences(prediction)
    assert len(sentences) == 2
    scores = rouge_item_scores(sentences, [reference])
    assert scores["rougeLsum"]["f1"] == pytest.approx(1.0)
    assert scores["rougeL"]["f1"] < 0.75
    # Without the split, ROUGE-Lsum collapses to ROUGE-L: the reason the splitter exists.
    one_line = "Russia expels the workers because the sanctions require it."
    swapped = "The sanctions require it. Russia expels the workers."
    split = rouge_item_scores(split_sentences(swapped), [one_line])
    unsplit = rouge_item_scores([swapped], [one_line])
    assert split["rougeLsum"]["f1"] > split["rougeL"]["f1"]
    assert unsplit["rougeLsum"]["f1"] == unsplit["rougeL"]["f1"] == split["rougeL"]["f1"]


def test_unicode_tokenizer_keeps_non_ascii_words():
    tokenizer = rouge_scorer_for(("rouge1",), False, "unicode")._tokenizer
    assert tokenizer.tokenize("Café in Москва — naïve!") == ("café", "in", "москва", "naïve")
    assert rouge_scorer_for(("rouge1",), False, "default")._tokenizer.tokenize("Café in Москва") == ("caf", "in")
    assert tokenizer.tokenize("cafe\u0301") == ("café",)  # NFC first
    stemmed = rouge_scorer_for(("rouge1",), True, "unicode")._tokenizer.tokenize("running Москва café")
    assert stemmed == ("run", "москва", "café")
    default = rouge_item_scores(["Москва"], ["Москва"])
    unicode = rouge_item_scores(["Москва"], ["Москва"], tokenizer="unicode")
    assert default["rouge1"]["f1"] == 0.0 and unicode["rouge1"]["f1"] == 1.0


def test_empty_prediction_scores_zero():
    scores = rouge_item_scores([], ["Some reference."])
    assert all(v == {"precision": 0.0, "recall": 0.0, "f1": 0.0} for v in scores.values())


def test_scorers_are_cached_and_options_validated():
    assert rouge_scorer_for(("rouge1",), True, "default") is rouge_scorer_for(("rouge1",), True, "default")
    with pytest.raises(HarnessError, match="rouge3"):
        rouge_item_scores(["x"], ["x"], types=["rouge3"])
    with pytest.raises(HarnessError, match="tokenizer"):
        rouge_item_scores(["x"], ["x"], tokenizer="spacy")
    with pytest.raises(HarnessError, match="reference"):
        rouge_item_scores(["x"], [])
    with pytest.raises(HarnessError, match="sentences"):
        rouge_item_scores("x", ["x"])


def test_only_requested_types_are_returned():
    scores = rouge_item_scores(["a b c"], ["a b"], types=["rougeLsum"])
    assert list(scores) == ["rougeLsum"] and scores["rougeLsum"]["recall"] == 1.0
