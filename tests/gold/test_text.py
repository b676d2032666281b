"""Text entering the gold set: one rule for every way in (add-article, SQuAD and summaries
imports, validation), and text that is not text (lone surrogates, undecodable command-line
bytes) is a one-line error with exit 2, never an internal error (issue 23, items 7 and 8)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from harness.errors import HarnessError
from harness.gold import add_article, import_dataset, validate_gold
from support.gold_files import ARTICLE_TEXT, make_gold, snapshot

REPO = Path(__file__).resolve().parents[2]
RULE = re.compile(r"contains the character \\x1b at offset \d+ \(control characters other than newline and "
                  r"tab, and lone surrogates, are not allowed\)")


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)


def _harness(*args, cwd=None) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run([sys.executable, "-m", "harness.cli", *args], capture_output=True, cwd=cwd, env=env)


def _squad(path: Path, title: str = "Normans", context: str = "The Normans lived in France.",
           qid: str = "a1") -> Path:
    start = context.find("France")
    path.write_text(json.dumps({"version": "v2.0", "data": [{"title": title, "paragraphs": [
        {"context": context, "qas": [{"id": qid, "question": "Where?",
                                      "answers": [{"text": "France", "answer_start": start}]}]}]}]}))
    return path


def _one_line_exit_2(done: subprocess.CompletedProcess) -> str:
    err = done.stderr.decode("utf-8")
    assert done.returncode == 2, err
    assert err.count("\n") == 1 and err.startswith("error: ") and "internal error" not in err, err
    return err


# -- item 8: control characters ------------------------------------------------------------------

@pytest.mark.parametrize("char", ["\x1b", "\x07", "\x00"])
def test_a_squad_context_with_a_control_character_is_refused_and_nothing_written(tmp_path, char):
    gold = make_gold(tmp_path)
    before = snapshot(gold)
    squad = _squad(tmp_path / "s.json", context=f"The Normans{char}]0;pwned{char} lived in France.")
    with pytest.raises(HarnessError, match=r"data\[0\]\.paragraphs\[0\]\.context: contains the character") as error:
        import_dataset(gold, squad, "squad")
    assert error.value.exit_code == 2
    assert snapshot(gold) == before


def test_validate_refuses_a_control_character_in_article_txt(tmp_path):
    gold = make_gold(tmp_path, article="Officials met.\x1b[2J The screen is cleared.\n")
    messages = [str(p) for p in validate_gold(gold)]
    assert any(RULE.search(m) and "article.txt:1" in m for m in messages), messages


def test_add_article_squad_import_and_validate_state_the_same_rule(tmp_path):
    gold = make_gold(tmp_path)
    text = tmp_path / "a.txt"
    text.write_text("Officials met.\x1b[2J\n", encoding="utf-8")
    with pytest.raises(HarnessError) as by_add:
        add_article(gold, "new-one", text)
    with pytest.raises(HarnessError) as by_squad:
        import_dataset(gold, _squad(tmp_path / "s.json", context="Officials\x1b met in France."), "squad")
    broken = make_gold(tmp_path / "v", article="Officials\x1b met.\n")
    by_validate = [str(p) for p in validate_gold(broken)]
    for message in (by_add.value.message, by_squad.value.message, *by_validate[:1]):
        assert RULE.search(message), message


@pytest.mark.parametrize("command", ["stats", "review"])
def test_gold_stats_and_review_never_print_a_control_character(tmp_path, command):
    """A paragraph no question covers is quoted by both; one that sets the terminal title."""
    gold = make_gold(tmp_path, article=ARTICLE_TEXT + "\nBells rang.\x1b]0;owned\x07 Then the talks began.\n")
    done = _harness("gold", command, "--gold", str(gold))
    assert done.returncode == 1, done.stdout
    assert b"\x1b" not in done.stdout + done.stderr and b"\x07" not in done.stdout + done.stderr
    assert b"contains the character \\x1b" in done.stderr


# -- item 7: text that is not text ---------------------------------------------------------------

@pytest.mark.parametrize("where", ["title", "context", "id"])
def test_a_lone_surrogate_in_a_squad_file_is_a_one_line_error(tmp_path, where):
    gold = make_gold(tmp_path)
    before = snapshot(gold)
    squad = _squad(tmp_path / "s.json", **{"title": "Nor\ud800mans"} if where == "title" else
                   {"context": "The Nor\ud800mans lived in France."} if where == "context" else {"qid": "a\udc00"})
    err = _one_line_exit_2(_harness("gold", "import", "--gold", str(gold), "--format", "squad", str(squad)))
    assert "\\ud800" in err or "\\udc00" in err
    assert snapshot(gold) == before


def test_a_lone_surrogate_in_a_summaries_document_id_is_a_one_line_error(tmp_path):
    gold = make_gold(tmp_path)
    before = snapshot(gold)
    docs = Path("docs.jsonl")
    docs.write_text(json.dumps({"id": "doc\ud800", "article": "Officials met on Monday.",
                                "references": ["Officials met."]}) + "\n")
    done = _harness("gold", "import", "--gold", str(gold), "--format", "summaries", "--style", "headline", str(docs))
    err = done.stderr.decode("utf-8")
    assert done.returncode == 1, err  # as every bad line of a summaries file: the problem, then the error
    assert err.splitlines() == [
        "docs.jsonl:1: 'id' contains the character \\ud800 at offset 3 (control characters other than newline "
        "and tab, and lone surrogates, are not allowed)",
        "error: nothing imported: docs.jsonl:1: 'id' contains the character \\ud800 at offset 3 (control "
        "characters other than newline and tab, and lone surrogates, are not allowed)"]
    assert snapshot(gold) == before


def test_undecodable_command_line_bytes_are_one_line_errors(tmp_path):
    gold = make_gold(tmp_path)
    before = snapshot(gold)
    text = tmp_path / "a.txt"
    text.write_text("Officials met on Monday.\n")
    squad = _squad(tmp_path / "s.json")
    err = _one_line_exit_2(_harness("gold", "import", "--gold", str(gold), "--format", "squad", str(squad),
                                    "--license", b"\xff"))
    assert "--license" in err and "\\udcff" in err
    err = _one_line_exit_2(_harness("gold", "add-article", "--gold", str(gold), "new-one", "--text", str(text),
                                    "--title", b"caf\xe9"))
    assert "--title" in err and "\\udce9" in err
    assert snapshot(gold) == before


def test_the_lone_surrogate_rule_is_written_once():
    """One helper (harness.errors) decides what is not text; no module keeps a copy of the rule."""
    copies = [path.relative_to(REPO).as_posix() for path in (REPO / "harness").rglob("*.py")
              if "\\ud800-\\udfff]" in path.read_text(encoding="utf-8") and path.name != "errors.py"]
    assert copies == []
