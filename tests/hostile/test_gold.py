"""Hostile gold data: mutated copies of the shipped qa.jsonl, summaries.jsonl and meta.json.

Whatever the bytes, validation returns Problems (it never raises), each printable on one line;
loading raises the harness's own error; `harness gold validate` exits 1 with one problem a line.
"""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from harness.errors import HarnessError
from harness.gold import Problem, load_gold, validate_gold
from support.hostile import (
    ARTICLE, GOLD, HOSTILE, JSON_VALUES, assert_no_crash, assert_one_line, copy_gold, dump_json,
    mutated_bytes, mutated_jsonl, run_cli,
)

JSONL_FILES = ["qa.jsonl", "summaries.jsonl"]
ORIGINALS = {name: (GOLD / ARTICLE / name).read_bytes() for name in JSONL_FILES + ["meta.json", "article.txt"]}


def _mutated_gold(tmp_path, name: str, data: bytes):
    root = copy_gold(tmp_path)
    (root / ARTICLE / name).write_bytes(data)
    return root


def _check_library(root) -> list[Problem]:
    problems = validate_gold(root)
    assert isinstance(problems, list) and all(isinstance(p, Problem) for p in problems)
    for problem in problems:
        assert_one_line(str(problem))
    if problems:
        with pytest.raises(HarnessError) as caught:
            load_gold(root)
        assert caught.value.exit_code == 1
        assert_one_line(str(caught.value))
    else:
        load_gold(root)
    return problems


def _check_cli(capsys, root, problems: list[Problem]) -> None:
    code, out, err = run_cli(capsys, ["gold", "validate", "--gold", root])
    assert_no_crash(out, err)
    lines = out.rstrip("\n").split("\n")
    if not problems:
        assert code == 0, out + err
        return
    assert code == 1, out + err
    assert len(lines) == len(problems) + 1, "one line per problem, then the count"
    assert lines[-1].startswith(f"{len(problems)} problem")
    for line in lines[:-1]:
        assert_one_line(line)
        assert line.startswith(str(root)), line[:300]


# Each property below must see both outcomes: at least this share of its generated files is
# valid, and at least this share is not (a loader that refused everything would fail).
FAIR_SHARE = 0.25
SPELLINGS = st.sampled_from([(",", ":"), (", ", ": "), (" , ", " : "), (",\t", ":\t")])


def _respelled(draw, value: object) -> bytes:
    """The same JSON value written differently: key order, spacing, \\u escapes, padding."""
    text = json.dumps(value, ensure_ascii=draw(st.booleans()), sort_keys=draw(st.booleans()),
                      separators=draw(SPELLINGS))
    pad = draw(st.sampled_from(["", " ", "\t"]))
    return (pad + text + pad).encode("utf-8")


@st.composite
def benign_jsonl(draw, original: bytes) -> bytes:
    """A change a valid JSONL file survives: one record respelled, two lines swapped, or one
    line deleted."""
    lines = original.rstrip(b"\n").split(b"\n")
    kind = draw(st.sampled_from(["respell", "swap", "delete"]))
    index = draw(st.integers(0, len(lines) - 1))
    if kind == "respell":
        lines[index] = _respelled(draw, json.loads(lines[index]))
    elif kind == "swap":
        other = draw(st.integers(0, len(lines) - 1))
        lines[index], lines[other] = lines[other], lines[index]
    else:
        del lines[index]
    return b"\n".join(lines) + b"\n"


@st.composite
def benign_meta(draw, original: bytes) -> bytes:
    """meta.json respelled, possibly indented over several lines."""
    value = json.loads(original)
    indent = draw(st.sampled_from([None, None, 0, 2, "\t"]))
    if indent is None:
        return _respelled(draw, value) + draw(st.sampled_from([b"", b"\n"]))
    return json.dumps(value, indent=indent, ensure_ascii=draw(st.booleans())).encode("utf-8") + b"\n"


@st.composite
def benign_article(draw, original: bytes) -> bytes:
    """article.txt with one more paragraph (any letters, digits and punctuation) between two."""
    words = st.text(st.characters(categories=["L", "N", "P"]), min_size=1, max_size=12)
    paragraph = " ".join(draw(st.lists(words, min_size=1, max_size=12))).encode("utf-8")
    paragraphs = original.rstrip(b"\n").split(b"\n\n")
    at = draw(st.integers(0, len(paragraphs)))
    return b"\n\n".join(paragraphs[:at] + [paragraph] + paragraphs[at:]) + b"\n"


