"""Low rooms do not pull in high ones: `harness compare` only reads two JSON files, so importing
it must not import the gold set, the backends, the prompts or torch."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def _modules_after(statement: str) -> list[str]:
    code = f"import sys, json; {statement}; print(json.dumps(sorted(sys.modules)))"
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_importing_compare_imports_no_gold_backends_prompts_or_torch():
    modules = _modules_after("import harness.compare")
    forbidden = [m for m in modules if m.split(".")[:2] in (["harness", "gold"], ["harness", "backends"],
                                                          ["harness", "prompts"], ["harness", "run"])
                 or m.split(".")[0] in ("torch", "transformers", "datasets", "jinja2")]
    assert forbidden == []
    assert len([m for m in modules if m.startswith("harness")]) <= 30  # it was about 50


def test_reading_a_report_needs_only_the_report_model():
    modules = _modules_after("from harness.report import read_report")
    assert not [m for m in modules if m.startswith(("harness.tasks", "harness.config", "harness.report._html"))]
