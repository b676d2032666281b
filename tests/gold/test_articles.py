"""New articles: `harness gold add-article` from a clean text file, and `harness gold import
--format summaries` (one document with its references a line)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from harness.errors import HarnessError
from harness.gold import (GoldInvalid, ImportOptions, add_article, add_qa, add_summary, import_dataset, load_gold,
                          validate_gold)
from support.gold_files import ARTICLE_TEXT, make_gold, snapshot

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "tests" / "data" / "summaries-sample.jsonl"
RAW = "  First paragraph, wrapped\r\nover two lines.  \r\n\r\n\r\n\tSecond\tparagraph.\n \nThird one.\n\n"


@pytest.fixture
def gold(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return make_gold(tmp_path)


def text_file(tmp_path: Path, content: str | bytes, name: str = "story.txt") -> Path:
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return path


def test_add_article_normalizes_the_text_and_writes_placeholders(gold, tmp_path):
    article = add_article(gold, "harbor-story", text_file(tmp_path, RAW))
    folder = gold / "harbor-story"
    assert (folder / "article.txt").read_text() == \
        "First paragraph, wrapped over two lines.\n\nSecond paragraph.\n\nThird one.\n"
    assert sorted(p.name for p in folder.iterdir()) == ["article.txt", "meta.json", "qa.jsonl", "summaries.jsonl"]
    meta = json.loads((folder / "meta.json").read_text())
    assert meta == article.meta and list(meta) == ["id", "title", "source", "dateline", "place", "date", "origin",
                                                   "license", "retrieved", "truncated"]
    assert (meta["title"], meta["source"], meta["date"], meta["license"], meta["truncated"]) == \
        ("Untitled", "unknown", None, None, [])
    assert "story.txt" in meta["origin"] and validate_gold(gold) == []


def test_add_qa_and_add_summary_work_on_a_new_article(gold, tmp_path):
    add_article(gold, "harbor-story", text_file(tmp_path, RAW), title="Harbor story", date_time="2024-05-01T08:00:00Z",
                source="Test Wire")
    item = add_qa(gold, "harbor-story", "How many lines was the first paragraph wrapped over?", ["two"],
                  ["wrapped over two lines"], type="count")
    summary = add_summary(gold, "harbor-story", "headline", "A three-part test text")
    assert item["id"] == "harbor-story-q001" and summary["id"] == "harbor-story-s001"
    loaded = load_gold(gold)
    assert loaded.articles["harbor-story"].meta["date"] == "2024-05-01T08:00:00Z"
    assert [q.id for q in loaded.qa if q.article_id == "harbor-story"] == ["harbor-story-q001"]


@pytest.mark.parametrize("article_id, content, options, expected, code", [
    ("Bad_Id", RAW, {}, "cannot add article: article id 'Bad_Id' is not lower-case letters, digits and hyphens", 2),
    ("test-article", RAW, {}, "already exists", 2),
    ("../evil", RAW, {}, "cannot add article: article id '../evil' is not lower-case letters", 2),
    ("copy", ARTICLE_TEXT, {}, "is the same text as that of 'test-article'", 2),
    ("empty", " \n\n \t\n", {}, "story.txt: no text (an article needs at least one paragraph)", 2),
    ("control", "A bell\x07 rang.\n", {}, "story.txt: contains the character \\x07 at offset 6", 2),
    ("latin", "caf\xe9".encode("latin-1"), {}, "article not added: story.txt: not UTF-8 (byte offset 3)", 1),
    ("bom", b"\xef\xbb\xbfText.\n", {}, "article not added: story.txt:1: starts with a UTF-8 byte order mark", 1),
    ("dated", RAW, {"date_time": "2024-05-01"}, "--date '2024-05-01' is not a full ISO 8601 date and time", 2),
])
def test_add_article_refuses_and_writes_nothing(gold, tmp_path, article_id, content, options, expected, code):
    before = snapshot(gold)
    with pytest.raises(HarnessError) as caught:
        add_article(gold, article_id, text_file(tmp_path, content), **options)
    assert caught.value.exit_code == code and expected in caught.value.message, caught.value.message
    assert snapshot(gold) == before and sorted(p.name for p in gold.iterdir()) == ["test-article"]


def test_add_article_dry_run_and_cli(gold, tmp_path):
    story = text_file(tmp_path, RAW)
    before = snapshot(gold)
    add_article(gold, "harbor-story", story, dry_run=True)
    assert snapshot(gold) == before
    done = subprocess.run([sys.executable, "-m", "harness.cli", "gold", "add-article", "--gold", gold, "harbor-story",
                           "--text", story, "--title", "Harbor story"], capture_output=True, text=True,
                          env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"})
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith('added: article harbor-story (3 paragraphs); meta.json: {"id": "harbor-story", '
                                  '"title": "Harbor story"')


# -- import --format summaries -------------------------------------------------------------------

def test_import_summaries_sample(gold):
    done = import_dataset(gold, SAMPLE, "summaries", ImportOptions(style="one_sentence", license="CC0"))
    assert done.articles == ["brook-ferry-001", "orchard-frost-002", "3", "tram-strike-004"]
    assert len(done.records) == 6 and {r["style"] for r in done.records} == {"one_sentence"}
    loaded = load_gold(gold)
    ferry = loaded.articles["brook-ferry-001"]
    assert len(ferry.paragraphs) == 3 and ferry.meta["license"] == "CC0" and ferry.meta["title"] == "Untitled"
    assert loaded.articles["orchard-frost-002"].paragraphs[0].endswith("overnight, growers said. The cold lasted six hours.")
    refs = [s for s in loaded.summaries if s.article_id == "brook-ferry-001"]
    assert [(s.id, s.source, s.source_id) for s in refs] == [
        ("brook-ferry-001-s001", "written", "brook-ferry-001"), ("brook-ferry-001-s002", "written", "brook-ferry-001")]
    assert [s.text for s in loaded.summaries if s.article_id == "tram-strike-004"][0] == \
        "Velden tram drivers plan a two-day pay strike; buses will cover some routes."


def test_import_summaries_splits_references_into_sentences_for_the_short_style(gold, tmp_path):
    line = {"id": "x1", "article": "One. Two. Three.", "references": ["It began. It went on.  It ended."]}
    path = text_file(tmp_path, json.dumps(line) + "\n", "docs.jsonl")
    done = import_dataset(gold, path, "summaries", ImportOptions(style="short"))
    assert done.records[0]["text"] == "It began.\nIt went on.\nIt ended."


@pytest.mark.parametrize("line, expected", [
    ('{"id": "a", "article": "Text."}', "docs.jsonl:2: expected an object with exactly the fields id, article, references"),
    ('{"id": "a", "article": "Text.", "references": []}', "docs.jsonl:2: 'article' must be a string and 'references'"),
    ('{"id": "", "article": "Text.", "references": ["R"]}', "docs.jsonl:2: 'id' must be a non-empty string or a number"),
    ('{"id": "Brook Ferry 001", "article": "Other.", "references": ["R"]}',
     "docs.jsonl:2: id 'Brook Ferry 001' gives the article id 'brook-ferry-001', as line 1 does"),
    ('{"id": "b", "article": "  ", "references": ["R"]}', "docs.jsonl:2: no text"),
    ("not json", "docs.jsonl:2: not JSON"),
])
def test_import_summaries_refuses_a_bad_line(gold, tmp_path, line, expected):
    first = json.dumps({"id": "brook-ferry-001", "article": "Some text.", "references": ["A reference."]})
    path = text_file(tmp_path, f"{first}\n{line}\n", "docs.jsonl")
    before = snapshot(gold)
    with pytest.raises(GoldInvalid) as caught:
        import_dataset(gold, path, "summaries", ImportOptions(style="one_sentence"))
    assert caught.value.message.startswith(f"nothing imported: {expected}"), caught.value.message
    assert snapshot(gold) == before


def test_import_summaries_needs_a_style(gold):
    with pytest.raises(HarnessError, match="import --format summaries needs --style") as caught:
        import_dataset(gold, SAMPLE, "summaries")
    assert caught.value.exit_code == 2


@pytest.mark.parametrize("args, expected", [
    (["--style", "short"], "error: --style does not apply to --format jsonl\n"),
    (["--format", "squad", "--style", "short"], "error: --style does not apply to --format squad\n"),
    (["--format", "summaries"], "error: import --format summaries needs --style, one of headline, one_sentence, short"),
])
def test_cli_import_flags_that_do_not_apply(gold, args, expected):
    done = subprocess.run([sys.executable, "-m", "harness.cli", "gold", "import", "--gold", gold, SAMPLE, *args],
                          capture_output=True, text=True, env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"})
    assert done.returncode == 2 and done.stderr.startswith(expected), done.stderr
