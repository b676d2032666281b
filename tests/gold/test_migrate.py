"""`harness gold migrate` on the gold set as it shipped in the v1 format (tests/data/gold-v1)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from harness.gold import GoldInvalid, load_gold, migrate_gold, validate_gold
from harness.gold._migrate import migrate_type
from support.gold_files import snapshot

REPO = Path(__file__).resolve().parents[2]
V1 = REPO / "tests" / "data" / "gold-v1"
ARTICLE = "kim-putin-talks"


@pytest.fixture
def old_gold(tmp_path, monkeypatch) -> Path:
    monkeypatch.chdir(tmp_path)
    shutil.copytree(V1, tmp_path / "gold")
    return tmp_path / "gold"


def v1_records(name: str) -> list[dict]:
    return [json.loads(line) for line in (V1 / ARTICLE / name).read_text().splitlines()]


def test_the_old_shipped_gold_migrates_to_a_valid_v2_set(old_gold):
    assert len(validate_gold(old_gold)) == 3  # one "old gold format" problem per file
    before = snapshot(old_gold)
    assert [m.path for m in migrate_gold(old_gold, dry_run=True)] == [
        f"gold/{ARTICLE}/meta.json", f"gold/{ARTICLE}/qa.jsonl", f"gold/{ARTICLE}/summaries.jsonl"]
    assert snapshot(old_gold) == before
    report = migrate_gold(old_gold)
    assert validate_gold(old_gold) == []
    assert {m.path.rsplit("/", 1)[1]: m.records for m in report} == {"meta.json": 1, "qa.jsonl": 71,
                                                                     "summaries.jsonl": 13}
    gold = load_gold(old_gold)
    for old, new in zip(v1_records("qa.jsonl"), gold.qa, strict=True):
        assert (new.id, new.question, new.reasoning) == (old["id"], old["question"], "lookup")
        assert new.evidence == ((old["evidence"],) if old["evidence"] else ())
        assert new.type == migrate_type(old["type"], old["answers"][0] if old["answers"] else "")
        assert new.answers[0] == old["answers"][0] if old["answers"] else new.answers == ()
        assert set(new.answers) <= set(old["answers"])
    assert [s.source for s in gold.summaries].count("source-headline") == 1
    assert gold.summaries[0].text == gold.articles[ARTICLE].meta["title"]
    meta = gold.articles[ARTICLE].meta
    assert meta["date"] is None and "04/23 06:41" in meta["origin"] and meta["truncated"] == []


def test_migration_notes_and_a_second_run_changes_nothing(old_gold):
    notes = {m.path.rsplit("/", 1)[1]: dict(m.notes) for m in migrate_gold(old_gold)}
    assert notes["qa.jsonl"] == {"type other -> description": 16, "type number -> count": 3,
                                 "type number -> money": 1, "type quantity -> count": 3, "type quantity -> money": 1}
    assert notes["summaries.jsonl"] == {"source source-headline": 1, "source written": 12}
    after = snapshot(old_gold)
    assert migrate_gold(old_gold) == [] and snapshot(old_gold) == after


@pytest.mark.parametrize("old, answer, new", [
    ("other", "unclear", "description"), ("number", "four", "count"), ("quantity", "more than 10,000", "count"),
    ("number", "$1 billion", "money"), ("quantity", "hundreds of millions of dollars", "money"),
    ("quantity", "more than 2,000 tons", "quantity"), ("number", "15%", "quantity"),
    ("quantity", "nearly 18 months", "duration"), ("date", "2011", "date"), ("person", "Putin", "person"),
])
def test_migrate_type(old, answer, new):
    assert migrate_type(old, answer) == new


def test_aliases_that_normalize_alike_are_dropped(old_gold):
    qa = old_gold / ARTICLE / "qa.jsonl"
    record = v1_records("qa.jsonl")[3]
    record["answers"] = [record["answers"][0], "the " + record["answers"][0] + "."]
    lines = qa.read_text().splitlines()
    qa.write_text("\n".join([*lines[:3], json.dumps(record), *lines[4:]]) + "\n")
    (report,) = [m for m in migrate_gold(old_gold) if m.path.endswith("qa.jsonl")]
    assert report.notes["alias dropped (same as an earlier answer after normalization)"] == 1
    assert load_gold(old_gold).qa[3].answers == (record["answers"][0],)


def test_a_migration_that_breaks_a_v2_rule_writes_nothing(old_gold):
    summaries = old_gold / ARTICLE / "summaries.jsonl"
    article = (old_gold / ARTICLE / "article.txt").read_text()
    copied = {"id": f"{ARTICLE}-s014", "style": "one_sentence", "text": article.split("\n")[0]}
    summaries.write_text(summaries.read_text() + json.dumps(copied) + "\n")
    before = snapshot(old_gold)
    with pytest.raises(GoldInvalid) as caught:
        migrate_gold(old_gold)
    assert caught.value.message.startswith(f"not migrated, gold files unchanged: gold/{ARTICLE}/summaries.jsonl:14: "
                                           "a line of this written reference is a near-paraphrase")
    assert snapshot(old_gold) == before


def test_cli_migrate(old_gold):
    run = [sys.executable, "-m", "harness.cli", "gold", "migrate", "--gold", old_gold]
    done = subprocess.run([*run, "--dry-run"], capture_output=True, text=True, cwd=REPO)
    assert done.returncode == 0 and done.stdout.startswith(f"would migrate {old_gold}/{ARTICLE}/meta.json: 1 record")
    done = subprocess.run(run, capture_output=True, text=True, cwd=REPO)
    assert done.returncode == 0 and f"migrated {old_gold}/{ARTICLE}/qa.jsonl: 71 records (" in done.stdout
    done = subprocess.run(run, capture_output=True, text=True, cwd=REPO)
    assert done.stdout == f"nothing to migrate: {old_gold} is already in the v2 format\n"
