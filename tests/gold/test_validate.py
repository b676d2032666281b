"""Every validation rule of the gold set: feed the bad input, check the message and place."""

from __future__ import annotations

import json
import os

import pytest

from harness.errors import HarnessError
from harness.gold import Problem, format_problems, validate_gold
from support.gold_files import ARTICLE_TEXT, META, QA, SUMMARIES, make_gold, problem_lines, qa_record

QA_FILE = "gold/test-article/qa.jsonl"


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # problem paths are shown relative to the current directory


def only_problem(tmp_path, **gold) -> str:
    lines = problem_lines(make_gold(tmp_path, **gold))
    assert len(lines) == 1, lines
    return lines[0]


QA_CASES = {
    "not json": ('{"id": "test-article-q005", "question": ', "5: not JSON"),
    "not an object": ('["a list"]', "5: expected a JSON object, got a list"),
    "missing field": ({k: v for k, v in qa_record().items() if k != "evidence"}, "5: missing field 'evidence'"),
    "missing reasoning": ({k: v for k, v in qa_record().items() if k != "reasoning"}, "5: missing field 'reasoning'"),
    "unknown field": (qa_record(note="x"), "5: unknown field 'note' (allowed: id, question, answers, evidence, type, "
                                           "reasoning, plausible_answers, source_id)"),
    "empty field": (qa_record(question="  "), "5: field 'question' is empty"),
    "empty answer": (qa_record(answers=["three days", ""]), "5: answers[1] is empty"),
    "wrong type string": (qa_record(answers="three days"), "5: field 'answers' must be a list of strings, got a string"),
    "wrong type list item": (qa_record(answers=[3]), "5: field 'answers' must be a list of strings, got a list"),
    "wrong type number": (qa_record(question=7), "5: field 'question' must be a string, got a number"),
    "evidence a string": (qa_record(evidence="is expected to last three days"),
                          "5: field 'evidence' must be a list of strings, got a string"),
    "empty evidence span": (qa_record(evidence=["is expected to last three days", " "]), "5: evidence[1] is empty"),
    "duplicate id": (qa_record(number=2), "5: duplicate id 'test-article-q002' (first used at test-article/qa.jsonl:2)"),
    "same question after normalization": (
        qa_record(question="  how many DELEGATES from norland will attend "),
        "5: question duplicates test-article-q001 after normalization (case, punctuation, whitespace)"),
    "evidence not verbatim": (qa_record(evidence=["is expected to last 3 days"], answers=["3 days"]),
                              '5: evidence is not a verbatim span of article.txt: "is expected to last 3 days"'),
    "canonical answer not in evidence": (qa_record(answers=["four days", "three days"]),
                                         "5: canonical answer 'four days' occurs in no evidence span"),
    "answer only inside a token": (qa_record(question="What number is it?", answers=["2"],
                                             evidence=["12 delegates"], type="count"),
                                   "5: canonical answer '2' occurs in no evidence span"),
    "unanswerable with answers": (qa_record(answers=["x"], evidence=[], type="unanswerable", plausible_answers=[]),
                                  "5: unanswerable item must have answers []"),
    "unanswerable with evidence": (qa_record(answers=[], type="unanswerable", plausible_answers=[]),
                                   "5: unanswerable item must have evidence []"),
    "answerable without answers": (qa_record(answers=[]), "5: answerable item (type 'duration') has no answers"),
    "answerable without evidence": (qa_record(evidence=[]), "5: answerable item has no evidence"),
    "unknown type": (qa_record(type="number"), "5: unknown type 'number' (allowed: person, organization, place"),
    "yes_no answer": (qa_record(type="yes_no", answers=["maybe"]),
                      "5: a yes_no item's canonical (first) answer must start with 'yes' or 'no'"),
    "id of another article": (qa_record(id="other-q005"), "5: id 'other-q005' is not of the form 'test-article-q001'"),
    "id with a path": (qa_record(id="../test-article-q005"), "5: id '../test-article-q005' is not of the form"),
    "id with a slash": (qa_record(id="test-article/q005"), "5: id 'test-article/q005' is not of the form"),
    "id with NUL": (qa_record(id="test-article-q005\x00"), "5: id 'test-article-q005\\x00' is not of the form"),
    "id not ASCII": (qa_record(id="test-article-q\u0665\u0660\u0660"),
                     "5: id 'test-article-q\\u0665\\u0660\\u0660' is not of the form"),
    "blank line": ("", "5: blank line (JSONL needs one object a line)"),
}


