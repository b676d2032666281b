"""SQuAD export writes what import reads, in an order that gives every article back its id
(issue 23, item 11), and `gold export --output` refuses paths it must not write (item 12)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from harness.gold import export_squad, import_dataset, load_gold
from support.gold_files import make_gold, snapshot

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)


def _harness(*args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "harness.cli", *map(str, args)], capture_output=True, text=True,
                          cwd=REPO)


def _entry(title: str, *contexts: str) -> dict:
    return {"title": title, "paragraphs": [
        {"context": context, "qas": [{"id": f"{context}-{n}", "question": "Who?",
                                      "answers": [{"text": context.split()[0], "answer_start": 0}]}]}
        for n, context in enumerate(contexts)]}


def _articles(gold: Path) -> dict[str, tuple[str, list[str]]]:
    loaded = load_gold(gold)
    return {a.id: (a.text, [q.source_id for q in loaded.qa if q.article_id == a.id]) for a in loaded.articles.values()}


@pytest.mark.parametrize("titles", [["Sky (UK)", "sky_uk"], ["a", "a", "a-2"], ["a-2", "a", "a"]])
def test_export_then_import_gives_every_article_back_its_id_and_text(tmp_path, titles):
    source = tmp_path / "in.json"
    source.write_text(json.dumps({"version": "v2.0", "data": [
        _entry(title, f"Ada{n} spoke first.", f"Bo{n} spoke next.") for n, title in enumerate(titles)]}))
    first, second = tmp_path / "first", tmp_path / "second"
    import_dataset(first, source, "squad")
    exported = tmp_path / "out.json"
    exported.write_text(json.dumps(export_squad(load_gold(first))))
    import_dataset(second, exported, "squad")
    assert _articles(second) == _articles(first)


def test_the_export_of_the_shipped_gold_imports(tmp_path):
    out = tmp_path / "shipped.json"
    done = _harness("gold", "export", "--gold", REPO / "gold", "--format", "squad", "--output", out)
    assert done.returncode == 0, done.stderr
    done = _harness("gold", "import", "--gold", tmp_path / "gold", "--format", "squad", out)
    assert done.returncode == 0, done.stderr
    shipped, again = load_gold(REPO / "gold"), load_gold(tmp_path / "gold")
    fields = [(q.question, q.answers, q.type, q.reasoning, q.evidence, q.plausible_answers) for q in shipped.qa]
    assert [(q.question, q.answers, q.type, q.reasoning, q.evidence, q.plausible_answers) for q in again.qa] == fields
    assert sorted(a.text for a in again.articles.values()) == sorted(a.text for a in shipped.articles.values())


@pytest.mark.parametrize("where", ["article-file", "new-file-in-article", "gold-dir", "link-into-gold"])
def test_export_refuses_an_output_inside_the_gold_directory(tmp_path, where):
    gold = make_gold(tmp_path)
    before = snapshot(gold)
    output = {"article-file": gold / "test-article" / "qa.jsonl", "gold-dir": gold,
              "new-file-in-article": gold / "test-article" / "x.json", "link-into-gold": tmp_path / "link.json"}[where]
    if where == "link-into-gold":
        os.symlink(gold / "test-article" / "qa.jsonl", output)
    done = _harness("gold", "export", "--gold", gold, "--format", "squad", "--output", output)
    assert done.returncode == 2 and done.stderr.count("\n") == 1, done.stderr
    assert "inside the gold directory" in done.stderr
    assert snapshot(gold) == before


def test_export_refuses_a_missing_parent_and_a_directory_without_naming_a_temporary_file(tmp_path):
    gold = make_gold(tmp_path)
    missing = tmp_path / "no" / "such" / "out.json"
    done = _harness("gold", "export", "--gold", gold, "--format", "squad", "--output", missing)
    assert done.returncode == 2
    assert done.stderr == f"error: cannot write {missing}: the directory {missing.parent} does not exist\n"
    assert not (tmp_path / "no").exists()
    directory = tmp_path / "somedir"
    directory.mkdir()
    done = _harness("gold", "export", "--gold", gold, "--format", "squad", "--output", directory)
    assert done.returncode == 2 and done.stderr == (f"error: cannot write {directory}: it is a directory; "
                                                    "give a file name (--output FILE)\n")
    assert os.listdir(directory) == []
