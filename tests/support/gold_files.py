"""Helpers shared by the gold tests: a small valid gold set built in a temporary directory."""

from __future__ import annotations

import json
from pathlib import Path

from harness.gold import validate_gold

ARTICLE_ID = "test-article"
PARAGRAPHS = [
    "Officials in Tokyo said on Monday that 12 delegates from Norland will attend the summit.",
    "The summit, organized by the Harbor Council, is expected to last three days.",
    "Minister Ada Lind said the talks could cost more than 10,000 dollars.",
    "Critics said the plan would be a win for",
]
ARTICLE_TEXT = "\n\n".join(PARAGRAPHS) + "\n"
META = {"id": ARTICLE_ID, "title": "Norland joins summit", "source": "Test Wire", "dateline": "TOKYO (Test Wire)",
        "place": "Tokyo", "date": "2024-03-04T09:30:00+09:00", "origin": "written for the tests",
        "license": "CC0: written for the tests", "retrieved": None,
        "truncated": [{"paragraph": 4, "offset": 0, "text": "Critics said the plan would be a win for"}]}
QA = [
    {"id": "test-article-q001", "question": "How many delegates from Norland will attend?",
     "answers": ["12", "twelve"], "evidence": ["12 delegates from Norland"], "type": "count", "reasoning": "lookup"},
    {"id": "test-article-q002", "question": "Which body organized the summit?",
     "answers": ["the Harbor Council", "the council"], "evidence": ["organized by the Harbor Council"],
     "type": "organization", "reasoning": "lookup"},
    {"id": "test-article-q003", "question": "Who warned about what the talks might cost?",
     "answers": ["Ada Lind", "Minister Ada Lind"], "evidence": ["Minister Ada Lind said the talks could cost"],
     "type": "person", "reasoning": "lookup"},
    {"id": "test-article-q004", "question": "What is the name of the minister's dog?",
     "answers": [], "evidence": [], "type": "unanswerable", "reasoning": "lookup", "plausible_answers": ["Ada Lind"]},
]
SUMMARIES = [
    {"id": "test-article-s001", "style": "headline", "text": "Norland sends envoys to Tokyo", "source": "written"},
    {"id": "test-article-s002", "style": "one_sentence",
     "text": "Norland is sending a dozen envoys to a harbor gathering that may prove expensive.", "source": "written"},
    {"id": "test-article-s003", "style": "short",
     "text": "Norland is sending a dozen envoys to Tokyo.\nA minister fears the bill.", "source": "written"},
]


def qa_record(number: int = 5, **fields) -> dict:
    """A valid answerable QA record (a fresh question) with some fields overridden."""
    record = {"id": f"{ARTICLE_ID}-q{number:03d}", "question": "How long will the summit last?",
              "answers": ["three days"], "evidence": ["is expected to last three days"], "type": "duration",
              "reasoning": "lookup"}
    return {**record, **fields}


def jsonl(lines: list) -> str:
    """JSONL text from dicts (serialized) and strings (written as they are)."""
    return "".join((line if isinstance(line, str) else json.dumps(line, ensure_ascii=False)) + "\n"
                   for line in lines)


def make_gold(base: Path, *, article_id: str = ARTICLE_ID, article: str | None = ARTICLE_TEXT,
              meta: dict | str | None = None, qa: list | None = None, summaries: list | None = None) -> Path:
    """Write a gold set with one article under base/gold and return the gold directory.

    `qa` and `summaries` replace the default records (dicts are serialized, strings written raw);
    pass article=None or meta="" to leave that file out."""
    gold = base / "gold"
    folder = gold / article_id
    folder.mkdir(parents=True, exist_ok=True)
    if article is not None:
        (folder / "article.txt").write_text(article, encoding="utf-8")
    meta = {**META, "id": article_id} if meta is None else meta
    if meta != "":
        (folder / "meta.json").write_text(meta if isinstance(meta, str) else json.dumps(meta), encoding="utf-8")
    (folder / "qa.jsonl").write_text(jsonl(QA if qa is None else qa), encoding="utf-8")
    (folder / "summaries.jsonl").write_text(jsonl(SUMMARIES if summaries is None else summaries),
                                            encoding="utf-8")
    return gold


def snapshot(gold: Path) -> dict[str, bytes]:
    """Every file under the gold directory (dotfiles included), by relative path."""
    return {p.relative_to(gold).as_posix(): p.read_bytes() for p in sorted(gold.rglob("*")) if p.is_file()}


def problem_lines(gold: Path) -> list[str]:
    return [str(p) for p in validate_gold(gold)]


def test_the_mini_gold_set_is_valid(tmp_path):
    assert problem_lines(make_gold(tmp_path)) == []
