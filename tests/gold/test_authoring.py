"""Authoring: add-qa, add-summary and import validate the would-be set and append atomically."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from harness.errors import HarnessError
from harness.gold import (GoldInvalid, add_qa, add_summary, gold_hash, import_items, load_gold,
                          validate_gold)
from harness.gold._write import gold_lock
from support.gold_files import QA, jsonl, make_gold, snapshot

REPO = Path(__file__).resolve().parents[2]
NEW_QA = dict(question="How long will the summit last?", answers=["three days", "72 hours"],
              evidence=["is expected to last three days"])


@pytest.fixture
def gold(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return make_gold(tmp_path)


def test_add_qa_round_trip(gold):
    qa_file = gold / "test-article" / "qa.jsonl"
    before, hash_before = qa_file.read_bytes(), gold_hash(gold)
    record = add_qa(gold, "test-article", type="duration", **{**NEW_QA, "answers": ["three days"]})
    assert record == {"id": "test-article-q005", "question": NEW_QA["question"], "answers": ["three days"],
                      "evidence": NEW_QA["evidence"], "type": "duration", "reasoning": "lookup"}
    after = qa_file.read_bytes()
    assert after.startswith(before) and after[len(before):].count(b"\n") == 1
    assert load_gold(gold).qa[-1].id == "test-article-q005"
    assert gold_hash(gold) != hash_before
    assert sorted(p.name for p in qa_file.parent.iterdir()) == ["article.txt", "meta.json", "qa.jsonl",
                                                                 "summaries.jsonl"]


def test_add_qa_defaults_and_ids_follow_the_highest(tmp_path):
    gold = make_gold(tmp_path, qa=[{**QA[0], "id": "test-article-q041"}, QA[3]])
    record = add_qa(gold, "test-article", **NEW_QA)
    assert (record["type"], record["reasoning"]) == ("description", "lookup") and "plausible_answers" not in record
    assert add_qa(gold, "test-article", "Who is the minister?", ["Ada Lind"], "Minister Ada Lind",
                  type="person")["id"] == "test-article-q043"


def test_add_qa_appends_after_a_last_line_without_newline(tmp_path):
    gold = make_gold(tmp_path)
    qa_file = gold / "test-article" / "qa.jsonl"
    qa_file.write_bytes(qa_file.read_bytes().rstrip(b"\n"))
    add_qa(gold, "test-article", **NEW_QA)
    assert validate_gold(gold) == [] and len(qa_file.read_text().splitlines()) == 5


def test_add_summary(gold):
    record = add_summary(gold, "test-article", "headline", "  Norland joins Tokyo summit \n")
    assert record == {"id": "test-article-s004", "style": "headline", "text": "Norland joins Tokyo summit",
                      "source": "written"}
    assert load_gold(gold).summaries[-1].text == "Norland joins Tokyo summit"


def test_dry_run_writes_nothing(gold):
    before = snapshot(gold)
    assert add_qa(gold, "test-article", dry_run=True, **NEW_QA)["id"] == "test-article-q005"
    assert add_summary(gold, "test-article", "short", "One.\nTwo.", dry_run=True)["id"] == "test-article-s004"
    assert snapshot(gold) == before


@pytest.mark.parametrize("fields, expected", [
    ({"evidence": "is expected to last 3 days", "answers": ["3 days"]}, "evidence is not a verbatim span"),
    ({"answers": ["four days"]}, "canonical answer 'four days' occurs in no evidence span"),
    ({"question": "how many delegates from Norland will attend"}, "question duplicates test-article-q001"),
    ({"type": "number"}, "unknown type 'number'"),
    ({"reasoning": "guess"}, "unknown reasoning 'guess'"),
    ({"type": "unanswerable"}, "unanswerable item must have answers []"),
    ({"plausible_answers": ["Tokyo"]}, "'plausible_answers' is only for unanswerable items"),
    ({"answers": []}, "answerable item (type 'description') has no answers"),
    ({"question": ""}, "field 'question' is empty"),
])
def test_add_qa_refuses_a_bad_item_and_changes_nothing(gold, fields, expected):
    before = snapshot(gold)
    with pytest.raises(GoldInvalid) as caught:
        add_qa(gold, "test-article", **{**NEW_QA, **fields})
    error = caught.value
    assert error.exit_code == 1
    assert error.message.startswith("not added, gold files unchanged: gold/test-article/qa.jsonl:5: " + expected)
    assert str(error.problems[0]).endswith("[the new item]")
    assert snapshot(gold) == before


def test_add_summary_refuses_an_unknown_style(gold):
    before = snapshot(gold)
    with pytest.raises(GoldInvalid, match=r"summaries.jsonl:4: unknown style 'tweet'"):
        add_summary(gold, "test-article", "tweet", "Norland joins summit")
    assert snapshot(gold) == before


@pytest.mark.parametrize("article", ["no-such-article", "../test-article", "test-article/..", "Test-Article"])
def test_unknown_article_is_a_usage_error(gold, article):
    before = snapshot(gold)
    with pytest.raises(HarnessError) as caught:
        add_qa(gold, article, **NEW_QA)
    assert caught.value.exit_code == 2 and not isinstance(caught.value, GoldInvalid)
    assert f"unknown article '{article}'" in caught.value.message and "known: test-article" in caught.value.message
    assert snapshot(gold) == before


def test_an_already_invalid_set_refuses_additions(gold):
    (gold / "test-article" / "meta.json").write_text("{}")
    before = snapshot(gold)
    with pytest.raises(GoldInvalid, match="not added: the gold set is already invalid"):
        add_qa(gold, "test-article", **NEW_QA)
    assert snapshot(gold) == before


def test_import_adds_every_item(gold, tmp_path):
    items = tmp_path / "items.jsonl"
    items.write_text(jsonl([
        {"article": "test-article", **NEW_QA, "type": "duration"},
        {"article": "test-article", "style": "short", "text": "Norland joins.\nA minister warns."},
        "",
        {"article": "test-article", "id": "test-article-q010", "question": "Who is the minister?",
         "answers": ["Ada Lind"], "evidence": ["Minister Ada Lind"], "type": "person", "reasoning": "lookup"},
        {"article": "test-article", "question": "Where were officials?", "answers": ["Tokyo"],
         "evidence": ["Officials in Tokyo"]},
        {"article": "test-article", "question": "Who will chair the summit?", "answers": [], "evidence": [],
         "type": "unanswerable"},
    ]))
    records = import_items(gold, items)
    assert [r["id"] for r in records] == ["test-article-q011", "test-article-s004", "test-article-q010",
                                          "test-article-q012", "test-article-q013"]
    assert (records[3]["type"], records[3]["reasoning"]) == ("description", "lookup")
    assert records[1]["source"] == "written" and records[4]["plausible_answers"] == []
    loaded = load_gold(gold)
    assert len(loaded.qa) == 8 and len(loaded.summaries) == 4


def test_import_is_all_or_nothing(gold, tmp_path):
    items = tmp_path / "items.jsonl"
    items.write_text(jsonl([
        {"article": "test-article", **NEW_QA},
        {"article": "test-article", "question": "Who is the minister?", "answers": ["Bob Lind"],
         "evidence": ["Minister Bob Lind"], "type": "person"},
        {"article": "test-article", "style": "headline", "text": "Norland joins"},
    ]))
    before = snapshot(gold)
    with pytest.raises(GoldInvalid) as caught:
        import_items(gold, items)
    assert caught.value.message.startswith("not added, gold files unchanged: gold/test-article/qa.jsonl:6: "
                                           "evidence is not a verbatim span")
    assert str(caught.value.problems[0]).endswith("[items.jsonl:2]")
    assert snapshot(gold) == before


@pytest.mark.parametrize("line, expected", [
    ("{not json", "items.jsonl:2: not JSON"),
    ('{"question": "Who?"}', "items.jsonl:2: missing field 'article'"),
    ('{"article": "elsewhere", "question": "Who?"}', "items.jsonl:2: unknown article 'elsewhere' (known: test-article)"),
    ('{"article": "test-article", "note": "x"}', "items.jsonl:2: neither a QA item"),
])
def test_import_reports_problems_of_the_file_itself(gold, tmp_path, line, expected):
    items = tmp_path / "items.jsonl"
    items.write_text(jsonl([{"article": "test-article", **NEW_QA}, line]))
    before = snapshot(gold)
    with pytest.raises(GoldInvalid) as caught:
        import_items(gold, items)
    assert caught.value.message.startswith(f"nothing imported: {expected}")
    assert snapshot(gold) == before


def test_import_of_a_file_that_is_not_utf8(gold, tmp_path):
    items = tmp_path / "items.jsonl"
    items.write_bytes(b'{"article": "test-article", "question": "caf\xe9"}\n')
    with pytest.raises(GoldInvalid, match="items.jsonl: not UTF-8"):
        import_items(gold, items)
    with pytest.raises(HarnessError, match="cannot read import file"):
        import_items(gold, tmp_path / "missing.jsonl")


CHILD = """
import sys, time
from pathlib import Path
from harness.gold import add_qa
gold, go, ready, question, answer, evidence = sys.argv[1:]
Path(ready).touch()
while not Path(go).exists():
    time.sleep(0.005)
