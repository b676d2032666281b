"""`harness agreement`: judged-answers files in each format, the figures it reports, and hostile
files refused with one line naming the file and the line (exit 2)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from harness.agreement import Confusion, read_judged, split_of
from harness.cli import main
from harness.errors import HarnessError

GOLD = Path(__file__).resolve().parents[2] / "gold"
ROWS = [
    {"question": "Where did Kim and Trump meet?", "references": ["Hanoi"], "prediction": "Hanoi", "label": True,
     "source": "a"},
    {"question": "Where did Kim and Trump meet?", "references": ["Hanoi"], "prediction": "Moscow", "label": False,
     "source": "b"},
    {"question": "Who did Kim meet?", "references": ["Vladimir Putin"], "prediction": "He met Vladimir Putin.",
     "label": True, "source": "a", "labelled_by": "a person", "note": "n", "document": "d"},
    {"question": "What did the drafter say?", "references": [], "prediction": "The article does not say.",
     "label": True, "source": "b"},
]


def write_jsonl(path: Path, rows) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def run_json(capsys, *args) -> dict:
    assert main(["agreement", *map(str, args), "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_a_jsonl_file_gives_every_metric_with_agreement_kappa_and_n(tmp_path, capsys):
    out = run_json(capsys, write_jsonl(tmp_path / "j.jsonl", ROWS), "--by", "source")
    assert set(out["metrics"]) == {"exact_match", "f1>=0.5", "correct", "containment"}
    correct = out["metrics"]["correct"]
    assert (correct["n"], correct["agreement"], correct["tp"], correct["tn"]) == (4, 1.0, 3, 1)
    assert correct["kappa"] == 1.0 and set(correct["by"]["source"]) == {"a", "b"}
    assert out["metrics"]["exact_match"]["fn"] == 1  # "He met Vladimir Putin." is no exact match


def test_metrics_can_be_chosen_and_an_unknown_one_is_refused(tmp_path, capsys):
    path = write_jsonl(tmp_path / "j.jsonl", ROWS)
    assert set(run_json(capsys, path, "--metrics", "correct")["metrics"]) == {"correct"}
    assert main(["agreement", str(path), "--metrics", "bleu"]) == 2
    assert "unknown metric 'bleu'" in capsys.readouterr().err
    assert main(["agreement", str(path), "--metrics", "judge"]) == 2
    assert "--config" in capsys.readouterr().err


def test_the_disagreements_are_grouped_by_the_rule_that_decided(tmp_path, capsys):
    rows = [dict(ROWS[1], prediction=p, label=True) for p in ("Moscow", "Beijing")]
    out = run_json(capsys, write_jsonl(tmp_path / "j.jsonl", rows), "--metrics", "correct")
    kinds = out["metrics"]["correct"]["disagreements"]
    assert kinds[0]["direction"] == "FN" and kinds[0]["count"] == 2 and len(kinds[0]["examples"]) == 2


def test_an_evouna_file_splits_gold_answers_and_leaves_out_improper_questions(tmp_path):
    entry = {"question": "who wrote it", "golden_answer": "Bob Dylan/ Dylan", "improper": False}
    for system in ("fid", "gpt35", "chatgpt", "gpt4", "newbing"):
        entry |= {f"answer_{system}": "Bob Dylan", f"judge_{system}": system != "fid"}
    entry["answer_newbing"] = None
    improper = {"question": "bad", "golden_answer": None, "improper": True}
    path = tmp_path / "e.json"
    path.write_text(json.dumps([entry, improper]), encoding="utf-8")
    judged = read_judged([path], "evouna")
    assert [j.source for j in judged] == ["fid", "gpt35", "chatgpt", "gpt4"]
    assert judged[0].references == ("Bob Dylan", "Dylan") and judged[0].label is False


def test_the_gold_judgments_format_reads_questions_from_qa_jsonl(capsys):
    path = GOLD / "kim-putin-talks" / "judgments.jsonl"
    judged = read_judged([path], "judgments")
    assert judged and {j.part for j in judged} == {"dev", "heldout"} and all(j.question for j in judged)
    out = run_json(capsys, path, "--format", "judgments", "--split", "heldout", "--metrics", "correct")
    assert out["metrics"]["correct"]["n"] == sum(j.part == "heldout" for j in judged)


def test_the_split_is_by_question_deterministic_and_about_one_third_heldout():
    questions = [f"question number {i}" for i in range(3000)]
    parts = [split_of(q) for q in questions]
    assert parts == [split_of(q) for q in questions]
    assert split_of("Who  Wrote IT") == split_of("who wrote it")
    assert 0.30 < parts.count("heldout") / len(parts) < 0.37


def test_kappa_on_a_known_table():
    counts = Confusion(true_positive=2, false_positive=1, false_negative=0, true_negative=1)
    assert counts.agreement == 0.75 and counts.kappa == pytest.approx((0.75 - 0.5) / 0.5)


# -- hostile files ---------------------------------------------------------------------------------

def refused(capsys, path: Path, *args: str) -> str:
    assert main(["agreement", str(path), *args]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and str(path) in err and "Traceback" not in err, err
    return err


@pytest.mark.parametrize(("line", "expected"), [
    ('{"question": "q", "references": [], "prediction": "p"}', "missing field 'label'"),
    ('{"question": "q", "references": "Hanoi", "prediction": "p", "label": true}', "'references' must be a list"),
    ('{"question": "q", "references": [1], "prediction": "p", "label": true}', "a list of strings"),
    ('{"question": "q", "references": [], "prediction": "p", "label": 1}', "'label' must be true or false"),
    ('{"question": "q", "references": [], "prediction": null, "label": true}', "'prediction' must be a string"),
    ('{"question": "q", "references": [], "prediction": "p", "label": true, "extra": 1}', "unknown field"),
    ('{"question": "q", "references": [], "prediction": "p", "label": true, "source": 3}', "'source' must be"),
    ("not json", "not JSON"), ("[1, 2]", "a line must be a JSON object"),
])
def test_a_bad_line_is_one_line_naming_the_file_and_line(tmp_path, capsys, line, expected):
    path = tmp_path / "bad.jsonl"
    path.write_text(json.dumps(ROWS[0]) + "\n" + line + "\n", encoding="utf-8")
    err = refused(capsys, path)
    assert f"{path}:2:" in err and expected in err, err


def test_an_empty_file_a_non_utf8_file_and_a_missing_file_are_refused(tmp_path, capsys):
    empty = tmp_path / "empty.jsonl"
    empty.write_text("\n\n", encoding="utf-8")
    assert "empty file" in refused(capsys, empty)
    latin = tmp_path / "latin.jsonl"
    latin.write_bytes(json.dumps(ROWS[0]).encode() + b"\n" + b'{"question": "caf\xe9"}\n')
    assert f"{latin}:2: not UTF-8" in refused(capsys, latin)
    assert "cannot read" in refused(capsys, tmp_path / "missing.jsonl")


def test_a_hostile_evouna_file_is_refused(tmp_path, capsys):
    path = tmp_path / "e.json"
    for content, expected in [("{}", "JSON list"), ("[1]", "item 0"), ('[{"question": "q", "improper": false}]',
                              "missing field 'golden_answer'"), ("[", "not JSON"),
                              ('[{"question": "q", "golden_answer": "a", "answer_fid": "a", "judge_fid": "yes"}]',
                               "'judge_fid' must be true or false")]:
        path.write_text(content, encoding="utf-8")
        assert expected in refused(capsys, path, "--format", "evouna")


_TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=20)
_ROW = st.fixed_dictionaries(
    {"question": _TEXT, "references": st.lists(_TEXT, max_size=3), "prediction": _TEXT, "label": st.booleans()},
    optional={"source": _TEXT, "labelled_by": _TEXT, "note": _TEXT, "document": _TEXT})
_WRONG = st.one_of(st.integers(), st.none(), st.floats(allow_nan=False), st.lists(st.integers(), min_size=1),
                   st.dictionaries(st.text(max_size=3), st.integers(), max_size=2))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(_ROW, min_size=1, max_size=4), data=st.data())
def test_good_files_are_read_and_a_corrupted_field_is_refused_at_its_line(tmp_path, rows, data):
    good = write_jsonl(tmp_path / "good.jsonl", rows)
    judged = read_judged([good], "jsonl")
    assert [(j.question, list(j.references), j.prediction, j.label) for j in judged] == \
        [(r["question"], r["references"], r["prediction"], r["label"]) for r in rows]
    index = data.draw(st.integers(0, len(rows) - 1))
    field = data.draw(st.sampled_from(sorted(rows[index])))
    wrong = data.draw(_WRONG.filter(lambda v: not (field == "references" and v == [])))
    broken = [dict(r) for r in rows]
    broken[index][field] = wrong
    if field in ("source", "labelled_by", "note", "document") and wrong is None:
        return  # an optional field may be null
    bad = write_jsonl(tmp_path / "bad.jsonl", broken)
    with pytest.raises(HarnessError) as caught:
        read_judged([bad], "jsonl")
    assert f"{bad}:{index + 1}:" in str(caught.value) and field in str(caught.value)
