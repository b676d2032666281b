"""The `evaluate` wrappers: loadable offline from the package, same numbers as the pure functions."""

import math
from pathlib import Path

import pytest

from harness.errors import HarnessError
from harness.metrics import compute_extra_metric, evaluate_module_path, load_extra_metric, rouge_item_scores
from harness.sentences import split_sentences
from harness.tasks.summarization import ROUGE_TYPES
from support.scoring import qa_item_scores

PREDICTIONS = [
    "Russia is expelling more than 10,000 North Korean workers. The U.N. sanctions require it.",
    "Kim and Putin met in Vladivostok.",
    "",
    "Café talks in Москва ended.",
]
REFERENCES = [
    ["More than 10,000 North Korean laborers are being expelled from Russia.\nA 2017 U.N. resolution requires it.",
     "Russia expels North Korean workers."],
    ["Kim Jong Un and Vladimir Putin held talks in Vladivostok."],
    ["Nothing was said."],
    ["Talks in a Moscow café ended.", "Москва talks ended."],
]


@pytest.fixture
def offline(monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_EVALUATE_OFFLINE", "1")
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")


def _mean(values):
    return math.fsum(values) / len(values)


@pytest.mark.parametrize("tokenizer", ["default", "unicode"])
def test_rouge_module_loads_offline_and_agrees(offline, tokenizer):
    import evaluate

    module = evaluate.load(evaluate_module_path("harness_rouge"), keep_in_memory=True)
    got = module.compute(predictions=PREDICTIONS, references=REFERENCES, tokenizer=tokenizer)
    items = [rouge_item_scores(split_sentences(p), r, tokenizer=tokenizer) for p, r in zip(PREDICTIONS, REFERENCES)]
    assert set(got) == set(ROUGE_TYPES)
    for kind in ROUGE_TYPES:
        assert got[kind] == _mean([item[kind]["f1"] for item in items])
    per_item = module.compute(predictions=PREDICTIONS, references=REFERENCES, tokenizer=tokenizer,
                              use_aggregator=False, use_stemmer=False)
    assert per_item["rougeLsum"] == [
        rouge_item_scores(split_sentences(p), r, use_stemmer=False, tokenizer=tokenizer)["rougeLsum"]["f1"]
        for p, r in zip(PREDICTIONS, REFERENCES)]


def test_rouge_module_accepts_single_string_references(offline):
    module = load_extra_metric("harness_rouge")
    got = module.compute(predictions=["a b c"], references=["a b"], rouge_types=["rouge1"])
    assert got == {"rouge1": rouge_item_scores(["a b c"], ["a b"], types=["rouge1"])["rouge1"]["f1"]}


def test_squad_module_agrees(offline):
    module = load_extra_metric(evaluate_module_path("harness_squad"))
    predictions = ["10000", "North-Korean laborers", "Unanswerable.", "10,000"]
    answers = [["More than 10,000", "10,000"], ["North Korean laborers"], [], []]
    got = module.compute(predictions=predictions, references=answers, abstain_phrase="unanswerable")
    items = [qa_item_scores(p, a, "unanswerable") for p, a in zip(predictions, answers)]
    assert got == {"exact_match": _mean([i["exact_match"] for i in items]), "f1": _mean([i["f1"] for i in items])}
    assert got["f1"] == pytest.approx((1 + 0.4 + 1 + 0) / 4)
    plain = module.compute(predictions=predictions[:2], references=answers[:2])
    assert plain == {"exact_match": 0.5, "f1": pytest.approx(0.7)}


def test_compute_extra_metric_by_relative_path(offline, tmp_path):
    module_dir = Path(evaluate_module_path("harness_squad"))
    module = load_extra_metric(str(module_dir.name), base_dir=module_dir.parent)
    result = compute_extra_metric(module, ["US"], [["U.S."]], {"use_aggregator": False})
    assert result == {"exact_match": [1.0], "f1": [1.0]}
    assert all(type(v) is float for v in compute_extra_metric(module, ["US"], [["U.S."]]).values())


def test_extra_metric_errors(offline, tmp_path):
    with pytest.raises(HarnessError, match="does not exist"):
        load_extra_metric("./no/such/metric")
    with pytest.raises(HarnessError, match="unknown harness evaluate module"):
        evaluate_module_path("bleu")
    module = load_extra_metric("harness_squad")
    with pytest.raises(HarnessError, match="failed"):
        compute_extra_metric(module, ["x"], [["x"]], {"no_such_option": 1})
