"""A gold import killed at any point (SIGKILL, SIGTERM) leaves the gold set as it was or fully
imported, as the next command sees it, and that command leaves no staging directory behind
(issue 23, item 1). The imports are real `harness gold import` subprocesses."""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from support.gold_files import ARTICLE_TEXT, make_gold, snapshot

REPO = Path(__file__).resolve().parents[2]
ARTICLES = 60

# Runs `harness gold import` with os.rename or os.fsync sending a signal to the process itself
# at its N-th call: a kill at an exact point of the commit.
_KILLER = """
import os, signal, sys
from harness.cli import main
call, signame, at = sys.argv[1], sys.argv[2], int(sys.argv[3])
real = getattr(os, call)
count = [0]
def counted(*args, **kwargs):
    count[0] += 1
    if count[0] == at:
        os.kill(os.getpid(), getattr(signal, signame))
    return real(*args, **kwargs)
setattr(os, call, counted)
sys.exit(main(sys.argv[4:]))
"""


def _squad(path: Path, articles: int) -> Path:
    data = []
    for n in range(articles):
        context = f"Paragraph {n} says the city has {n} bridges."
        answer = {"text": str(n), "answer_start": context.rindex(f"{n} bridges")}
        data.append({"title": f"Title {n}", "paragraphs": [{"context": context, "qas": [
            {"id": f"q{n}", "question": "How many bridges?", "answers": [answer]}]}]})
    path.write_text(json.dumps({"version": "v2.0", "data": data}))
    return path


@pytest.fixture(scope="module")
def states(tmp_path_factory):
    """(squad file, the gold set before, the gold set after an uninterrupted import)."""
    base = tmp_path_factory.mktemp("atomic")
    squad = _squad(base / "big.json", ARTICLES)
    gold = make_gold(base / "before")
    before = snapshot(gold)
    done = _harness("gold", "import", "--gold", gold, "--format", "squad", squad)
    assert done.returncode == 0, done.stderr
    return squad, before, snapshot(gold)


def _harness(*args, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "harness.cli", *map(str, args)], capture_output=True,
                          text=True, cwd=REPO, **kwargs)


def _check_settled(gold: Path, before: dict, after: dict) -> None:
    """Run the next command (validate); the gold set must then be exactly the old or the new one."""
    done = _harness("gold", "validate", "--gold", gold)
    assert done.returncode == 0, done.stdout + done.stderr
    now = snapshot(gold)
    hidden = [name for name in os.listdir(gold) if name.startswith(".")]
    assert hidden == [], f"left behind: {hidden}"
    new_files = len(set(now) - set(before))
    assert now in (before, after), f"half imported: {new_files} new files of {len(after) - len(before)}"


def _fresh(tmp_path: Path, name: str) -> Path:
    return make_gold(tmp_path / name)


# Staging syncs each new file and directory (about 300 fsyncs here), then the marker; then one
# rename an article: the first rename is the moment just after the commit point.
@pytest.mark.parametrize("signame,call,at", [
    ("SIGKILL", "fsync", 3), ("SIGKILL", "fsync", 200), ("SIGKILL", "rename", 1), ("SIGKILL", "rename", ARTICLES // 2),
    ("SIGTERM", "fsync", 100), ("SIGTERM", "rename", ARTICLES // 2)])
def test_a_kill_at_an_exact_point_leaves_the_old_set_or_the_new_one(states, tmp_path, signame, call, at):
    squad, before, after = states
    gold = _fresh(tmp_path, f"{signame}-{call}-{at}")
    done = subprocess.run([sys.executable, "-c", _KILLER, call, signame, str(at), "gold", "import", "--gold",
                           str(gold), "--format", "squad", str(squad)], capture_output=True, text=True, cwd=REPO)
    if signame == "SIGTERM":
        assert done.returncode == 143 and done.stderr == "terminated\n", done.stderr
    else:
        assert done.returncode == -9
    _check_settled(gold, before, after)


@pytest.mark.slow
def test_a_kill_at_random_moments_of_a_real_import_leaves_the_old_set_or_the_new_one(states, tmp_path):
    squad, before, after = states
    started = time.monotonic()
    _harness("gold", "import", "--gold", _fresh(tmp_path, "timing"), "--format", "squad", squad)
    duration = time.monotonic() - started
    rng = random.Random(23)
    killed = 0
    for n in range(4):
        gold = _fresh(tmp_path, f"random-{n}")
        process = subprocess.Popen([sys.executable, "-m", "harness.cli", "gold", "import", "--gold", str(gold),
                                    "--format", "squad", str(squad)], cwd=REPO, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.PIPE)
        time.sleep(rng.uniform(0.3, 0.9) * duration)
        killed += process.poll() is None
        process.send_signal(signal.SIGKILL if n % 2 else signal.SIGTERM)
        process.communicate()
        _check_settled(gold, before, after)
    assert killed >= 1  # at least one signal came while the import ran


def test_a_staging_directory_without_the_marker_is_removed_by_the_next_command(tmp_path):
    gold = make_gold(tmp_path)
    before = snapshot(gold)
    stale = gold / ".harness-new-x1" / "new" / "orphan"
    stale.mkdir(parents=True)
    (stale / "article.txt").write_text("Half written.\n")
    done = _harness("gold", "stats", "--gold", gold)
    assert done.returncode == 0, done.stderr
    assert snapshot(gold) == before and not (gold / ".harness-new-x1").exists()
    assert "orphan" not in done.stdout


def test_a_committed_staging_directory_is_finished_by_the_next_command(tmp_path):
    """What a killed command left after its commit point: a new article still staged and a
    changed file not yet moved; the next command moves both."""
    gold = make_gold(tmp_path)
    new = make_gold(tmp_path / "other", article_id="second-article", qa=[], summaries=[],
                    article=ARTICLE_TEXT.replace("Tokyo", "Osaka"))
    staging = gold / ".harness-new-x2"
    (staging / "new").mkdir(parents=True)
    shutil.copytree(new / "second-article", staging / "new" / "second-article")
    (staging / "changed" / "test-article").mkdir(parents=True)
    summaries = (gold / "test-article" / "summaries.jsonl").read_text().splitlines(keepends=True)
    (staging / "changed" / "test-article" / "summaries.jsonl").write_text("".join(summaries[:2]))
    (staging / "COMMITTED").write_bytes(b"")
    done = _harness("gold", "validate", "--gold", gold)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout == "ok: 2 articles, 4 QA items, 2 summaries\n"
    assert sorted(os.listdir(gold)) == ["second-article", "test-article"]
