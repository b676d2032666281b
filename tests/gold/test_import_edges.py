"""Smaller faults of the gold commands (issue 23, item 13): titles that slug alike, --dry-run
into a gold directory that does not exist yet, a refused import leaving directories, and
`gold stats | head` (a reader that closes the pipe)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from harness.errors import HarnessError
from harness.gold import import_dataset
from support.gold_files import make_gold

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)


def _squad(path: Path, titles: list[str], context: str = "Ada spoke first on Monday.") -> Path:
    path.write_text(json.dumps({"version": "v2.0", "data": [
        {"title": title, "paragraphs": [{"context": f"{context} ({n})", "qas": [
            {"id": f"q{n}", "question": "Who spoke?", "answers": [{"text": "Ada", "answer_start": 0}]}]}]}
        for n, title in enumerate(titles)]}))
    return path


def test_titles_a_a_and_a_2_each_get_an_id(tmp_path):
    done = import_dataset(tmp_path / "gold", _squad(tmp_path / "s.json", ["a", "a", "a-2"]), "squad")
    assert done.articles == ["squad-a-p000", "squad-a-2-p000", "squad-a-2-2-p000"]


def test_dry_run_into_a_new_gold_directory_checks_and_writes_nothing(tmp_path):
    squad = _squad(tmp_path / "s.json", ["Normans", "Vikings"])
    gold = tmp_path / "new" / "gold"
    dry = import_dataset(gold, squad, "squad", dry_run=True)
    assert not (tmp_path / "new").exists()
    real = import_dataset(gold, squad, "squad")
    assert dry == real


def test_dry_run_into_a_new_gold_directory_refuses_what_the_import_refuses(tmp_path):
    squad = _squad(tmp_path / "s.json", ["Normans", "Normans again"], context="Ada spoke.")
    squad.write_text(squad.read_text().replace(" (0)", "").replace(" (1)", ""))
    with pytest.raises(HarnessError, match="is the same text as that of"):
        import_dataset(tmp_path / "new" / "gold", squad, "squad", dry_run=True)
    assert not (tmp_path / "new").exists()


def test_a_refused_import_leaves_no_directory_behind(tmp_path):
    squad = _squad(tmp_path / "s.json", ["Normans", "Normans again"], context="Ada spoke.")
    squad.write_text(squad.read_text().replace(" (0)", "").replace(" (1)", ""))
    with pytest.raises(HarnessError):
        import_dataset(tmp_path / "new" / "gold", squad, "squad")
    assert list(tmp_path.iterdir()) == [squad]


@pytest.mark.parametrize("command", ["stats", "review", "validate"])
def test_a_reader_that_closes_the_pipe_early_is_no_internal_error(tmp_path, command):
    gold = make_gold(tmp_path)
    process = subprocess.Popen([sys.executable, "-m", "harness.cli", "gold", command, "--gold", str(gold)],
                               cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    process.stdout.close()  # as `| head` does once it has its lines
    stderr = process.stderr.read().decode()
    assert process.wait() == 141 and stderr == ""
