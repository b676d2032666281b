"""`harness gold import --format summaries --columns ...` and `--format xsum` on real slices of
the CNN/DailyMail (SummEval) and XSum exports (tests/data/README.md), and on hostile inputs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from harness.gold import load_gold, validate_gold
from harness.gold._mapped import xsum_reference
from support.hostile import assert_no_crash, assert_one_line, run_cli

REPO = Path(__file__).resolve().parents[2]
CNNDM = REPO / "tests" / "data" / "cnndm-summeval-3.jsonl"
XSUM = REPO / "tests" / "data" / "xsum-test-3.jsonl"
CNNDM_COLUMNS = "references=highlights+crowd_references"


def _import(capsys, gold: Path, *args) -> tuple[int, str, str]:
    return run_cli(capsys, ["gold", "import", "--gold", gold, *args])


def test_cnndm_slice_gets_the_highlights_and_ten_crowd_references_as_short_references(capsys, tmp_path):
    gold = tmp_path / "gold-cnndm"
    code, out, err = _import(capsys, gold, "--format", "summaries", "--columns", CNNDM_COLUMNS, "--style", "short",
                             "--source", "CNN/DailyMail", "--license", "research use", CNNDM)
    assert (code, err) == (0, ""), err
    assert out.strip() == "imported: 3 articles, 0 QA items (0 unanswerable), 33 summaries"
    assert validate_gold(gold) == []
    loaded = load_gold(gold)
    rows = [json.loads(line) for line in CNNDM.read_text(encoding="utf-8").splitlines()]
    assert list(loaded.articles) == [row["id"] for row in rows]
    first = [s for s in loaded.summaries if s.article_id == rows[0]["id"]]
    assert len(first) == 11 and {s.style for s in first} == {"short"} and {s.source for s in first} == {"written"}
    assert first[0].text.split("\n") == [
        "V. Stiviano must pay back $2.6 million in gifts from Donald Sterling.",
        "Sterling's wife claimed the ex-Clippers used the couple's money for the gifts.",
        "The items included a Ferrari, two Bentleys and a Range Rover."]
    assert first[1].text.replace("\n", " ") == " ".join(rows[0]["crowd_references"][0].split())
    meta = loaded.articles[rows[0]["id"]].meta
    assert (meta["source"], meta["license"]) == ("CNN/DailyMail", "research use")
    assert "cnndm-summeval-3.jsonl:1" in meta["origin"]


def test_xsum_slice_unescapes_quotes_and_keeps_paragraphs(capsys, tmp_path):
    gold = tmp_path / "gold-xsum"
    code, out, err = _import(capsys, gold, "--format", "xsum", "--license", "BBC, research use", XSUM)
    assert (code, err) == (0, ""), err
    assert out.strip() == "imported: 3 articles, 0 QA items (0 unanswerable), 3 summaries"
    assert validate_gold(gold) == []
    loaded = load_gold(gold)
    assert list(loaded.articles)[0] == "xsum-10138849"
    (reference,) = [s for s in loaded.summaries if s.article_id == "xsum-10138849"]
    assert reference.style == "one_sentence"
    assert reference.text == '"maverick"is a word that seems to follow craig venter around.'
    article = loaded.articles["xsum-10138849"]
    assert article.text.startswith("The biologist and entrepreneur turned the effort")
    assert len(article.paragraphs) > 5  # one paragraph a line in the export
    assert "the export's cut 'val'" in article.meta["origin"] or "the export's cut 'test'" in article.meta["origin"]


def test_xsum_reference_unescaping():
    assert xsum_reference("``hello\\'\\' she said") == '"hello" she said'
    assert xsum_reference("it\\'s ``fine''") == "it's \"fine\""
    assert xsum_reference("no quotes") == "no quotes"


CNNDM_LINE = json.loads(CNNDM.read_text(encoding="utf-8").splitlines()[0])


@pytest.mark.parametrize("line, columns, expected", [
    (json.dumps({k: v for k, v in CNNDM_LINE.items() if k != "article"}), CNNDM_COLUMNS,
     "2: no column 'article' (the article; columns: id, filepath, highlights, crowd_references)"),
    (json.dumps({**CNNDM_LINE, "highlights": 7}), CNNDM_COLUMNS,
     "2: column 'highlights' must be a string or a non-empty list of strings, got a number"),
    (json.dumps({**CNNDM_LINE, "crowd_references": ["fine", 3]}), CNNDM_COLUMNS,
     "2: column 'crowd_references'[1] must be a non-empty string, got a number"),
    (json.dumps({**CNNDM_LINE, "crowd_references": ["fine", ""]}), CNNDM_COLUMNS,
     "2: column 'crowd_references'[1] must be a non-empty string, got an empty string"),
    (json.dumps({**CNNDM_LINE, "article": ["a list"]}), CNNDM_COLUMNS,
     "2: column 'article' (the article) must be a non-empty string, got a list"),
    (json.dumps({**CNNDM_LINE, "id": True}), CNNDM_COLUMNS,
     "2: column 'id' (the id) must be a non-empty string or a whole number, got true or false"),
    ('{"id": "x", "article": "text', CNNDM_COLUMNS, "2: not JSON: Unterminated string"),
    ("[1, 2]", CNNDM_COLUMNS, "2: expected a JSON object (one document a line)"),
])
def test_a_bad_line_is_one_error_naming_file_and_line_and_nothing_is_written(capsys, tmp_path, line, columns,
                                                                              expected):
    path = tmp_path / "docs.jsonl"
    path.write_text(json.dumps({**CNNDM_LINE, "id": "first"}) + "\n" + line + "\n", encoding="utf-8")
    gold = tmp_path / "gold"
    code, out, err = _import(capsys, gold, "--format", "summaries", "--columns", columns, "--style", "short", path)
    assert code == 2 and out == ""
    assert_no_crash(out, err)
    message = err.strip()
    assert_one_line(message)
    assert message.startswith(f"error: nothing imported: {path}:{expected}"), message
    assert not gold.exists()


@pytest.mark.parametrize("fmt", ["summaries", "xsum"])
def test_an_empty_file_is_one_error(capsys, tmp_path, fmt):
    path = tmp_path / "empty.jsonl"
    path.write_text("\n\n", encoding="utf-8")
    code, out, err = _import(capsys, tmp_path / "gold", "--format", fmt, "--columns", "article=document",
                             "--style", "one_sentence", path)
    assert code == 2
    assert err.strip() == f"error: nothing imported: {path}: the file has no lines (one JSON object a line)"


@pytest.mark.parametrize("columns, expected", [
    ("article", "--columns: 'article' is not TARGET=COLUMN (e.g. article=document)"),
    ("body=document", "--columns: unknown target 'body' (allowed: id, title, article, references)"),
    ("article=a+b", "--columns: only references and answers may join columns with '+', not article"),
    ("article=a,article=b", "--columns: target 'article' is given twice"),
])
def test_a_bad_mapping_is_one_error(capsys, tmp_path, columns, expected):
    code, out, err = _import(capsys, tmp_path / "gold", "--format", "summaries", "--columns", columns,
                             "--style", "short", CNNDM)
    assert (code, err.strip()) == (2, f"error: {expected}")


def test_columns_do_not_apply_to_squad_and_jsonl(capsys, tmp_path):
    for fmt in ("squad", "jsonl"):
        code, _, err = _import(capsys, tmp_path / "gold", "--format", fmt, "--columns", "article=x", CNNDM)
        assert (code, err.strip()) == (2, f"error: --columns does not apply to --format {fmt}")


def test_summaries_with_columns_still_need_a_style(capsys, tmp_path):
    code, _, err = _import(capsys, tmp_path / "gold", "--format", "summaries", "--columns", CNNDM_COLUMNS, CNNDM)
    assert code == 2 and err.startswith("error: import --format summaries needs --style, one of")


def test_two_lines_with_the_same_id_are_refused(capsys, tmp_path):
    path = tmp_path / "twice.jsonl"
    path.write_text((json.dumps(CNNDM_LINE) + "\n") * 2, encoding="utf-8")
    code, _, err = _import(capsys, tmp_path / "gold", "--format", "summaries", "--columns", CNNDM_COLUMNS,
                           "--style", "short", path)
    assert code == 2
    assert err.strip() == (f"error: nothing imported: {path}:2: id '{CNNDM_LINE['id']}' gives the article id "
                           f"'{CNNDM_LINE['id']}', as {path}:1 does")
