"""report.json: the machine-readable, versioned record of a run (fields: DESIGN.md)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from harness.config import EvalConfig, config_hash, resolved_config
from harness.gold import Gold
from harness.metrics import metrics_signature
from harness.report._provenance import environment

SCHEMA_VERSION = 1


def _scoring(config: EvalConfig) -> dict[str, Any]:
    """Every option that changes a number, so two reports can be checked for comparability."""
    scoring: dict[str, Any] = {
        "bootstrap": config.bootstrap.model_dump(mode="json") | {
            "method": "percentile", "cluster": "article when more than one", "aggregate": "arithmetic mean over items",
        },
        "signature": metrics_signature(),
    }
    if config.tasks.qa is not None:
        scoring["qa"] = {
            "normalization": "SQuAD v1.1 (lower-case, drop ASCII punctuation and a/an/the, collapse whitespace)",
            "aliases": "maximum over accepted answers", "extraction": config.tasks.qa.extraction,
            "abstain_phrase": config.tasks.qa.abstain_phrase,
        }
    if config.tasks.summarization is not None:
        s = config.tasks.summarization
        scoring["summarization"] = {
            "engine": "rouge_score", "use_stemmer": s.use_stemmer, "tokenizer": s.tokenizer,
            "multi_reference": "per ROUGE type, the reference with the best F1 (rouge_score score_multi)",
            "sentence_splitter": "harness.metrics.split_sentences; predictions one sentence a line for rougeLsum",
            "value": "F1",
        }
    return scoring


def _model_entry(entry: dict[str, Any]) -> dict[str, Any]:
    model_config, run = entry["config"], entry["run"]
    return {
        "name": model_config.name, "backend": model_config.backend,
        "model_ref": run.identity.get("model_ref"), "revision": run.identity.get("revision"),
        "model_sha256": run.identity.get("model_sha256"), "generation": model_config.generation.model_dump(mode="json"),
        "runtime": run.runtime, "timing": run.timing, "tasks": entry["tasks"],
    }


def _devices(models: list[dict[str, Any]]) -> str:
    """The devices local models ran on ("cpu", "cuda:0", ...); "none" when nothing ran locally."""
    devices = sorted({str(m["run"].runtime["device"]) for m in models if m["run"].runtime.get("device")})
    return ", ".join(devices) or "none"


def build_report(run_id: str, created: dt.datetime, config: EvalConfig, config_path: Path, gold: Gold,
                 models: list[dict[str, Any]], selection: dict[str, Any]) -> dict[str, Any]:
    return {
        "schema_version": SCHEMA_VERSION,
        "run_id": run_id,
        "created_at": created.isoformat(timespec="seconds"),
        "config_path": str(config_path),
        "config": resolved_config(config),
        "config_hash": config_hash(config),
        "selection": selection,
        "gold": {"path": str(config.gold), "hash": gold.hash, "articles": len(gold.articles),
                 "qa": len(gold.qa), "summaries": len(gold.summaries)},
        "environment": environment(Path.cwd()) | {"device": _devices(models)},
        "scoring": _scoring(config),
        "models": [_model_entry(entry) for entry in models],
    }