BENIGN = {"qa.jsonl": benign_jsonl, "summaries.jsonl": benign_jsonl, "meta.json": benign_meta,
          "article.txt": benign_article}


def _changed(name: str, hostile) -> st.SearchStrategy[bytes]:
    """A hostile or a benign change of the shipped file `name`; never the file unchanged."""
    original = ORIGINALS[name]
    return st.one_of(hostile(original), BENIGN[name](original)).filter(lambda data: data != original)


def _assert_fair_shares(outcomes: list[bool]) -> None:
    accepted = sum(outcomes)
    assert len(outcomes) >= 20, f"only {len(outcomes)} examples ran"
    assert FAIR_SHARE * len(outcomes) <= accepted <= (1 - FAIR_SHARE) * len(outcomes), \
        f"{accepted} of {len(outcomes)} generated gold sets were accepted"


def _check_mutations(tmp_path, capsys, names: list[str], hostile, profile) -> None:
    """Every generated change of one of the files `names` gives Problems or a valid set (library
    and CLI agree), and both outcomes have their fair share."""
    outcomes: list[bool] = []

    @profile
    @given(data=st.data(), name=st.sampled_from(names))
    def check(data, name):
        root = _mutated_gold(tmp_path, name, data.draw(_changed(name, hostile)))
        problems = _check_library(root)
        _check_cli(capsys, root, problems)
        outcomes.append(not problems)

    check()
    _assert_fair_shares(outcomes)


def test_mutated_jsonl_gives_problems_never_exceptions(tmp_path, capsys):
    _check_mutations(tmp_path, capsys, JSONL_FILES, mutated_jsonl, HOSTILE)


def test_mutated_meta_and_article_give_problems_never_exceptions(tmp_path, capsys):
    _check_mutations(tmp_path, capsys, ["meta.json", "article.txt"], mutated_bytes, settings(HOSTILE, max_examples=60))


@settings(HOSTILE, max_examples=60)
@given(value=JSON_VALUES, ascii_only=st.booleans())
def test_any_json_value_as_meta_json_is_a_problem(tmp_path, value, ascii_only):
    root = _mutated_gold(tmp_path, "meta.json", dump_json(value, ascii_only))
    assert _check_library(root)


# (label, value, whether every field must reject it)
HOSTILE_VALUES = [
    ("lone-surrogate", "\ud800", True), ("surrogate-inside", "a\udfffb", True), ("nul", "\0", True),
    ("escape-sequence", "\x1b[31mred", True), ("c1-control", "a\x85b", True),
    ("newline", "line\nbreak", False), ("bidi-override", "\u202eevil", False), ("huge", "x" * 100_000, False),
    ("surrogate-in-list", ["\ud800"], True), ("nested", {"nested": [["deep"]]}, True),
    ("huge-int", 10**400, True), ("nan", float("nan"), True), ("null", None, True),
]


@pytest.mark.parametrize("label, value, rejected", HOSTILE_VALUES, ids=[v[0] for v in HOSTILE_VALUES])
@pytest.mark.parametrize("field", ["id", "question", "answers", "evidence", "type", "reasoning", "surprise\n"])
def test_hostile_qa_field_values_are_one_line_problems(tmp_path, capsys, field, label, value, rejected):
    lines = ORIGINALS["qa.jsonl"].split(b"\n")
    record = json.loads(lines[0])
    record[field] = [value] if field in ("answers", "evidence") and isinstance(value, str) else value
    lines[0] = dump_json(record, ascii_only=True)
    root = _mutated_gold(tmp_path, "qa.jsonl", b"\n".join(lines))
    problems = _check_library(root)
    if rejected:
        assert problems, "a hostile value must not pass validation"
    _check_cli(capsys, root, problems)


def test_deeply_nested_json_line_is_a_problem(tmp_path, capsys):
    data = ORIGINALS["qa.jsonl"] + b"[" * 100_000 + b"\n"
    root = _mutated_gold(tmp_path, "qa.jsonl", data)
    problems = _check_library(root)
    assert any(p.line == ORIGINALS["qa.jsonl"].count(b"\n") + 1 for p in problems)
    _check_cli(capsys, root, problems)


def test_gold_dir_with_an_overlong_name_is_a_clean_error(capsys):
    code, out, err = run_cli(capsys, ["gold", "validate", "--gold", "x" * 5000])
    assert_no_crash(out, err)
    assert code == 2 and len(err.strip().split("\n")) == 1
