"""`harness compare` on two real reports written by `harness run` with the lead baseline (no model needed)."""

from __future__ import annotations

import json
from pathlib import Path

from harness.cli import main

REPO = Path(__file__).resolve().parents[2]


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


def test_vacuous_real_heads_fail_the_gate_as_ci_eval_compares_them(tmp_path, monkeypatch, capsys):
    """Real lead runs of configs/ci.yaml compared as scripts/ci-eval does (--allow-gold-change):
    a head with 3 of the 102 questions, one without the QA task and one whose model was renamed
    all fail (exit 1), naming what they lack; the full run passes."""
    monkeypatch.setenv("HARNESS_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.chdir(REPO)
    renamed = tmp_path / "renamed.yaml"
    renamed.write_text((REPO / "configs" / "ci.yaml").read_text().replace("- name: lead\n", "- name: lead-v2\n"))
    runs = {"base": ["configs/ci.yaml", "--models", "lead"],
            "full": ["configs/ci.yaml", "--models", "lead"],
            "three": ["configs/ci.yaml", "--models", "lead", "--limit", "3"],
            "no-qa": ["configs/ci.yaml", "--models", "lead", "--tasks", "summarization"],
            "renamed": [str(renamed), "--models", "lead-v2"]}
    for name, args in runs.items():
        assert main(["run", *args, "--output", str(tmp_path / name)]) == 0, name
    capsys.readouterr()
    base = str(tmp_path / "base" / "report.json")

    def gate(head: str) -> tuple[int, str]:
        code = main(["compare", base, str(tmp_path / head / "report.json"), "--allow-gold-change"])
        return code, capsys.readouterr().out

    code, out = gate("full")
    assert code == 0 and "PASS: no significant regression" in out
    expected = {"three": "lead qa: 3 of the base's 97 items", "no-qa": "task qa of model lead",
                "renamed": "model lead"}
    for head, missing in expected.items():
        code, out = gate(head)
        headline = out.splitlines()[2]
        assert code == 1 and headline.startswith("**FAIL") and missing in headline, (head, out)
