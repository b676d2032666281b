"""SQuAD JSON in and out: the real five-article SQuAD 2.0 sample imports into a fresh gold set
that validates, export writes SQuAD v2.0, import -> export -> import is lossless, and a malformed
file is a one-line error naming the JSON path, with nothing written."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from harness.errors import HarnessError
from harness.gold import ImportOptions, export_squad, import_dataset, load_gold, validate_gold
from harness.text import normalize_answer
from support.gold_files import make_gold, snapshot

REPO = Path(__file__).resolve().parents[2]
SQUAD = REPO / "tests" / "data" / "squad-v2-dev-5-articles.json"  # CC BY-SA 4.0, see tests/data/README.md
OPTIONS = ImportOptions(source="SQuAD 2.0 (Rajpurkar, Jia and Liang, 2018)", license="CC BY-SA 4.0")


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # file names are shown relative to the current directory


@pytest.fixture(scope="module")
def imported(tmp_path_factory) -> Path:
    gold = tmp_path_factory.mktemp("squad") / "gold"
    gold.mkdir()
    done = import_dataset(gold, SQUAD, "squad", OPTIONS)
    assert len(done.articles) == 173 and len(done.records) == 1407
    return gold


def test_the_sample_imports_and_validates(imported):
    assert validate_gold(imported) == []
    gold = load_gold(imported)
    source = json.loads(SQUAD.read_text())
    assert len(gold.articles) == 173 and len(gold.qa) == 1407
    assert sum(not q.answers for q in gold.qa) == 702
    assert gold.articles["squad-normans-p000"].meta["title"] == "Normans"
    assert "squad-sky-united-kingdom-p000" in gold.articles and "squad-victoria-australia-p000" in gold.articles
    assert {a.meta["license"] for a in gold.articles.values()} == {"CC BY-SA 4.0"}
    by_source = {q.source_id: q for q in gold.qa}
    for entry in source["data"]:
        for paragraph in entry["paragraphs"]:
            for qa in paragraph["qas"]:
                _check_item(by_source[qa["id"]], qa, paragraph["context"])


def _check_item(item, qa: dict, context: str) -> None:
    assert item.question == qa["question"]
    if qa["is_impossible"]:
        assert (item.type, item.answers, item.evidence) == ("unanswerable", (), ())
        assert set(item.plausible_answers) == {a["text"] for a in qa["plausible_answers"]}
        return
    crowd = [a["text"] for a in qa["answers"]]
    assert item.answers[0] == crowd[0] and set(item.answers) <= set(crowd)
    assert {normalize_answer(a) for a in item.answers} == {normalize_answer(a) for a in crowd}
    assert len({normalize_answer(a) for a in item.answers}) == len(item.answers)
    assert (item.type, item.reasoning) == ("unlabeled", "unlabeled")
    assert item.evidence[0] in context and crowd[0] in item.evidence[0]


def test_import_export_import_is_lossless(imported, tmp_path):
    exported = export_squad(load_gold(imported))
    assert exported["version"] == "v2.0" and len(exported["data"]) == 5
    path = tmp_path / "exported.json"
    path.write_text(json.dumps(exported))
    again = tmp_path / "again"
    again.mkdir()
    import_dataset(again, path, "squad", OPTIONS)
    assert snapshot(again) == snapshot(imported)
    assert export_squad(load_gold(again)) == exported


def test_the_export_is_squad_v2(imported):
    exported = export_squad(load_gold(imported))
    original = json.loads(SQUAD.read_text())
    assert [e["title"] for e in exported["data"]] == sorted(e["title"] for e in original["data"])
    for entry in exported["data"]:
        for paragraph in entry["paragraphs"]:
            for qa in paragraph["qas"]:
                assert set(qa) >= {"id", "question", "answers", "is_impossible"}
                assert qa["is_impossible"] == (not qa["answers"])
                for answer in qa["answers"] + qa.get("plausible_answers", []):
                    start = answer["answer_start"]
                    assert paragraph["context"][start: start + len(answer["text"])] == answer["text"]


def test_export_of_authored_gold_marks_answers_the_context_lacks(tmp_path):
    exported = export_squad(load_gold(make_gold(tmp_path)))
    (entry,) = exported["data"]
    qas = entry["paragraphs"][0]["qas"]
    assert entry["title"] == "Norland joins summit" and qas[0]["id"] == "test-article-q001"
    assert qas[0]["answers"] == [{"text": "12", "answer_start": 39}, {"text": "twelve", "answer_start": -1}]
    assert qas[3]["is_impossible"] and qas[3]["plausible_answers"][0]["text"] == "Ada Lind"


def squad_file(tmp_path, qas: list, context: str = "The Normans lived in Normandy, a region in France.") -> Path:
    path = tmp_path / "tiny.json"
    path.write_text(json.dumps({"version": "v2.0", "data": [
        {"title": "Normans", "paragraphs": [{"context": context, "qas": qas}]}]}))
    return path


def qa(qid: str = "a1", text: str = "France", start: int = 43, **changes) -> dict:
    return {"question": "Where is Normandy?", "id": qid, "answers": [{"text": text, "answer_start": start}],
            "is_impossible": False, **changes}


@pytest.mark.parametrize("content, expected", [
    ("{", "tiny.json: not JSON: Expecting property name enclosed in double quotes (column 2)"),
    ('{"data": {}}', "tiny.json: data: must be a list, got {}"),
    (None, "tiny.json: data[0].paragraphs[0].qas[0].answers[0].answer_start: must be a whole number, got \"x\""),
])
def test_malformed_files_name_the_json_path(tmp_path, content, expected):
    path = squad_file(tmp_path, [qa(start="x")])
    if content is not None:
        path.write_text(content)
    gold = make_gold(tmp_path)
    before = snapshot(gold)
    with pytest.raises(HarnessError) as caught:
        import_dataset(gold, path, "squad")
    assert caught.value.exit_code == 2 and caught.value.message == f"nothing imported: {expected}"
    assert snapshot(gold) == before


@pytest.mark.parametrize("qas, expected", [
    ([qa(start=5)], "data[0].paragraphs[0].qas[0].answers[0].answer_start: the context does not read 'France' at offset 5"),
    ([qa(start=-2)], "data[0].paragraphs[0].qas[0].answers[0].answer_start: must be a whole number >= 0 "
                     "(or -1: not a span), got -2"),
    ([qa(start=-1)], "data[0].paragraphs[0].qas[0].answers[0].answer_start: -1, but the first (canonical) answer "
                     "must be a span of the context unless the question carries its 'harness' labels"),
    ([qa(), qa()], "data[0].paragraphs[0].qas[1].id: 'a1' is also the id of data[0].paragraphs[0].qas[0]"),
    ([{k: v for k, v in qa().items() if k != "question"}], "data[0].paragraphs[0].qas[0].question: missing"),
    ([qa(is_impossible="no")], "data[0].paragraphs[0].qas[0].is_impossible: must be true or false"),
])
def test_malformed_questions(tmp_path, qas, expected):
    with pytest.raises(HarnessError) as caught:
        import_dataset(make_gold(tmp_path), squad_file(tmp_path, qas), "squad")
    assert caught.value.message.startswith(f"nothing imported: tiny.json: {expected}")


def test_v1_1_files_leading_whitespace_and_existing_articles(tmp_path):
    v11 = {"question": "Where is Normandy?", "id": "b1", "answers": [{"text": "France", "answer_start": 45},
                                                                     {"text": "in France", "answer_start": 42}]}
    path = squad_file(tmp_path, [v11], context="  The Normans lived in Normandy, a region in France.\n")
    gold = make_gold(tmp_path)
    done = import_dataset(gold, path, "squad")
    assert done.articles == ["squad-normans-p000"] and done.records[0]["answers"] == ["France", "in France"]
    assert (gold / "squad-normans-p000" / "article.txt").read_text() == "The Normans lived in Normandy, a region in France.\n"
    assert done.records[0]["evidence"] == ["The Normans lived in Normandy, a region in France."]
    before = snapshot(gold)
    with pytest.raises(HarnessError, match="article 'squad-normans-p000' already exists"):
        import_dataset(gold, path, "squad")
    assert snapshot(gold) == before


def test_cli_import_export(tmp_path):
    gold = tmp_path / "gold"
    gold.mkdir()
    path = squad_file(tmp_path, [qa(), qa("a2", is_impossible=True, answers=[],
                                         plausible_answers=[{"text": "Normandy", "answer_start": 21}])])
    run = [sys.executable, "-m", "harness.cli", "gold"]
    done = subprocess.run([*run, "import", "--gold", gold, "--format", "squad", path, "--license", "CC BY-SA 4.0"],
                          capture_output=True, text=True, cwd=REPO)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "imported: 1 articles, 2 QA items (1 unanswerable), 0 summaries\n"
    out = tmp_path / "out.json"
    done = subprocess.run([*run, "export", "--gold", gold, "--format", "squad", "--output", out],
                          capture_output=True, text=True, cwd=REPO)
    assert done.returncode == 0 and "2 questions from 1 articles" in done.stdout
    assert json.loads(out.read_text())["data"][0]["paragraphs"][0]["qas"][1]["plausible_answers"] == [
        {"text": "Normandy", "answer_start": 21}]
    shutil.rmtree(gold)