@pytest.mark.parametrize("line, expected", QA_CASES.values(), ids=QA_CASES.keys())
def test_each_qa_rule_is_reported_at_its_line(tmp_path, line, expected):
    lines = [*QA, line]
    if line == "":  # a blank line is only a problem when a record follows it
        lines.append(qa_record(number=6))
    assert only_problem(tmp_path, qa=lines).startswith(f"{QA_FILE}:{expected}")


def test_the_canonical_answer_is_compared_after_squad_normalization_and_aliases_need_not_occur(tmp_path):
    record = qa_record(answers=["The Three Days.", "72 hours", "half a week"])
    assert problem_lines(make_gold(tmp_path, qa=[*QA, record])) == []


def test_near_duplicate_question_names_the_other_id(tmp_path):
    first = qa_record(number=5, question="Which council in the harbor city organized the three day summit")
    second = qa_record(number=6, question="Which council in the harbor city organized the three day summit there")
    message = only_problem(tmp_path, qa=[*QA, first, second])
    assert message == (f"{QA_FILE}:6: question is a near-duplicate of test-article-q005 "
                       "(token-set Jaccard 0.91 >= 0.9)")


def test_every_problem_is_reported_at_once_and_sorted(tmp_path):
    summaries = [*SUMMARIES, {"id": "test-article-s004", "style": "tweet", "text": "x", "source": "written"}]
    gold = make_gold(tmp_path, qa=[*QA, "nope", qa_record(number=6, type="number")], summaries=summaries)
    assert problem_lines(gold) == [
        f"{QA_FILE}:5: not JSON: Expecting value (column 1)",
        f"{QA_FILE}:6: unknown type 'number' (allowed: person, organization, place, date, duration, count, money, "
        "quantity, yes_no, reason, description, unanswerable, unlabeled)",
        "gold/test-article/summaries.jsonl:4: unknown style 'tweet' (allowed: headline, one_sentence, short)",
    ]


@pytest.mark.parametrize("record, expected", [
    ({"id": "test-article-s004", "style": "tweet", "text": "x", "source": "written"}, "unknown style 'tweet'"),
    ({"id": "test-article-s004", "style": "short", "text": "One.\n\nTwo.", "source": "written"},
     "field 'text' has an empty line"),
    ({"id": "test-article-s004", "style": "short", "text": "", "source": "written"}, "field 'text' is empty"),
    ({"id": "test-article-q004", "style": "short", "text": "One.", "source": "written"},
     "id 'test-article-q004' is not of the form 'test-article-s001'"),
    ({"id": "test-article-s003", "style": "short", "text": "One.", "source": "written"}, "duplicate id 'test-article-s003'"),
    ({"id": "test-article-s004", "style": "short", "source": "written"}, "missing field 'text'"),
])
def test_summary_rules(tmp_path, record, expected):
    message = only_problem(tmp_path, summaries=[*SUMMARIES, record])
    assert message.startswith("gold/test-article/summaries.jsonl:4: " + expected)


def test_article_directory_name_must_be_lower_case_letters_digits_hyphens(tmp_path):
    for name in ("Bad_Name", "art\u00edculo"):
        gold = make_gold(tmp_path, article_id="test-article")
        (gold / "test-article").rename(gold / name)
        lines = problem_lines(gold)
        assert len(lines) == 1 and f"gold/{name}: article directory name" in lines[0], lines
        assert "^[a-z0-9]+(-[a-z0-9]+)*$" in lines[0]
        (gold / name).rename(gold / "test-article")


def test_missing_article_txt(tmp_path):
    assert only_problem(tmp_path, article=None) == "gold/test-article/article.txt: missing article.txt"


def test_article_format(tmp_path):
    wrapped = ARTICLE_TEXT.replace("said on Monday ", "said on Monday\n", 1)
    assert only_problem(tmp_path, article=wrapped).startswith(
        "gold/test-article/article.txt:2: paragraph continues on this line")
    assert problem_lines(make_gold(tmp_path, article=ARTICLE_TEXT.rstrip("\n"))) == [
        "gold/test-article/article.txt:7: article.txt must end with exactly one newline"]
    doubled = ARTICLE_TEXT.replace("\n\n", "\n\n\n", 1)
    assert "article.txt:3: more than one blank line" in only_problem(tmp_path, article=doubled)
    assert "article.txt:2: whitespace on a blank line" in only_problem(tmp_path, article=ARTICLE_TEXT.replace("\n\n", "\n \n", 1))


