"""Loading the gold set: dataclasses, hash, `datasets` views, stats; and the shipped gold set."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.gold import (GoldInvalid, gold_hash, gold_stats, load_gold, qa_dataset, summarization_dataset,
                          summarize_counts, validate_gold)
from harness.gold._model import GoldTree
from harness.gold._read import tree_hash
from test_gold_support import ARTICLE_TEXT, PARAGRAPHS, QA, make_gold, qa_record

SHIPPED_GOLD = Path(__file__).resolve().parents[1] / "gold"


def test_the_shipped_gold_set_validates():
    problems = validate_gold(SHIPPED_GOLD)
    assert [str(p) for p in problems] == []
    gold = load_gold(SHIPPED_GOLD)
    assert "kim-putin-talks" in gold.articles and gold.qa and gold.summaries


def test_load_gold(tmp_path):
    gold = load_gold(make_gold(tmp_path))
    article = gold.articles["test-article"]
    assert article.text == ARTICLE_TEXT and article.paragraphs == tuple(PARAGRAPHS)
    assert article.meta["title"] == "Norland joins summit"
    assert [q.id for q in gold.qa] == [q["id"] for q in QA]
    assert gold.qa[1].answers == ("the Harbor Council", "Harbor Council")
    assert gold.qa[1].article_id == "test-article"
    assert [(s.id, s.style) for s in gold.summaries][0] == ("test-article-s001", "headline")
    assert gold.hash == gold_hash(tmp_path / "gold") and len(gold.hash) == 64


def test_load_gold_refuses_an_invalid_set(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    make_gold(tmp_path, qa=[*QA, qa_record(type="count"), qa_record(number=6, question="Why?", evidence="nope", answers=["nope"])])
    with pytest.raises(GoldInvalid) as caught:
        load_gold("gold")
    error = caught.value
    assert error.exit_code == 1 and len(error.problems) == 2
    assert error.message == ("invalid gold set: gold/test-article/qa.jsonl:5: unknown type 'count' (allowed: "
                             "number, date, person, place, organization, quantity, reason, yes_no, unanswerable, "
                             "other); run `harness gold validate` for all 2 problems")


def test_gold_hash_covers_bytes_and_names_and_ignores_editor_files(tmp_path):
    gold = make_gold(tmp_path)
    before = gold_hash(gold)
    (gold / ".lock").write_text("x")
    (gold / "test-article" / "qa.jsonl~").write_text("x")
    (gold / "test-article" / ".#qa.jsonl").write_text("x")
    assert gold_hash(gold) == before
    summaries = gold / "test-article" / "summaries.jsonl"
    summaries.write_bytes(summaries.read_bytes().replace(b"delegates", b"Delegates", 1))
    assert gold_hash(gold) != before


def test_gold_hash_is_unambiguous():
    def digest(files):
        return tree_hash(GoldTree(Path("."), files))
    assert digest({"a/b": b"cd"}) != digest({"a/bc": b"d"})
    assert digest({"a": b"", "b": b"x"}) != digest({"a": b"x", "b": b""})
    assert digest({"b": b"1", "a": b"2"}) == digest({"a": b"2", "b": b"1"})


def test_qa_dataset(tmp_path):
    dataset = qa_dataset(load_gold(make_gold(tmp_path)))
    assert dataset.column_names == ["id", "article_id", "question", "answers", "evidence", "type", "article"]
    assert len(dataset) == len(QA)
    assert dataset[3]["answers"] == [] and dataset[3]["type"] == "unanswerable"
    assert dataset[1]["answers"] == ["the Harbor Council", "Harbor Council"]
    assert dataset[0]["article"] == ARTICLE_TEXT


def test_summarization_dataset(tmp_path):
    gold = make_gold(tmp_path, summaries=[
        {"id": "test-article-s001", "style": "headline", "text": "A"},
        {"id": "test-article-s002", "style": "short", "text": "B.\nC."},
        {"id": "test-article-s003", "style": "headline", "text": "D"},
    ])
    dataset = summarization_dataset(load_gold(gold))
    assert dataset.column_names == ["id", "article_id", "style", "references", "article"]
    assert dataset["id"] == ["test-article/headline", "test-article/short"]
    assert dataset[0]["references"] == ["A", "D"] and dataset[1]["references"] == ["B.\nC."]
    assert dataset[0]["article"] == ARTICLE_TEXT and dataset[0]["article_id"] == "test-article"


def test_stats_and_counts(tmp_path):
    gold = load_gold(make_gold(tmp_path))
    assert summarize_counts(gold) == "ok: 1 article, 4 QA items, 3 summaries"
    assert gold_stats(gold).splitlines() == [
        "1 article, 4 QA items, 3 summaries",
        "QA items by type: number 1, person 1, organization 1, unanswerable 1",
        "summaries by style: headline 1, one_sentence 1, short 1",
        "paragraph coverage (a paragraph is covered when some item's evidence lies in it):",
        "  test-article: 3 of 4 paragraphs have a question",
        "    no question: paragraph 4 (line 7): Critics said the plan would be a win for",
    ]
