"""`harness compare` on two real reports written by `harness run` with the lead baseline (no model needed)."""

from __future__ import annotations

import json
from pathlib import Path

from harness.cli import main

REPO = Path(__file__).resolve().parents[1]


def test_two_real_lead_runs_compare_equal(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("HARNESS_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.chdir(REPO)  # the config's gold path is relative to the working directory
    for name in ("base", "head"):
        assert main(["run", "configs/default.yaml", "--models", "lead", "--output", str(tmp_path / name)]) == 0
    capsys.readouterr()
    base, head = tmp_path / "base" / "report.json", tmp_path / "head" / "report.json"
    assert json.loads(base.read_text())["gold"]["hash"] == json.loads(head.read_text())["gold"]["hash"]

    code = main(["compare", str(base), str(head)])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "PASS: no significant regression" in out and "⚠️" not in out
    assert "| lead | exact\\_match |" in out and "| lead | rougeLsum |" in out
    assert "regressed" not in out and "improved" not in out

    code = main(["compare", str(base), str(head), "--format", "json", "--max-drop", "qa.f1=0.01"])
    data = json.loads(capsys.readouterr().out)
    assert code == 0 and data["result"] == "pass"
    assert {(r["task"], r["metric"]) for r in data["rows"]} >= {("qa", "exact_match"), ("qa", "f1"), ("summarization", "rougeL")}
    assert all(r["delta"] == 0 and r["n"] > 0 for r in data["rows"])
