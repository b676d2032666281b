"""What a report records about where it was made: versions, git state, platform."""

from __future__ import annotations

import importlib.metadata
import platform
import subprocess
from pathlib import Path
from typing import Any

import harness

PACKAGES = ("torch", "transformers", "datasets", "evaluate", "rouge_score", "numpy", "pydantic", "gguf", "llama_cpp_python")


def package_versions() -> dict[str, str | None]:
    versions: dict[str, str | None] = {"harness": harness.__version__}
    for name in PACKAGES:
        try:
            versions[name] = importlib.metadata.version(name.replace("_", "-"))
        except importlib.metadata.PackageNotFoundError:
            versions[name] = None
    return versions


def git_state(directory: Path) -> tuple[str | None, bool | None]:
    """(commit, dirty) of the checkout holding `directory`; (None, None) outside git."""
    def git(*args: str) -> str | None:
        try:
            done = subprocess.run(["git", *args], cwd=directory, capture_output=True, text=True, timeout=10)
        except (OSError, subprocess.SubprocessError):
            return None
        return done.stdout if done.returncode == 0 else None

    commit = git("rev-parse", "HEAD")
    if commit is None:
        return None, None
    status = git("status", "--porcelain", "--untracked-files=no")
    return commit.strip(), bool(status.strip()) if status is not None else None


def environment(directory: Path) -> dict[str, Any]:
    """The report's `environment` (harness.report.Provenance), less the devices models ran on."""
    commit, dirty = git_state(directory)
    return {
        "python": platform.python_version(),
        "packages": package_versions(),
        "git_commit": commit,
        "git_dirty": dirty,
        "platform": platform.platform(),
        "machine": platform.machine(),
    }
