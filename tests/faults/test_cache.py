"""The prediction cache and the run log as a run reads them back: a key that covers every option
that changes the output, rows and records that are not what the run wrote, a damaged cache
file, and an answer far longer than the item's token limit.

Real files throughout (the SQLite cache, the run log) and `harness run` as a subprocess, against
the lead baseline or the stand-in OpenAI-compatible server on loopback.
"""

from __future__ import annotations

import json
import sqlite3

import pytest

from harness.backends import backend_configs
from harness.run._cache import prediction_key
from harness.run._records import MAX_CHARS_PER_TOKEN
from harness.run._runlog import RUN_LOG_NAME
from support.faults import (
    HUGE_ANSWER_CHARS, StandInServer, fault_model, openai_model, read_jsonl, run_harness, write_config,
)

# A valid entry of each registered backend, and a change of each of its fields: the fields that
# can change the output (each must change the key) and those declared output-neutral (none may).
BASES = {
    "lead": {},
    "predictions": {"path": "predictions.jsonl"},
    "openai": {"base_url": "http://127.0.0.1:8080/v1", "model": "m"},
    "transformers": {"model": "org/model"},
}
GENERATION = {"generation": {"max_new_tokens": 7, "temperature": 0.5, "top_p": 0.5, "seed": 1, "stop": ["\n"]}}
CHANGES = {
    "lead": {"sentences": {"sentences": 3}},
    "predictions": {"path": {"path": "other.jsonl"}},
    "openai": {"base_url": {"base_url": "http://127.0.0.1:8081/v1"}, "model": {"model": "m2"},
               "api": {"api": "completions"}},
    "transformers": {
        "model": {"model": "org/other"}, "gguf": {"model": None, "gguf": {"path": "weights.gguf"}},
        "tokenizer": {"tokenizer": "org/tokenizer"}, "revision": {"revision": "v2"}, "device": {"device": "cpu"},
        "dtype": {"dtype": "float16"}, "fast_path": {"fast_path": False},
        "trust_remote_code": {"trust_remote_code": True}, "max_context": {"max_context": 512},
    },
}
NEUTRAL_CHANGES = {
    "lead": {},
    "predictions": {},
    "openai": {"api_key_env": "OTHER_KEY", "max_concurrency": 9, "timeout_s": 5.0, "max_retries": 0,
               "retry_after_max_s": 1.0},
    "transformers": {"batch_size": 2, "threads": 3, "cpu_matmul": "onednn"},
}
IDENTITY = {"model_ref": "ref", "revision": None, "model_sha256": None}


def _key(backend: str, system: str = "system", prompt: str = "prompt", **update) -> str:
    config = backend_configs()[backend].model_validate({"name": "m", "backend": backend, **BASES[backend], **update})
    return prediction_key(config, IDENTITY, config.generation.model_dump(mode="json"), system, prompt)


def test_every_option_that_is_not_declared_output_neutral_is_in_the_cache_key():
    configs = backend_configs()
    assert set(configs) == set(BASES), "a registered backend this test does not know: add it to the tables"
    for backend, config in configs.items():
        neutral = config.output_neutral
        assert neutral <= set(config.model_fields), f"{backend}: declares a neutral field it does not have"
        # `prompts` (a per-model template) reaches the key through the text it renders, checked below.
        assert set(CHANGES[backend]) == set(config.model_fields) - neutral - {"name", "generation", "backend",
                                                                               "prompts"}, backend
        assert set(NEUTRAL_CHANGES[backend]) == neutral - {"name"}, backend
        base = _key(backend)
        for field, update in CHANGES[backend].items():
            assert _key(backend, **update) != base, f"{backend}.{field} is not in the key"
        for field, value in GENERATION["generation"].items():
            assert _key(backend, generation={field: value}) != base, f"{backend}.generation.{field} is not in the key"
        for field, value in NEUTRAL_CHANGES[backend].items():
            assert _key(backend, **{field: value}) == base, f"{backend}.{field} is declared neutral but changes the key"
        assert _key(backend, name="another-name") == base
        assert _key(backend, prompt="another prompt") != base and _key(backend, system="another") != base


@pytest.mark.slow
def test_a_completions_run_after_a_chat_run_asks_the_server_again(tmp_path):
    with StandInServer() as server:
        runs = []
        for api in ("chat", "completions", "completions"):
            config = write_config(tmp_path, [openai_model("a", server.base_url, api=api)], {"qa": {}})
            before = server.requests
            done = run_harness("run", config, "--output", tmp_path / api, "--limit", "3", cache=tmp_path / "cache")
            assert done.returncode == 0, done.stderr
            runs.append(server.requests - before)
    assert runs == [3, 3, 0]  # the completions run misses the chat run's entries, then is cached itself


