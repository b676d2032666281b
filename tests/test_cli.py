"""The command line as users meet it: output text and exit codes, in a real subprocess."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from support.gold_files import ARTICLE_ID, make_gold as build_gold

REPO = Path(__file__).resolve().parents[1]


def harness(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "harness.cli", *map(str, args)], cwd=cwd,
                          capture_output=True, text=True, timeout=300)


def test_shipped_gold_validates_with_counts():
    done = harness("gold", "validate")
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.startswith("ok: 20 articles, ") and "QA items" in done.stdout


def test_invalid_gold_lists_every_problem_and_exits_1(tmp_path):
    gold = build_gold(tmp_path)
    qa = gold / ARTICLE_ID / "qa.jsonl"
    qa.write_text(qa.read_text() + "{not json\n" + '{"id": "x"}\n')
    done = harness("gold", "validate", "--gold", gold)
    assert done.returncode == 1
    lines = done.stdout.splitlines()
    assert any(":5: " in line and "JSON" in line for line in lines)
    assert any(":6: " in line and "missing field 'question'" in line for line in lines)
    assert lines[-1].endswith(f"problems in {gold}")


def test_add_qa_dry_run_then_real_add(tmp_path):
    gold = build_gold(tmp_path)
    args = ["gold", "add-qa", "--gold", gold, "--article", ARTICLE_ID, "--question", "How long will the summit last?",
            "--answer", "three days", "--evidence", "expected to last three days", "--type", "duration"]
    before = (gold / ARTICLE_ID / "qa.jsonl").read_bytes()
    done = harness(*args, "--dry-run")
    assert done.returncode == 0 and done.stdout.startswith('would add: {"id": "test-article-q005"')
    assert (gold / ARTICLE_ID / "qa.jsonl").read_bytes() == before
    done = harness(*args)
    assert done.returncode == 0 and done.stdout.startswith('added: {"id": "test-article-q005"')
    assert (gold / ARTICLE_ID / "qa.jsonl").read_bytes().startswith(before)


def test_rejected_add_exits_1_and_writes_nothing(tmp_path):
    gold = build_gold(tmp_path)
    before = (gold / ARTICLE_ID / "qa.jsonl").read_bytes()
    done = harness("gold", "add-qa", "--gold", gold, "--article", ARTICLE_ID, "--question", "Which body organized the summit",
                   "--answer", "Harbor Council", "--evidence", "organized by the Harbor Council", "--type", "organization")
    assert done.returncode == 1
    assert "duplicate" in done.stderr and "Traceback" not in done.stderr
    assert (gold / ARTICLE_ID / "qa.jsonl").read_bytes() == before


def test_bad_usage_and_unreadable_input_exit_2_without_traceback(tmp_path):
    for args in (["run", tmp_path / "missing.yaml"], ["gold", "stats", "--gold", tmp_path / "nope"],
                 ["compare", tmp_path / "a.json", tmp_path / "b.json"], ["run"]):
        done = harness(*args)
        assert done.returncode == 2, (args, done.stderr)
        assert "Traceback" not in done.stderr and done.stderr.strip()
