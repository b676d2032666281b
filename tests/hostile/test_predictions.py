"""Hostile predictions files for the `predictions` backend: random and mutated JSONL.

Reading either succeeds or raises HarnessError naming path:line on one line; a run that
replays the file exits 0 (missing items become per-item failures) or 2, never crashes.
"""

from __future__ import annotations

import json

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from harness.backends.predictions import read_predictions
from harness.errors import HarnessError
from harness.gold import load_gold
from support.hostile import (
    GOLD, HOSTILE, HOSTILE_CLI, JSON_VALUES, NASTY_TEXT, assert_no_crash, assert_one_line, dump_json, error_lines,
    accepted, accepted_share, fresh_dir, mutated_jsonl, run_cli,
)

_GOLD = load_gold(GOLD)
ITEM_IDS = [q.id for q in _GOLD.qa] + [f"{a}/{style}" for a in _GOLD.articles
                                       for style in ("headline", "one_sentence", "short")]
VALID = b"".join(json.dumps({"id": i, "prediction": f"answer to {i}"}).encode() + b"\n" for i in ITEM_IDS[:12])


def _read(path) -> dict | None:
    try:
        result = read_predictions(path)
    except HarnessError as error:
        assert str(error).startswith(f"{path}:"), str(error)[:300]
        assert_one_line(str(error))
        return None
    assert all(isinstance(k, str) and isinstance(v, str) for k, v in result.items())
    return result


def _file(tmp_path, data: bytes):
    path = fresh_dir(tmp_path) / "predictions.jsonl"
    path.write_bytes(data)
    return path


@st.composite
def random_lines(draw) -> bytes:
    """Lines of random JSON values, some of them well-formed prediction records with nasty text."""
    record = st.fixed_dictionaries({"id": st.one_of(st.sampled_from(ITEM_IDS), NASTY_TEXT),
                                    "prediction": st.one_of(NASTY_TEXT, JSON_VALUES)})
    values = draw(st.lists(st.one_of(record, JSON_VALUES), max_size=6))
    return b"\n".join(dump_json(v, draw(st.booleans())) for v in values)


@st.composite
def odd_but_valid_lines(draw) -> bytes:
    """Well-formed records (unique known ids) whose predictions hold any text that is text:
    controls, bidi marks, line separators, markup, escaped or raw. These must all be read."""
    ids = draw(st.lists(st.sampled_from(ITEM_IDS), unique=True, max_size=6))
    text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=60)
    return b"\n".join(dump_json({"id": i, "prediction": draw(text)}, draw(st.booleans())) for i in ids)


def hostile_lines():
    return st.one_of(random_lines(), odd_but_valid_lines())


@accepted_share(0.25)
@HOSTILE
@given(data=st.data())
def test_mutated_predictions_files_read_or_fail_with_path_and_line(tmp_path, data):
    accepted(_read(_file(tmp_path, data.draw(mutated_jsonl(VALID)))) is not None)


@accepted_share(0.25)
@HOSTILE
@given(data=hostile_lines())
def test_random_json_lines_read_or_fail_with_path_and_line(tmp_path, data):
    accepted(_read(_file(tmp_path, data)) is not None)


@pytest.mark.parametrize("text", ["a\u2028b", "a\u2029b", "a\x85b", "a\x1cb", "a\rb", "a\r\nb", "\ufeffstart"],
                         ids=["line-separator", "paragraph-separator", "next-line", "file-separator", "cr", "crlf", "bom"])
def test_predictions_with_unusual_line_breaks_round_trip(tmp_path, text):
    """json.dumps(ensure_ascii=False) writes these raw; they are inside a string, not line ends."""
    path = _file(tmp_path, (json.dumps({"id": ITEM_IDS[0], "prediction": text}, ensure_ascii=False) + "\n").encode())
    assert _read(path) == {ITEM_IDS[0]: text}


@pytest.mark.parametrize("data", [b"[" * 100_000, b'{"id": "x", "prediction": ' + b"[" * 100_000, b"\xff\xfe",
                                  b"\0" * 10, b'{"id": "x", "prediction": "\\ud800"}'],
                         ids=["deep-array", "deep-value", "bad-utf8", "nul-bytes", "lone-surrogate"])
def test_hostile_predictions_files_are_clean_errors(tmp_path, data):
    assert _read(_file(tmp_path, data)) is None


@pytest.mark.parametrize("name", ["x" * 5000, "a\0b", "."], ids=["long-name", "nul", "directory"])
def test_unusable_predictions_paths_are_clean_errors(tmp_path, name):
    with pytest.raises(HarnessError) as caught:
        read_predictions(tmp_path / name)
    assert_one_line(str(caught.value))


def _config(directory, predictions) -> str:
    config = {
        "name": "replay", "gold": str(GOLD),
        "tasks": {"qa": {}, "summarization": {"styles": ["headline"]}},
        "models": [{"name": "replayed", "backend": "predictions", "path": str(predictions)}],
        "bootstrap": {"resamples": 20},
    }
    path = directory / "config.yaml"
    path.write_text(yaml.safe_dump(config))
    return path


@accepted_share(0.2)
@HOSTILE_CLI
@given(data=st.data())
def test_harness_run_replaying_a_mutated_file_exits_0_or_2(tmp_path, capsys, monkeypatch, data):
    monkeypatch.setenv("HARNESS_CACHE_DIR", str(tmp_path / "cache"))
    predictions = _file(tmp_path, data.draw(st.one_of(mutated_jsonl(VALID), hostile_lines())))
    config = _config(predictions.parent, predictions)
    code, out, err = run_cli(capsys, ["run", config, "--output", predictions.parent / "out",
                                      "--limit", "3", "--no-cache", "--max-failed", "1.0"])
    assert_no_crash(out, err)
    if _read(predictions) is None:
        assert code == 2, out + err
        assert error_lines(err)[-1].startswith(f"error: {predictions}:")
    else:
        assert code == 0, out + err
    accepted(code == 0)
