"""`harness gold review`: the checklist report on a small fixture, its targets, its exit code."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from harness.errors import HarnessError
from harness.gold import load_gold, review_gold
from support.gold_files import QA, SUMMARIES, make_gold, qa_record

REPO = Path(__file__).resolve().parents[2]
UNANSWERABLE = {"answers": [], "evidence": [], "type": "unanswerable", "plausible_answers": []}
MORE_SUMMARIES = [
    {"id": f"test-article-s{n:03d}", "style": style, "text": text, "source": "written"}
    for n, (style, text) in enumerate([
        ("headline", "Tokyo Hosts Norland Envoys"), ("headline", "Harbor Talks Draw Norland"),
        ("headline", "Costly Tokyo Talks Ahead"), ("one_sentence", "Envoys from Norland head to a Tokyo meeting."),
        ("one_sentence", "Tokyo prepares for envoys and a hefty bill."),
        ("one_sentence", "A harbor body hosts Norland's envoys in Tokyo."),
        ("short", "Norland sends envoys.\nThe meeting runs for days."),
        ("short", "Tokyo hosts a meeting.\nA minister fears the bill."),
        ("short", "A harbor body plans talks.\nCritics doubt the plan."),
    ], start=4)]
P4_ITEM = qa_record(number=5, question="What did critics say about the plan?", answers=["would be a win for"],
                    evidence=["the plan would be a win for"], type="description")


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)


def test_review_of_the_small_fixture_reports_and_fails_two_targets(tmp_path):
    review = review_gold(load_gold(make_gold(tmp_path)))
    text = review.text()
    lines = text.splitlines()
    assert not review.passed and lines[-1] == "verdict: FAIL: 0 of 1 articles meet every target"
    assert lines[0] == 'review of test-article ("Norland joins summit")'
    for expected in [
        "QA items: 4 (3 answerable, 1 unanswerable: 25.0%)",
        "  by type: person 1, organization 1, count 1, unanswerable 1",
        "  by reasoning, answerable: lookup 3",
        "  aliases per answerable item: min 1, median 1, max 1; 0 with none",
        "  unanswerable items without plausible answers: 0",
        "  P1:1 P2:1 P3:1 P4:0",
        "  headline: 1 written",
        "meta: truncated sentences listed: 1; paragraphs ending mid-sentence but not listed: none; "
        "placeholder fields: none",
        "  [pass] unanswerable share: 1 of 4 (25.0%; at least 25%)",
        "  [FAIL] written references per style: headline 1, one_sentence 1, short 1 (at least 4 each)",
        "  [FAIL] content paragraphs with a question: 3 of 4 content paragraphs; none for paragraph 4",
        "test-article: FAIL (2 of 4 targets met)",
    ]:
        assert expected in lines, expected
    assert "    s001 written         0.000  new words: sends, envoys" in lines


def test_review_passes_once_the_targets_are_met(tmp_path):
    gold = make_gold(tmp_path, qa=[*QA, P4_ITEM], summaries=[*SUMMARIES, *MORE_SUMMARIES])
    (article,) = review_gold(load_gold(gold)).articles
    assert [t.met for t in article.targets] == [False, True, True, True]  # 1 of 5 unanswerable: 20%
    second = qa_record(number=6, question="Who will chair the summit?", **UNANSWERABLE)
    gold = make_gold(tmp_path, qa=[*QA, P4_ITEM, second], summaries=[*SUMMARIES, *MORE_SUMMARIES])
    review = review_gold(load_gold(gold))
    assert review.passed, review.text()
    assert "  [pass] unanswerable share: 2 of 6 (33.3%; at least 25%)" in review.text().splitlines()
    assert review.text().splitlines()[-1] == "verdict: PASS: 1 of 1 articles meet every target"


@pytest.fixture
def big_article(tmp_path):
    """80 items: 20 unanswerable, 60 lookups (the reasoning target applies from 80 items)."""
    lookups = [qa_record(number=6 + i, question=f"Lookup question number {i} about item{i}?") for i in range(56)]
    empty = [qa_record(number=62 + i, question=f"Unanswerable question number {i} about thing{i}?", **UNANSWERABLE)
             for i in range(20)]
    return [*QA[:3], P4_ITEM, *lookups, *empty]


def test_the_reasoning_target_applies_from_80_items(tmp_path, big_article):
    gold = make_gold(tmp_path, qa=big_article, summaries=[*SUMMARIES, *MORE_SUMMARIES])
    (article,) = review_gold(load_gold(gold)).articles
    target = article.targets[1]
    assert not target.met and target.detail.startswith("0 (at least 20 when an article has 80 items or more; "
                                                       "this one has 80)")
    arithmetic = [{**item, "reasoning": "arithmetic"} for item in big_article[4:24]]
    gold = make_gold(tmp_path, qa=[*big_article[:4], *arithmetic, *big_article[24:]],
                     summaries=[*SUMMARIES, *MORE_SUMMARIES])
    assert review_gold(load_gold(gold)).passed


def test_cloze_like_questions_are_flagged(tmp_path):
    cloze = qa_record(question="The summit, organized by the Harbor Council, is expected to last how long?")
    text = review_gold(load_gold(make_gold(tmp_path, qa=[*QA, cloze]))).text()
    assert "  highest: q005 1.00, q001 0.36, q003 0.27; flagged: q005" in text.splitlines()


def test_cli_exit_codes_and_the_shipped_gold_passes(tmp_path):
    gold = make_gold(tmp_path)
    run = [sys.executable, "-m", "harness.cli", "gold", "review"]
    done = subprocess.run([*run, "--gold", gold], capture_output=True, text=True, cwd=REPO)
    assert done.returncode == 1 and done.stdout.rstrip().endswith("verdict: FAIL: 0 of 1 articles meet every target")
    done = subprocess.run([*run, "--gold", gold, "--article", "nope"], capture_output=True, text=True, cwd=REPO)
    assert done.returncode == 2 and done.stderr == "error: unknown article 'nope' (known: test-article)\n"
    done = subprocess.run(run, capture_output=True, text=True, cwd=REPO)
    assert done.returncode == 0 and done.stdout.rstrip().endswith("verdict: PASS: 20 of 20 articles meet every target")


def test_unknown_article_in_the_library(tmp_path):
    with pytest.raises(HarnessError, match="unknown article 'nope'"):
        review_gold(load_gold(make_gold(tmp_path)), "nope")


def test_an_article_with_references_and_no_qa_is_held_to_the_references_target_of_its_styles(tmp_path):
    shorts = [s for s in MORE_SUMMARIES if s["style"] == "short"]
    fourth = {**shorts[0], "text": "Envoys travel to Tokyo.\nA minister worries about the bill."}
    summaries = [{**s, "id": f"test-article-s{n:03d}"} for n, s in enumerate([*shorts, fourth], start=1)]
    (article,) = review_gold(load_gold(make_gold(tmp_path, qa=[], summaries=summaries))).articles
    assert [t.name for t in article.targets] == ["written references per style"]
    assert article.passed and article.targets[0].detail == "short 4 (at least 4 each)"
    assert "QA targets: none apply (the article has reference summaries and no QA items)" in article.lines
    (few,) = review_gold(load_gold(make_gold(tmp_path, qa=[], summaries=summaries[:3]))).articles
    assert not few.passed and few.targets[0].detail == "short 3 (at least 4 each)"


def test_an_article_with_qa_and_no_references_is_held_to_the_qa_targets(tmp_path):
    (article,) = review_gold(load_gold(make_gold(tmp_path, qa=[*QA, P4_ITEM], summaries=[]))).articles
    assert [t.name for t in article.targets] == [
        "unanswerable share", "answerable items that are not lookups (unlabeled ones do not count)",
        "content paragraphs with a question"]
    assert "reference targets: none apply (the article has QA items and no reference summaries)" in article.lines
