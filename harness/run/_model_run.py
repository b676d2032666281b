"""Generating one model's outputs for a run: resumed from the run log, found in the prediction
cache, or generated (loading the model only when something is left to generate)."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator

from tqdm import tqdm

from harness.backends import Result, create_backend
from harness.run._cache import PredictionCache, prediction_key
from harness.errors import HarnessError
from harness.run._items import EvalItem
from harness.run._runlog import RunLog

FLUSH_EVERY = 8  # results per fsynced run-log batch
FLUSH_SECONDS = 2.0


@dataclass
class ModelRun:
    """One model's records by (task, id), with its identity and timing."""

    records: dict[tuple[str, str], dict[str, Any]]
    identity: dict[str, Any]
    runtime: dict[str, Any] = field(default_factory=dict)
    timing: dict[str, Any] = field(default_factory=dict)


def _record(model: str, item: EvalItem, key: str, text: str | None, error: str | None,
            prompt_tokens: int | None = None, completion_tokens: int | None = None) -> dict[str, Any]:
    return {
        "model": model, "task": item.task, "id": item.id, "cache_key": key, "prediction": _valid_text(text),
        "error": _valid_text(error), "prompt_tokens": prompt_tokens, "completion_tokens": completion_tokens,
    }


def _valid_text(text: str | None) -> str | None:
    """Model output as valid Unicode: a lone surrogate (a server's stray "\ud800") becomes "?"
    instead of breaking every UTF-8 file the run writes."""
    return None if text is None else text.encode("utf-8", "replace").decode("utf-8")


def run_model(model_config, items: list[EvalItem], resumed: dict, cache: PredictionCache, log: RunLog) -> ModelRun:
    backend = create_backend(model_config)
    identity = backend.identity()
    generation = model_config.generation.model_dump(mode="json")
    keys = {(i.task, i.id): prediction_key(identity, generation, i.request.system, i.request.prompt) for i in items}
    records: dict[tuple[str, str], dict[str, Any]] = {}
    for item in items:  # resumed: finished in an earlier attempt of this run, with the same key
        old = resumed.get((model_config.name, item.task, item.id))
        if old and old.get("error") is None and old.get("cache_key") == keys[(item.task, item.id)]:
            records[(item.task, item.id)] = old
    n_resumed = len(records)
    hits = cache.get_many(keys[(i.task, i.id)] for i in items if (i.task, i.id) not in records)
    for item in items:
        key = keys[(item.task, item.id)]
        if (item.task, item.id) not in records and key in hits:
            hit = hits[key]
            records[(item.task, item.id)] = _record(model_config.name, item, key, hit["text"], None, hit.get("prompt_tokens"), hit.get("completion_tokens"))
    n_cached = len(records) - n_resumed
    log.append_batch(records[(i.task, i.id)] for i in items if (i.task, i.id) in records and (model_config.name, i.task, i.id) not in resumed)
    todo = [item for item in items if (item.task, item.id) not in records]
    run = ModelRun(records, identity)
    load_s = generate_s = 0.0
    try:
        if todo:
            started = time.perf_counter()
            print(f"loading {model_config.name} ({model_config.backend})...", flush=True)
            backend.load()
            load_s = time.perf_counter() - started
            started = time.perf_counter()
            _generate(model_config, backend, todo, keys, records, cache, log)
            generate_s = time.perf_counter() - started
            run.runtime = backend.runtime_info()
    finally:
        backend.close()  # on Ctrl-C and errors too: connections and worker threads go
    generated = [records[(i.task, i.id)] for i in todo]
    completion = sum(r.get("completion_tokens") or 0 for r in generated)
    run.timing = {
        "load_s": load_s, "generate_s": generate_s, "generated": len(todo), "cached": n_cached,
        "resumed": n_resumed, "prompt_tokens": sum(r.get("prompt_tokens") or 0 for r in generated),
        "completion_tokens": completion, "tokens_per_s": completion / generate_s if generate_s and completion else None,
    }
    return run


def _generate(model_config, backend, todo: list[EvalItem], keys: dict, records: dict, cache: PredictionCache, log: RunLog) -> None:
    by_id = {item.request.id: item for item in todo}
    pending: list[dict[str, Any]] = []
    last_flush = time.monotonic()
    secret = _api_key(model_config)

    def keep(result: Result) -> None:
        nonlocal last_flush
        item = by_id.get(result.id)
        if item is None or (item.task, item.id) in records:
            return  # an id we did not ask for, or a second answer: the first one counts
        error = _scrub(result.error, secret) if result.error is not None else None
        record = _record(model_config.name, item, keys[(item.task, item.id)], result.text, error, result.prompt_tokens, result.completion_tokens)
        records[(item.task, item.id)] = record
        pending.append(record)
        bar.update(1)
        if len(pending) >= FLUSH_EVERY or time.monotonic() - last_flush > FLUSH_SECONDS:
            flush()

    def flush() -> None:
        nonlocal last_flush
        batch = list(pending)
        pending.clear()  # a failed append is reported once, not again by the final flush
        last_flush = time.monotonic()
        log.append_batch(batch)
        cache.put_many({r["cache_key"]: {"text": r["prediction"], "prompt_tokens": r["prompt_tokens"],
                                         "completion_tokens": r["completion_tokens"]} for r in batch if r["error"] is None})

    bar = tqdm(total=len(todo), desc=f"{model_config.name}", unit="item", dynamic_ncols=True)
    try:
        failure = _consume(lambda: backend.generate([item.request for item in todo], model_config.generation), keep)
        if failure is not None:  # the backend raised: retry what is left one at a time, so only the culprit fails
            for item in [i for i in todo if (i.task, i.id) not in records]:
                error = _consume(lambda: backend.generate([item.request], model_config.generation), keep)
                if error is not None and (item.task, item.id) not in records:
                    keep(Result(item.request.id, None, error=_describe(error, secret)))
    finally:
        flush()  # on Ctrl-C too: what finished is kept
        bar.close()
    for item in todo:  # a backend that skipped an item: a failure, never a silent hole
        if (item.task, item.id) not in records:
            record = _record(model_config.name, item, keys[(item.task, item.id)], None, "backend returned no result")
            records[(item.task, item.id)] = record
            log.append_batch([record])


def _consume(start: Callable[[], Iterator[Result]] | None, keep: Callable[[Result], None]) -> Exception | None:
    """Feed each result the backend yields to `keep`; the exception it raised instead, if any.

    Only the backend's exceptions are caught (ours, from `keep`, go on), and a HarnessError (the
    user's problem: a missing package, an unset key variable) still stops the run. The generator
    is always closed, so a backend's worker threads stop on Ctrl-C or failure.
    """
    results: Iterator[Result] = iter(())
    try:
        while True:
            try:
                if start is not None:
                    results, start = iter(start()), None
                result = next(results)
            except StopIteration:
                return None
            except HarnessError:
                raise
            except Exception as error:  # a bug or crash inside the backend: fail items, not the run
                return error
            keep(result)
    finally:
        close = getattr(results, "close", None)
        if close is not None:
            close()


def _api_key(model_config) -> str | None:
    variable = getattr(model_config, "api_key_env", None)
    return os.environ.get(variable) or None if variable else None


def _scrub(message: str, secret: str | None) -> str:
    """Never record an API key, whatever a backend put in its message."""
    return message.replace(secret, "***") if secret else message


def _describe(error: Exception, secret: str | None) -> str:
    """One line for the report: the exception's type and message, whitespace collapsed, capped."""
    text = " ".join(f"{type(error).__name__}: {error}".split())
    return _scrub(text[:500], secret)
