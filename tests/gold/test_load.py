"""Loading the gold set: dataclasses, hash, `datasets` views, stats; and the shipped gold set."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.gold import (GoldInvalid, gold_hash, gold_stats, load_gold, qa_dataset, summarization_dataset,
                          summarize_counts, validate_gold)
from harness.gold._model import GoldTree
from harness.gold._read import tree_hash
from support.gold_files import ARTICLE_TEXT, PARAGRAPHS, QA, SUMMARIES, make_gold, qa_record

SHIPPED_GOLD = Path(__file__).resolve().parents[2] / "gold"


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
    assert gold.qa[1].answers == ("the Harbor Council", "the council")
    assert gold.qa[1].evidence == ("organized by the Harbor Council",) and gold.qa[1].reasoning == "lookup"
    assert gold.qa[1].article_id == "test-article" and gold.qa[1].source_id is None
    assert gold.qa[3].plausible_answers == ("Ada Lind",) and gold.qa[0].plausible_answers == ()
    assert [(s.id, s.style, s.source) for s in gold.summaries][0] == ("test-article-s001", "headline", "written")
    assert gold.hash == gold_hash(tmp_path / "gold") and len(gold.hash) == 64


def test_load_gold_refuses_an_invalid_set(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    make_gold(tmp_path, qa=[*QA, qa_record(type="number"), qa_record(number=6, question="Why?", evidence=["nope"], answers=["nope"])])
    with pytest.raises(GoldInvalid) as caught:
        load_gold("gold")
    error = caught.value
    assert error.exit_code == 1 and len(error.problems) == 2
    assert error.message == ("invalid gold set: gold/test-article/qa.jsonl:5: unknown type 'number' (allowed: "
                             "person, organization, place, date, duration, count, money, quantity, yes_no, reason, "
                             "description, unanswerable, unlabeled); run `harness gold validate` for all 2 problems")


def test_gold_hash_covers_bytes_and_names_and_ignores_editor_files(tmp_path):
    gold = make_gold(tmp_path)
    before = gold_hash(gold)
    (gold / ".lock").write_text("x")
    (gold / "test-article" / "qa.jsonl~").write_text("x")
    (gold / "test-article" / ".#qa.jsonl").write_text("x")
    assert gold_hash(gold) == before
    summaries = gold / "test-article" / "summaries.jsonl"
    summaries.write_bytes(summaries.read_bytes().replace(b"envoys", b"Envoys", 1))
    assert gold_hash(gold) != before


def test_gold_hash_is_unambiguous():
    def digest(files):
        return tree_hash(GoldTree(Path("."), files))
    assert digest({"a/b": b"cd"}) != digest({"a/bc": b"d"})
    assert digest({"a": b"", "b": b"x"}) != digest({"a": b"x", "b": b""})
    assert digest({"b": b"1", "a": b"2"}) == digest({"a": b"2", "b": b"1"})


def test_qa_dataset(tmp_path):
    dataset = qa_dataset(load_gold(make_gold(tmp_path)))
    assert dataset.column_names == ["id", "article_id", "question", "answers", "evidence", "type", "reasoning",
                                    "plausible_answers", "source_id", "article"]
    assert len(dataset) == len(QA)
    assert dataset[3]["answers"] == [] and dataset[3]["type"] == "unanswerable"
    assert dataset[3]["plausible_answers"] == ["Ada Lind"] and dataset[3]["evidence"] == []
    assert dataset[1]["answers"] == ["the Harbor Council", "the council"]
    assert dataset[1]["evidence"] == ["organized by the Harbor Council"] and dataset[1]["source_id"] is None
    assert dataset[0]["article"] == ARTICLE_TEXT


def test_summarization_dataset(tmp_path):
    gold = make_gold(tmp_path, summaries=[
        {"id": "test-article-s001", "style": "headline", "text": "A", "source": "written"},
        {"id": "test-article-s002", "style": "short", "text": "B.\nC.", "source": "written"},
        {"id": "test-article-s003", "style": "headline", "text": "D", "source": "written"},
        {"id": "test-article-s004", "style": "headline", "text": "Norland joins summit", "source": "source-headline"},
    ])
    dataset = summarization_dataset(load_gold(gold))
    assert dataset.column_names == ["id", "article_id", "style", "references", "article"]
    assert dataset["id"] == ["test-article/headline", "test-article/short"]
    assert dataset[0]["references"] == ["A", "D"] and dataset[1]["references"] == ["B.\nC."]
    assert dataset[0]["article"] == ARTICLE_TEXT and dataset[0]["article_id"] == "test-article"
    both = summarization_dataset(load_gold(gold), sources=("written", "source-headline"))
    assert both[0]["references"] == ["A", "D", "Norland joins summit"]


def test_stats_and_counts(tmp_path):
    gold = load_gold(make_gold(tmp_path))
    assert summarize_counts(gold) == "ok: 1 article, 4 QA items, 3 summaries"
    assert gold_stats(gold).splitlines() == [
        "1 article, 4 QA items, 3 summaries",
        "QA items by type: person 1, organization 1, count 1, unanswerable 1",
        "QA items by reasoning: lookup 4",
        "unanswerable: 1 of 4 (25.0%)",
        "summaries by style: headline 1 written, one_sentence 1 written, short 1 written",
        "articles:",
        '  test-article: "Norland joins summit"',
        "    source Test Wire; dateline TOKYO (Test Wire); place Tokyo; date 2024-03-04T09:30:00+09:00; "
        "license CC0: written for the tests; retrieved -; truncated 1 (paragraphs 4)",
        "paragraph coverage (a paragraph is covered when some item's evidence lies in it):",
        "  test-article: 3 of 4 paragraphs have a question",
        "    no question: paragraph 4 (line 7): Critics said the plan would be a win for",
    ]


def test_summarization_references_are_the_written_summaries_unless_configured(tmp_path):
    from pydantic import ValidationError

    from harness.tasks.summarization import SummarizationOptions, SummarizationTask

    headline = {"id": "test-article-s004", "style": "headline", "text": "Norland joins summit", "source": "source-headline"}
    gold = load_gold(make_gold(tmp_path, summaries=[*SUMMARIES, headline]))
    task = SummarizationTask()
    items = task.items(gold, SummarizationOptions(), None)
    assert [(i.id, i.references) for i in items][0] == ("test-article/headline", ("Norland sends envoys to Tokyo",))
    both = task.items(gold, SummarizationOptions(reference_sources=["written", "source-headline"]), None)
    assert both[0].references == ("Norland sends envoys to Tokyo", "Norland joins summit")
    only = task.items(gold, SummarizationOptions(reference_sources=["source-headline"]), None)
    assert [i.id for i in only] == ["test-article/headline"]
    assert task.scoring_options(SummarizationOptions())["reference_sources"] == ["written"]
    with pytest.raises(ValidationError, match="reference_sources"):
        SummarizationOptions(reference_sources=["tweet"])