print(add_qa(gold, "test-article", question, [answer], evidence, type="description")["id"])
"""


def test_concurrent_adds_both_land(gold, tmp_path):
    go = tmp_path / "go"
    questions = [("How long will the summit last?", "three days", "is expected to last three days"),
                 ("Where did officials speak?", "Tokyo", "Officials in Tokyo")]
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    children = [subprocess.Popen([sys.executable, "-c", CHILD, str(gold), str(go), str(tmp_path / f"ready{i}"), *q],
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
                for i, q in enumerate(questions)]
    deadline = time.monotonic() + 60
    while not all((tmp_path / f"ready{i}").exists() for i in range(2)) and time.monotonic() < deadline:
        time.sleep(0.01)
    go.touch()
    outputs = [child.communicate(timeout=60) for child in children]
    assert [child.returncode for child in children] == [0, 0], outputs
    assert sorted(out.strip() for out, _ in outputs) == ["test-article-q005", "test-article-q006"]
    assert validate_gold(gold) == []
    lines = (gold / "test-article" / "qa.jsonl").read_text().splitlines()
    assert sorted(json.loads(line)["question"] for line in lines[4:]) == sorted(q for q, _, _ in questions)


def test_add_waits_while_another_command_holds_the_lock(gold, tmp_path):
    go = tmp_path / "go"
    go.touch()
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    qa_file = gold / "test-article" / "qa.jsonl"
    before = qa_file.read_bytes()
    with gold_lock(gold):
        child = subprocess.Popen([sys.executable, "-c", CHILD, str(gold), str(go), str(tmp_path / "ready"),
                                  *(NEW_QA["question"], "three days", NEW_QA["evidence"][0])],
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
        deadline = time.monotonic() + 60
        while not (tmp_path / "ready").exists() and time.monotonic() < deadline:
            time.sleep(0.01)
        time.sleep(0.5)
        assert child.poll() is None and qa_file.read_bytes() == before
    out, err = child.communicate(timeout=60)
    assert child.returncode == 0, err
    assert out.strip() == "test-article-q005" and validate_gold(gold) == []
