"""Hostile report JSON for `harness compare`: a real report.json with one part deleted or replaced
(wrong types, NaN, Infinity, huge numbers, strings for numbers, odd text).

`harness compare BASE HEAD` exits 2 with a one-line message, or compares normally (0 or 1)
when the mutation is harmless; it never crashes, never hangs on a hostile bootstrap setting.
"""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys

import pytest
from hypothesis import event, given
from hypothesis import strategies as st

from harness.report import Report
from support.hostile import (
    HOSTILE, JSON_VALUES, REPO, Outcomes, assert_no_crash, error_lines, fresh_dir, mutated_bytes, run_cli,
)
from hostile.test_security import CONTROL_OR_BIDI, table_rows_are_intact

# Parts of a report that do not enter a comparison: a change that keeps the report valid must
# not change the verdict.
UNREAD = {"run_id", "created_at", "config_path", "config_hash", "selection", "environment"}
WRONG_VALUES = st.one_of(
    JSON_VALUES,
    st.sampled_from([float("nan"), float("inf"), -float("inf"), 1e308, -1e308, 10**400, "0.5", "1", -1,
                     True, [], {}, None, "", 2**63, 10**12]),
)


@pytest.fixture(scope="session")
def report(tmp_path_factory) -> dict:
    """report.json of a real `harness run` of the lead baseline on the shipped gold."""
    out = tmp_path_factory.mktemp("lead-run")
    env = {**os.environ, "HARNESS_CACHE_DIR": str(out / "cache")}
    done = subprocess.run([sys.executable, "-m", "harness.cli", "run", "configs/default.yaml", "--models", "lead",
                           "--output", str(out / "report")], cwd=REPO, env=env, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr
    return json.loads((out / "report" / "report.json").read_text())


def _paths(value, prefix=()) -> list[tuple]:
    """Every key path in a JSON value (the root excluded)."""
    found = []
    children = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, child in children:
        found.append(prefix + (key,))
        found += _paths(child, prefix + (key,))
    return found


def _mutate(report: dict, path: tuple, new, delete: bool) -> dict:
    mutated = copy.deepcopy(report)
    node = mutated
    for key in path[:-1]:
        node = node[key]
    if delete:
        del node[path[-1]]
    else:
        node[path[-1]] = new
    return mutated


def _write(directory, name: str, report) -> str:
    path = directory / name
    path.write_text(json.dumps(report, allow_nan=True, ensure_ascii=True))
    return path


def _compare(capsys, base, head, *extra) -> tuple[int, str, str]:
    code, out, err = run_cli(capsys, ["compare", base, head, *extra])
    assert_no_crash(out, err)
    assert code in (0, 1, 2), (code, out, err)
    if code == 2:
        lines = error_lines(err)
        assert len(lines) == 1, err
    return code, out, err


@st.composite
def mutation(draw, report: dict) -> tuple[tuple, object, bool]:
    path = draw(st.sampled_from(_paths(report)))
    return path, draw(WRONG_VALUES), draw(st.integers(0, 3)) == 0


def _valid(report: dict) -> bool:
    try:
        Report.model_validate_json(json.dumps(report, allow_nan=True))
    except ValueError:
        return False
    return True


def test_mutated_report_gives_exit_2_or_a_normal_comparison(tmp_path, capsys, report):
    outcomes = Outcomes()

    @HOSTILE
    @given(data=st.data(), head_side=st.booleans())
    def check(data, head_side):
        path, new, delete = data.draw(mutation(report))
        mutated = _mutate(report, path, new, delete)
        directory = fresh_dir(tmp_path)
        good = _write(directory, "good.json", report)
        bad = _write(directory, "bad.json", mutated)
        base, head = (good, bad) if head_side else (bad, good)
        code, out, err = _compare(capsys, base, head)
        event(f"exit {code}")
        outcomes.add(code != 2)
        assert (code != 2) == _valid(mutated), (path, new, delete, err)  # the reader checks exactly the model
        if code != 2 and path[0] in UNREAD:
            assert code == 0 and out.startswith("## harness compare: PASS"), err

    check()
    outcomes.assert_accepted_share(0.2)


@HOSTILE
@given(data=st.data())
def test_mutated_report_json_format_is_valid_json_or_exit_2(tmp_path, capsys, report, data):
    path, new, delete = data.draw(mutation(report))
    directory = fresh_dir(tmp_path)
    bad = _write(directory, "bad.json", _mutate(report, path, new, delete))
    code, out, _ = _compare(capsys, _write(directory, "good.json", report), bad, "--format", "json")
    if code != 2:
        assert json.loads(out)["exit_code"] == code


@HOSTILE
@given(data=st.data())
def test_byte_level_damage_to_a_report_is_exit_2_or_harmless(tmp_path, capsys, report, data):
    directory = fresh_dir(tmp_path)
    good = _write(directory, "good.json", report)
    bad = directory / "bad.json"
    bad.write_bytes(data.draw(mutated_bytes(good.read_bytes())))
    _compare(capsys, good, bad)


# (where, value, exit code): bootstrap settings the comparison would run with, and other
# structural damage; a huge but valid seed is fine (numpy takes any non-negative integer).
HOSTILE_SETTINGS = [
    (("scoring", "bootstrap", "resamples"), 10**12, 2),  # would run for hours
    (("scoring", "bootstrap", "resamples"), 0, 2),
    (("scoring", "bootstrap", "seed"), -1, 2),  # numpy refuses it
    (("scoring", "bootstrap", "seed"), 10**400, 0),
    (("scoring", "bootstrap", "seed"), 1.5, 2),
    (("scoring", "bootstrap"), [], 2),
    (("schema_version",), 1e308, 2),
    (("schema_version",), True, 2),
    (("models",), {"lead": {}}, 2),
    (("gold", "hash"), 12, 2),
]


@pytest.mark.parametrize("path, value, expected", HOSTILE_SETTINGS,
                         ids=[f"{'.'.join(p)}={v!r}"[:40] for p, v, _ in HOSTILE_SETTINGS])
def test_hostile_settings_in_the_base_report_are_refused_at_once(tmp_path, capsys, report, path, value, expected):
    bad = _write(tmp_path, "bad.json", _mutate(report, path, value, delete=False))
    code, _, _ = _compare(capsys, bad, _write(tmp_path, "good.json", report))
    assert code == expected


@pytest.mark.parametrize("value", [1e308, -1e308, 1e300, 5e-324], ids=repr)
def test_huge_scores_are_exit_2_or_compared_not_crashed_on(tmp_path, capsys, report, value):
    bad = copy.deepcopy(report)
    for item in bad["models"][0]["tasks"]["qa"]["items"]:
        item["scores"]["f1"] = value
    _compare(capsys, _write(tmp_path, "base.json", report), _write(tmp_path, "head.json", bad))
    _compare(capsys, _write(tmp_path, "base.json", bad), _write(tmp_path, "head.json", report))


@pytest.mark.parametrize("text", ["[" * 100_000, '{"schema_version": 1, "config": ' + "[" * 100_000, "", "\0",
                                  '"\\ud800"', "NaN", "1" * 5000],
                         ids=["deep", "deep-config", "empty", "nul", "surrogate", "nan", "long-number"])
def test_unreadable_reports_are_one_line_errors(tmp_path, capsys, report, text):
    bad = tmp_path / "bad.json"
    bad.write_text(text, encoding="utf-8", errors="surrogatepass")
    code, _, _ = _compare(capsys, _write(tmp_path, "good.json", report), bad)
    assert code == 2


@pytest.mark.parametrize("name", ["x" * 5000, "a\0b", "."], ids=["long-name", "nul", "directory"])
def test_unusable_report_paths_are_one_line_errors(tmp_path, capsys, report, name):
    code, _, _ = _compare(capsys, _write(tmp_path, "good.json", report), tmp_path / name)
    assert code == 2


@pytest.mark.parametrize("name", ["a|b", "line\nbreak", "<script>alert(1)</script>", "`code`", "\u202eevil"],
                         ids=["pipe", "newline", "script", "backticks", "bidi"])
def test_hostile_names_in_reports_cannot_break_the_comparison_table(tmp_path, capsys, report, name):
    hostile = copy.deepcopy(report)
    hostile["models"][0]["name"] = name
    metrics = hostile["models"][0]["tasks"]["qa"]["items"]
    for item in metrics:
        item["scores"][name] = item["scores"].pop("f1")
    code, out, _ = _compare(capsys, _write(tmp_path, "base.json", hostile), _write(tmp_path, "head.json", hostile))
    assert code == 0
    assert "<script>" not in out
    assert table_rows_are_intact(out)
    assert not CONTROL_OR_BIDI.search(out), ascii(out)


@pytest.mark.parametrize("depth", [100, 900, 5000])
def test_deeply_nested_config_sections_are_compared_or_refused(tmp_path, capsys, report, depth):
    """A config section nested `depth` levels deep in both reports (written as text: json.dumps
    itself cannot write it)."""
    text = json.dumps(report)
    deep = '{"k": ' * depth + '"leaf"' + "}" * depth
    base, head = tmp_path / "base.json", tmp_path / "head.json"
    base.write_text(text.replace('"config": {', '"config": {"extra": ' + deep + ", ", 1))
    head.write_text(text.replace('"config": {', '"config": {"extra": {"k": ' + deep + "}, ", 1))
    code, _, _ = _compare(capsys, base, head)
    assert code == 2


@pytest.mark.parametrize("options", [
    ["--max-drop", "f1=nan"], ["--max-drop", "f1=1e999"], ["--max-drop", "f1=-0.1"], ["--max-drop", "=0.1"],
    ["--max-drop", "f1"], ["--max-drop", "f\n1=0.1"], ["--max-drop", "\ud800=0.1"], ["--max-drop", "qa.=0.1"],
    ["--alpha", "nan"], ["--alpha", "1e999"], ["--alpha", "0"], ["--alpha", "x"], ["--format", "html"],
], ids=lambda o: ascii(" ".join(o)))
def test_hostile_compare_options_are_one_line_errors(tmp_path, capsys, report, options):
    good = _write(tmp_path, "good.json", report)
    code, out, err = run_cli(capsys, ["compare", good, good, *options])
    assert_no_crash(out, err)
    assert code == 2
    if err.startswith("error: "):  # argparse's own usage errors are its business
        assert len(error_lines(err)) == 1


@pytest.mark.parametrize("output_format", ["markdown", "json"])
def test_a_lone_surrogate_in_a_report_is_refused(tmp_path, capsys, report, output_format):
    hostile = copy.deepcopy(report)
    hostile["models"][0]["name"] = "lead\ud800"
    hostile["config"]["name"] = "\udfff"
    base, head = _write(tmp_path, "base.json", hostile), _write(tmp_path, "head.json", hostile)
    code, _, err = _compare(capsys, base, head, "--format", output_format)
    assert code == 2 and "surrogate" in err
