"""Who labelled the shipped judgments (gold/kim-putin-talks/judgments.jsonl): every row names
its labeller, a changed label says why, the 2026-12-02 relabels (issue 21) stand, and no row
judges a retired question."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from harness.gold import load_gold

REPO = Path(__file__).resolve().parents[2]
ARTICLE = REPO / "gold" / "kim-putin-talks"
MAINTAINERS = "project maintainers (rubric: docs/metrics.md)"
ASSISTANT = "AI coding assistant (rubric: docs/metrics.md)"


@pytest.fixture(scope="module")
def gold():
    return load_gold(REPO / "gold")


def test_every_row_names_one_of_the_documented_labellers(gold):
    rows = [json.loads(line) for line in (ARTICLE / "judgments.jsonl").read_text().splitlines()]
    assert len(rows) == len(gold.judgments) == 884
    assert {row["labelled_by"] for row in rows} == {MAINTAINERS, ASSISTANT}
    documented = (REPO / "docs" / "gold.md").read_text()
    assert f"`{MAINTAINERS}`" in documented and f"`{ASSISTANT}`" in documented


def test_a_label_the_maintainers_did_not_give_says_why_it_changed(gold):
    by_assistant = [j for j in gold.judgments if j.labelled_by == ASSISTANT]
    assert len(by_assistant) == 20  # 10 relabels and the 10 answers to the reworded q041
    assert all(j.note and j.note.startswith(("relabelled 2026-12-02", "judged again 2026-12-02")) for j in by_assistant)
    assert all(j.note is None for j in gold.judgments if j.labelled_by == MAINTAINERS)


@pytest.mark.parametrize("item, prediction, label", [
    ("q032", "The Kim-Putin meeting, which took place in Moscow, is still not announced. The exact date is not "
             "specified.", False),
    ("q054", "But Putin has a lot on his plate and good reason to be cautious about making any big new commitments.",
     True),
    ("q054", "He has a lot on his plate.", True),
    ("q061", "a wave of refugees", False),
    ("q070", "The article says that Kim has a lot of labor in China, but it does not say how many.", False),
    ("q074", "Not particularly close.", False),
    ("q100", "The article states that Kim Jong Un has plans to build a new rail line to Europe, which could help "
             "him improve his economy.", False),
    ("q111", "Moscow helped North Korea rebuild its economy, and helped it to strengthen its ties with China.", False),
    ("q041", "Frustration over the stalled talks with the U.S.", False),
    ("q041", "His frustrations.", True),
])
def test_the_issue_21_labels(gold, item, prediction, label):
    (row,) = [j for j in gold.judgments if j.id == f"kim-putin-talks-{item}" and j.prediction == prediction]
    assert row.correct is label and row.labelled_by == ASSISTANT


def test_removed_questions_are_retired_and_no_longer_judged(gold):
    retired = set(json.loads((ARTICLE / "meta.json").read_text())["retired"])
    removed = {f"kim-putin-talks-{n}" for n in ("q019", "q020", "q042", "q045", "q047", "q049", "q073", "q107", "q112")}
    assert removed <= retired
    assert not retired & {q.id for q in gold.qa}
    assert not retired & {j.id for j in gold.judgments}
    assert len(gold.qa) == 97


def test_the_docs_do_not_call_the_labels_a_persons():
    for path in ("README.md", "docs/metrics.md", "docs/gold.md"):
        text = (REPO / path).read_text()
        for claim in ("judged by a person", "judged correct or incorrect by a person", "human-judged set (below)"):
            assert claim not in text, (path, claim)