BAD_ROWS = ["not json", "{}", "[]", '{"text": 5}', '{"text": null}']


def _lead_config(tmp_path):
    return write_config(tmp_path, [{"name": "lead", "backend": "lead"}], {"qa": {}})


def _predictions(out) -> list[tuple[str, str]]:
    return [(p["id"], p["prediction"]) for p in read_jsonl(out / "predictions.jsonl")]


def test_a_cache_row_that_is_not_an_entry_is_a_miss_and_is_replaced(tmp_path):
    config, cache = _lead_config(tmp_path), tmp_path / "cache"
    first = run_harness("run", config, "--output", tmp_path / "first", "--limit", "5", cache=cache)
    assert first.returncode == 0, first.stderr
    database = sqlite3.connect(cache / "predictions.sqlite3")
    keys = [key for (key,) in database.execute("SELECT key FROM predictions ORDER BY key")]
    assert len(keys) == 5
    with database:
        database.executemany("UPDATE predictions SET value = ? WHERE key = ?", list(zip(BAD_ROWS, keys)))
    database.close()

    second = run_harness("run", config, "--output", tmp_path / "second", "--limit", "5", cache=cache)
    assert second.returncode == 0, second.stderr
    assert _predictions(tmp_path / "second") == _predictions(tmp_path / "first")
    assert json.loads((tmp_path / "second" / "report.json").read_text())["models"][0]["timing"]["generated"] == 5
    for record in read_jsonl(tmp_path / "second" / RUN_LOG_NAME):
        assert isinstance(record["prediction"], str) and record["error"] is None
    database = sqlite3.connect(cache / "predictions.sqlite3")
    rows = dict(database.execute("SELECT key, value FROM predictions"))
    database.close()
    assert sorted(rows) == keys and all(isinstance(json.loads(v)["text"], str) for v in rows.values())


def test_a_malformed_run_log_record_is_generated_again_on_resume(tmp_path):
    config, cache = _lead_config(tmp_path), tmp_path / "cache"
    first = run_harness("run", config, "--output", tmp_path / "first", "--limit", "6", "--no-cache", cache=cache)
    assert first.returncode == 0, first.stderr
    records = read_jsonl(tmp_path / "first" / RUN_LOG_NAME)
    damage = [{"prediction": None}, {"prediction": 5}, {"completion_tokens": "12"}, {"truncated": "no"},
              {"prompt_tokens": -1}]
    lines = [{**record, **change} for record, change in zip(records, damage)] + [records[5]]
    out = tmp_path / "resumed"
    out.mkdir()
    (out / RUN_LOG_NAME).write_text("".join(json.dumps(line) + "\n" for line in lines))

    resumed = run_harness("run", config, "--output", out, "--limit", "6", "--resume", "--no-cache", cache=cache)
    assert resumed.returncode == 0, resumed.stderr
    assert _predictions(out) == _predictions(tmp_path / "first")
    timing = json.loads((out / "report.json").read_text())["models"][0]["timing"]
    assert (timing["resumed"], timing["generated"]) == (1, 5)  # only the intact record was trusted


def test_a_damaged_cache_file_is_named_with_what_to_do(tmp_path):
    cache = tmp_path / "cache"
    cache.mkdir()
    damaged = cache / "predictions.sqlite3"
    damaged.write_bytes(b"this is not a database\n" * 400)
    done = run_harness("run", _lead_config(tmp_path), "--output", tmp_path / "out", "--limit", "2", cache=cache)
    assert done.returncode == 2
    assert done.stderr.splitlines() == [
        f"error: prediction cache {damaged} is damaged (file is not a database); delete that file (it holds only "
        "cached predictions) and rerun, or pass --no-cache"]


@pytest.mark.slow
def test_an_answer_far_over_the_token_limit_is_stored_cut_and_marked_truncated(tmp_path):
    cache = tmp_path / "cache"
    with StandInServer() as server:
        config = write_config(tmp_path, [fault_model("huge-answer", server.base_url)], {"qa": {}})
        done = run_harness("run", config, "--output", tmp_path / "out", "--limit", "2", cache=cache)
    assert done.returncode == 0, done.stderr
    cap = MAX_CHARS_PER_TOKEN * 16  # the model's max_new_tokens
    predictions = read_jsonl(tmp_path / "out" / "predictions.jsonl")
    assert [len(p["prediction"]) for p in predictions] == [cap, cap] and cap < HUGE_ANSWER_CHARS
    assert all(p["truncated"] for p in predictions)
    assert json.loads((tmp_path / "out" / "report.json").read_text())["models"][0]["tasks"]["qa"]["truncated"] == 2
    for path in (tmp_path / "out" / RUN_LOG_NAME, tmp_path / "out" / "report.html", cache / "predictions.sqlite3"):
        assert path.stat().st_size < 200_000, path
