"""`harness gold import --format hf`: datasets the tests build and save (save_to_disk, parquet,
JSON Lines), summaries and SQuAD-shaped QA columns, hostile inputs, and the hub path offline."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from harness.gold import load_gold, validate_gold
from support.hostile import assert_no_crash, assert_one_line, run_cli

datasets = pytest.importorskip("datasets")

REPO = Path(__file__).resolve().parents[2]
ROWS = [json.loads(line) for line in (REPO / "tests" / "data" / "cnndm-summeval-3.jsonl").read_text(
    encoding="utf-8").splitlines()]
CNNDM = {"id": [r["id"] for r in ROWS], "article": [r["article"] for r in ROWS],
         "highlights": [r["highlights"] for r in ROWS], "crowd": [r["crowd_references"] for r in ROWS]}
CONTEXT = "The Normans were the people who in the 10th and 11th centuries gave their name to Normandy, a region in France."
SQUAD = {"id": ["q1", "q2", "q3"], "title": ["Normans"] * 3, "context": [CONTEXT] * 3,
         "question": ["In what country is Normandy located?", "When did the Normans name Normandy?",
                      "Who ruled Normandy in 1500?"],
         "answers": [{"text": ["France", "France"], "answer_start": [CONTEXT.index("France")] * 2},
                     {"text": ["in the 10th and 11th centuries"], "answer_start": [CONTEXT.index("in the 10th")]},
                     {"text": [], "answer_start": []}]}


@pytest.fixture(autouse=True)
def _offline(monkeypatch, tmp_path):
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf-home"))


def _import(capsys, gold: Path, source, *args) -> tuple[int, str, str]:
    return run_cli(capsys, ["gold", "import", "--gold", gold, "--format", "hf", source, *args])


def _saved(tmp_path: Path, columns: dict, kind: str) -> dict[str, Path]:
    """The same dataset saved three ways: save_to_disk, parquet, JSON Lines."""
    dataset = datasets.Dataset.from_dict(columns)
    paths = {"saved": tmp_path / f"{kind}-saved", "parquet": tmp_path / f"{kind}.parquet",
             "json": tmp_path / f"{kind}.jsonl"}
    dataset.save_to_disk(str(paths["saved"]))
    dataset.to_parquet(str(paths["parquet"]))
    dataset.to_json(str(paths["json"]))
    return paths


@pytest.mark.parametrize("how", ["saved", "parquet", "json"])
def test_a_summaries_dataset_saved_any_way_imports_the_same_articles(capsys, tmp_path, how):
    source = _saved(tmp_path, CNNDM, "cnndm")[how]
    gold = tmp_path / f"gold-{how}"
    code, out, err = _import(capsys, gold, source, "--columns", "references=highlights+crowd", "--style", "short",
                             "--license", "research use")
    assert (code, err) == (0, ""), err
    assert out.strip() == "imported: 3 articles, 0 QA items (0 unanswerable), 33 summaries"
    assert validate_gold(gold) == []
    loaded = load_gold(gold)
    assert list(loaded.articles) == CNNDM["id"]
    assert loaded.articles[CNNDM["id"][0]].meta["license"] == "research use"
    refs = [s.text for s in loaded.summaries if s.article_id == CNNDM["id"][0]]
    assert len(refs) == 11 and refs[0].startswith("V. Stiviano must pay back $2.6 million")


@pytest.mark.parametrize("how", ["saved", "parquet", "json"])
def test_a_squad_shaped_dataset_becomes_qa_items(capsys, tmp_path, how):
    source = _saved(tmp_path, SQUAD, "squad")[how]
    gold = tmp_path / "gold"
    code, out, err = _import(capsys, gold, source, "--license", "CC BY-SA 4.0")
    assert (code, err) == (0, ""), err
    assert out.strip() == "imported: 1 articles, 3 QA items (1 unanswerable), 0 summaries"
    assert validate_gold(gold) == []
    loaded = load_gold(gold)
    (article,) = loaded.articles.values()
    assert article.id == "squad-normans-p000" and article.meta["title"] == "Normans"
    assert [(q.source_id, list(q.answers)) for q in loaded.qa] == [
        ("q1", ["France"]), ("q2", ["in the 10th and 11th centuries"]), ("q3", [])]
    assert list(loaded.qa[0].evidence) == [CONTEXT]


def test_qa_answers_as_a_list_of_strings_are_located_in_the_context(capsys, tmp_path):
    path = tmp_path / "qa.jsonl"
    rows = [{"passage": CONTEXT, "query": "Where is Normandy?", "gold": ["France", "in France"]},
            {"passage": CONTEXT, "query": "Who ruled it in 1500?", "gold": []}]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    code, out, err = _import(capsys, tmp_path / "gold", path, "--columns", "article=passage,question=query,answers=gold")
    assert (code, err) == (0, ""), err
    loaded = load_gold(tmp_path / "gold")
    assert [(q.source_id, list(q.answers), q.type) for q in loaded.qa] == [
        ("row-1", ["France", "in France"], "unlabeled"), ("row-2", [], "unanswerable")]
    assert list(loaded.articles.values())[0].meta["title"] == "qa.jsonl"


def test_a_dataset_dict_needs_a_split_when_it_has_several(capsys, tmp_path):
    whole = datasets.DatasetDict({"train": datasets.Dataset.from_dict(SQUAD),
                                  "test": datasets.Dataset.from_dict(SQUAD)})
    whole.save_to_disk(str(tmp_path / "dict"))
    code, _, err = _import(capsys, tmp_path / "gold", tmp_path / "dict")
    assert (code, err.strip()) == (2, f"error: nothing imported: {tmp_path / 'dict'} needs --split (splits: train, test)")
    code, _, err = _import(capsys, tmp_path / "gold", tmp_path / "dict", "--split", "dev")
    assert code == 2 and "has no split 'dev' (splits: train, test)" in err
    code, out, err = _import(capsys, tmp_path / "gold", tmp_path / "dict", "--split", "test")
    assert (code, err) == (0, "") and "3 QA items" in out


def test_the_hub_path_offline_is_one_line_exit_2(capsys, tmp_path):
    code, out, err = _import(capsys, tmp_path / "gold", "no-such-owner/no-such-dataset", "--split", "test")
    assert code == 2 and out == ""
    assert_no_crash(out, err)
    assert_one_line(err.strip())
    assert err.startswith("error: cannot load the dataset 'no-such-owner/no-such-dataset' from the Hugging Face hub")
    assert not (tmp_path / "gold").exists()


def test_a_local_path_that_does_not_exist_is_not_looked_up_on_the_hub(capsys, tmp_path):
    missing = tmp_path / "nothing.parquet"
    code, _, err = _import(capsys, tmp_path / "gold", missing)
    assert (code, err.strip()) == (2, f"error: cannot read the dataset {missing}: no such file or directory")


@pytest.mark.parametrize("columns, change, expected", [
    ({**CNNDM, "highlights": [1, 2, 3]}, "references=highlights", "row 0: column 'highlights' must be a string or "
     "a non-empty list of strings, got a number"),
    ({**CNNDM, "crowd": [["a", ""]] * 3}, "references=crowd", "row 0: column 'crowd'[1] must be a non-empty "
     "string, got an empty string"),
    (CNNDM, "article=body,references=highlights", "row 0: no column 'body' (the article; columns: id, article, "
     "highlights, crowd)"),
    ({**SQUAD, "answers": [{"text": ["Paris"], "answer_start": [0]}] * 3}, "", "row 0: column 'answers': the "
     "context does not read 'Paris' at offset 0"),
    ({**SQUAD, "question": [None] * 3}, "", "row 0: column 'question' (the question) must be a non-empty string, "
     "got null"),
])
def test_hostile_rows_are_one_error_naming_the_row(capsys, tmp_path, columns, change, expected):
    source = _saved(tmp_path, columns, "bad")["parquet"]
    args = ["--columns", change, "--style", "short"] if change else []
    code, out, err = _import(capsys, tmp_path / "gold", source, *args)
    assert code == 2
    assert_no_crash(out, err)
    assert_one_line(err.strip())
    assert err.strip().startswith(f"error: nothing imported: {source}: {expected}"), err
    assert not (tmp_path / "gold").exists()


def test_a_file_that_is_not_parquet_is_one_error(capsys, tmp_path):
    source = tmp_path / "broken.parquet"
    source.write_bytes(b"not parquet at all")
    code, _, err = _import(capsys, tmp_path / "gold", source, "--style", "short")
    assert code == 2 and err.startswith(f"error: nothing imported: {source}: not a parquet file that can be read")
    assert_one_line(err.strip())


def test_style_does_not_apply_to_a_qa_dataset(capsys, tmp_path):
    source = _saved(tmp_path, SQUAD, "squad")["saved"]
    code, _, err = _import(capsys, tmp_path / "gold", source, "--style", "short")
    assert (code, err.strip()) == (2, "error: --style does not apply to a QA dataset (question/answers columns)")


def test_a_dataset_without_rows_is_one_error(capsys, tmp_path):
    empty = datasets.Dataset.from_dict({"id": [], "article": [], "references": []})
    empty.to_parquet(str(tmp_path / "empty.parquet"))
    code, _, err = _import(capsys, tmp_path / "gold", tmp_path / "empty.parquet", "--style", "short")
    assert (code, err.strip()) == (2, f"error: nothing imported: {tmp_path / 'empty.parquet'}: the dataset has no rows")
    empty.save_to_disk(str(tmp_path / "empty"))  # datasets itself cannot load an empty saved dataset
    code, out, err = _import(capsys, tmp_path / "gold", tmp_path / "empty", "--style", "short")
    assert code == 2 and err.startswith(f"error: cannot read the saved dataset {tmp_path / 'empty'}: ")
    assert_no_crash(out, err)
    assert_one_line(err.strip())