def test_a_file_that_is_not_utf8_is_reported(tmp_path):
    gold = make_gold(tmp_path)
    qa_file = gold / "test-article" / "qa.jsonl"
    qa_file.write_bytes(qa_file.read_bytes() + b'{"question": "caf\xe9"}\n')
    assert problem_lines(gold) == [f"{QA_FILE}:5: not UTF-8 (byte 0xe9 at offset "
                                   f"{len(qa_file.read_bytes()) - 4}); save the file as UTF-8"]


def test_article_txt_not_utf8_skips_evidence_checks(tmp_path):
    gold = make_gold(tmp_path)
    (gold / "test-article" / "article.txt").write_bytes(ARTICLE_TEXT.encode("latin-1") + b"caf\xe9\n")
    lines = problem_lines(gold)
    assert len(lines) == 1 and lines[0].startswith("gold/test-article/article.txt:8: not UTF-8"), lines


@pytest.mark.parametrize("meta, expected", [
    ("", "gold/test-article/meta.json: missing meta.json"),
    ("{", "gold/test-article/meta.json:1: not JSON: Expecting property name enclosed in double quotes"),
    ({**META, "id": "other"}, "gold/test-article/meta.json: id 'other' does not match the directory name 'test-article'"),
    ({k: v for k, v in META.items() if k != "origin"}, "gold/test-article/meta.json: missing field 'origin'"),
    ({**META, "url": "x"}, "gold/test-article/meta.json: unknown field 'url'"),
    ({**META, "title": ""}, "gold/test-article/meta.json: field 'title' is empty"),
    ({**META, "date": 2024}, "gold/test-article/meta.json: field 'date' must be a string or null, got a number"),
])
def test_meta_json_rules(tmp_path, meta, expected):
    assert only_problem(tmp_path, meta=meta).startswith(expected)


def test_unexpected_file_and_ignored_files(tmp_path):
    gold = make_gold(tmp_path)
    (gold / "test-article" / "notes.md").write_text("x")
    (gold / "test-article" / ".qa.jsonl.swp").write_bytes(b"\xff")
    (gold / "test-article" / "qa.jsonl~").write_bytes(b"\xff")
    assert problem_lines(gold) == [
        "gold/test-article/notes.md: unexpected file (allowed: article.txt, meta.json, qa.jsonl, summaries.jsonl, judgments.jsonl)"]


def test_empty_gold_directory(tmp_path):
    (tmp_path / "gold").mkdir()
    assert problem_lines(tmp_path / "gold") == ["gold: no articles: expected directories gold/<article-id>/"]


def test_missing_gold_directory_is_a_usage_error(tmp_path):
    with pytest.raises(HarnessError) as caught:
        validate_gold(tmp_path / "nowhere")
    assert caught.value.exit_code == 2 and "gold directory not found" in caught.value.message


def test_paths_outside_the_current_directory_are_absolute(tmp_path, monkeypatch):
    gold = make_gold(tmp_path / "elsewhere", article=None)
    (tmp_path / "here").mkdir()
    monkeypatch.chdir(tmp_path / "here")
    (problem,) = validate_gold(gold)
    assert problem.path == os.path.abspath(gold / "test-article" / "article.txt")


def test_problem_text_and_count_line():
    assert str(Problem("a/qa.jsonl", 3, "bad")) == "a/qa.jsonl:3: bad"
    assert str(Problem("a/meta.json", None, "bad")) == "a/meta.json: bad"
    assert format_problems([Problem("x", 1, "m")]) == "x:1: m\n1 problem"
    assert format_problems([]) == "0 problems"


def test_two_articles_are_validated_independently(tmp_path):
    make_gold(tmp_path)
    second = [{**QA[0], "id": "second-q001"}]
    summaries = [{**SUMMARIES[0], "id": "second-s001"}]
    gold = make_gold(tmp_path, article_id="second", qa=second, summaries=summaries)
    assert problem_lines(gold) == []
    json.loads((gold / "second" / "meta.json").read_text())
