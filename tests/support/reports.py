"""A complete, minimal report.json as a dict, for tests that build reports by hand."""

from __future__ import annotations

from typing import Any


def report_dict(models: list[dict[str, Any]], gold: str = "a" * 64, seed: int = 0, resamples: int = 1000,
                config: dict[str, Any] | None = None, scoring: dict[str, Any] | None = None,
                tasks: dict[str, Any] | None = None) -> dict[str, Any]:
    """A report holding `models` (each needs at least name and tasks; the rest is filled in);
    `tasks` how each task is shown (report.json's `tasks`)."""
    return {
        "tasks": tasks or {},
        "schema_version": 2, "run_id": "r", "created_at": "2024-01-01T00:00:00",
        "config": config or {"name": "test", "gold": "gold", "tasks": {}, "models": [],
                             "bootstrap": {"resamples": resamples, "seed": seed, "confidence": 0.95}},
        "config_hash": "c" * 64,
        "gold": {"path": "gold", "hash": gold, "articles": 1, "qa": 60, "summaries": 3},
        "environment": {"python": "3", "packages": {"harness": "0"}, "git_commit": None, "git_dirty": None,
                        "platform": "test"},
        "scoring": {"bootstrap": {"resamples": resamples, "seed": seed, "confidence": 0.95}, **(scoring or {})},
        "models": [{"backend": "lead", "model_ref": None, "revision": None, "model_sha256": None,
                    "generation": {}, "runtime": {}, "timing": {}, **model} for model in models],
    }
