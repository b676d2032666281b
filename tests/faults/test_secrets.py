"""API keys are read from the environment and never written anywhere: a unique random key is
used against a server that accepts it and servers that reject it (echoing the header back, as
a hostile server might), then every byte under the output and cache directories, and the
run's stdout and stderr, are searched for it."""

from __future__ import annotations

import json
import secrets
from pathlib import Path

import pytest

from support.faults import StandInServer, openai_model, run_harness, write_config

VARIABLE = "HARNESS_FAULT_TEST_KEY"


def _files_holding(root: Path, needle: bytes) -> list[str]:
    return [str(p) for p in root.rglob("*") if p.is_file() and needle in p.read_bytes()]


@pytest.mark.slow
def test_an_api_key_never_reaches_a_report_log_cache_or_message(tmp_path):
    key = "sk-" + secrets.token_hex(20)
    with StandInServer(key=key) as good, StandInServer(key="another", reject_status=401) as wrong, \
            StandInServer(key="another", reject_status=403) as echoing:
        models = [openai_model(name, server.base_url, api_key_env=VARIABLE, max_retries=1)
                  for name, server in (("accepted", good), ("rejected", wrong), ("echoed", echoing))]
        config = write_config(tmp_path, models, {"qa": {}})
        cache = tmp_path / "cache"
        gated = ("--max-failed", "1.0")  # two of the three models fail every item, as they should
        runs = [run_harness("run", config, "--output", tmp_path / "out", "--limit", "3", *gated, cache=cache,
                            **{VARIABLE: key}),
                run_harness("run", config, "--output", tmp_path / "out", "--limit", "3", *gated, cache=cache,
                            **{VARIABLE: key}),
                run_harness("run", config, "--output", tmp_path / "missing", cache=cache)]  # variable unset
    assert [done.returncode for done in runs] == [0, 0, 2]
    assert runs[2].stderr.splitlines() == [f"error: api_key_env: environment variable {VARIABLE} is not set or empty"]
    assert good.requests == 3 and wrong.requests == echoing.requests == 6  # the second run: accepted from cache

    report = json.loads((tmp_path / "out" / "report.json").read_text())
    tasks = {m["name"]: m["tasks"]["qa"] for m in report["models"]}
    assert tasks["accepted"]["failed"] == 0
    assert tasks["rejected"]["failed_items"][0]["error"] == (
        f"authentication failed (HTTP 401); check the variable {VARIABLE} (after 1 attempt)")
    echoed = tasks["echoed"]["failed_items"][0]["error"]
    assert echoed.startswith("HTTP 403: ") and "Bearer ***" in echoed  # the echo, scrubbed
    assert [m["api_key_env"] for m in report["config"]["models"]] == [VARIABLE] * 3  # the name only

    needle = key.encode()
    assert (cache / "predictions.sqlite3").exists()
    assert _files_holding(tmp_path / "out", needle) == []
    assert _files_holding(cache, needle) == []
    for done in runs:
        assert key not in done.stdout and key not in done.stderr
    assert key[3:] not in (tmp_path / "out" / "report.json").read_text()  # not even without its prefix
