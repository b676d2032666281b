"""Generating one model's outputs for a run: resumed from the run log, found in the prediction
cache, or generated (loading the model only when something is left to generate).

Every string a backend supplies (answers, errors, its exceptions' messages) goes through the
backend's `redact` before it is stored, cut or reported, so a backend's secret never reaches
a file.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator

from harness.backends import Backend, Request, Result, create_backend
from harness.errors import HarnessError
from harness.run._cache import prediction_key
from harness.run._context import RunContext
from harness.run._events import GenerationFinished, GenerationStarted, ItemGenerated, ModelLoading
from harness.run._records import Generation, Output
from harness.tasks import EvalItem

FLUSH_EVERY = 8  # results per fsynced run-log batch
FLUSH_SECONDS = 2.0
ERROR_CHARS = 500  # a failure's message is cut to this, after redaction


@dataclass
class ModelRun:
    """One model's generations by (task, id), with its identity and timing."""

    records: dict[tuple[str, str], Generation]
    identity: dict[str, Any]
    runtime: dict[str, Any] = field(default_factory=dict)
    timing: dict[str, Any] = field(default_factory=dict)


def generation_for(model_config: Any, item: EvalItem) -> Any:
    """The model's generation options, with the item's own token limit when its task sets one."""
    if item.max_new_tokens is None:
        return model_config.generation
    return model_config.generation.model_copy(update={"max_new_tokens": item.max_new_tokens})


def run_model(model_config: Any, items: list[EvalItem], context: RunContext) -> ModelRun:
    """Every item's generation by `model_config`'s model: resumed, cached or generated."""
    emit = context.emit
    backend = create_backend(model_config)
    identity = backend.identity()
    keys = {(item.task, item.id): _key(model_config, identity, item) for item in items}
    records, n_resumed = _reused(model_config, items, keys, context)
    context.log.append_batch(records[(i.task, i.id)].to_json() for i in items
                             if (i.task, i.id) in records and (model_config.name, i.task, i.id) not in context.resumed)
    todo = [item for item in items if (item.task, item.id) not in records]
    run = ModelRun(records, identity)
    load_s = generate_s = 0.0
    try:
        if todo:
            started = time.perf_counter()
            emit(ModelLoading(model_config.name, model_config.backend))
            backend.load()
            load_s = time.perf_counter() - started
            started = time.perf_counter()
            emit(GenerationStarted(model_config.name, len(todo)))
            try:
                _Generation(model_config, backend, keys, records, context).run(todo)
            finally:
                emit(GenerationFinished(model_config.name))
            generate_s = time.perf_counter() - started
            run.runtime = backend.runtime_info()
    finally:
        backend.close()  # on Ctrl-C and errors too: connections and worker threads go
    generated = [records[(i.task, i.id)] for i in todo]
    completion = sum(r.completion_tokens or 0 for r in generated)
    run.timing = {
        "load_s": load_s, "generate_s": generate_s, "generated": len(todo),
        "cached": len(items) - len(todo) - n_resumed, "resumed": n_resumed,
        "prompt_tokens": sum(r.prompt_tokens or 0 for r in generated),
        "completion_tokens": completion, "tokens_per_s": completion / generate_s if generate_s and completion else None,
    }
    return run


def _key(model_config: Any, identity: dict[str, Any], item: EvalItem) -> str:
    """The item's prediction-cache key; its prompt is rendered for this and dropped again."""
    request = item.request(model_config.template_for(item.task))
    generation = generation_for(model_config, item).model_dump(mode="json")
    return prediction_key(model_config, identity, generation, request.system, request.prompt)


def _reused(model_config: Any, items: list[EvalItem], keys: dict,
            context: RunContext) -> tuple[dict[tuple[str, str], Generation], int]:
    """Generations finished in an earlier attempt of this run (same key, well formed), then
    prediction-cache hits; and how many came from the earlier attempt."""
    records: dict[tuple[str, str], Generation] = {}
    for item in items:
        old = Generation.from_log(context.resumed.get((model_config.name, item.task, item.id)),
                                  keys[(item.task, item.id)])
        if old is not None:
            records[(item.task, item.id)] = old
    n_resumed = len(records)
    hits = context.cache.get_many(keys[(i.task, i.id)] for i in items if (i.task, i.id) not in records)
    for item in items:
        key = keys[(item.task, item.id)]
        if (item.task, item.id) not in records and key in hits:
            records[(item.task, item.id)] = Generation.made(
                model_config.name, item, key, hits[key], generation_for(model_config, item).max_new_tokens)
    return records, n_resumed


class _Generation:
    """Feeds the backend the items left, keeps each result as it comes (run log, cache, records)."""

    def __init__(self, model_config: Any, backend: Backend, keys: dict, records: dict, context: RunContext):
        self.model, self.backend, self.keys, self.records = model_config, backend, keys, records
        self.cache, self.log, self.emit = context.cache, context.log, context.emit
        self.pending: list[Generation] = []
        self.last_flush = time.monotonic()

    def run(self, todo: list[EvalItem]) -> None:
        # One backend call for every item (an item's own token limit travels in its request), so
        # a backend can batch them all: summaries of every style share their article's prefix.
        pairs = [(item, item.request(self.model.template_for(item.task))) for item in todo]
        self.by_id: dict[str, EvalItem] = {request.id: item for item, request in pairs}
        try:
            self._generate(self.model.generation, pairs)
            del pairs
        finally:
            self.flush()  # on Ctrl-C too: what finished is kept
        for item in todo:  # a backend that skipped an item: a failure, never a silent hole
            if (item.task, item.id) not in self.records:
                record = Generation.made(self.model.name, item, self.keys[(item.task, item.id)],
                                         Output(None, "backend returned no result"),
                                         generation_for(self.model, item).max_new_tokens)
                self.records[(item.task, item.id)] = record
                self.log.append_batch([record.to_json()])

    def _generate(self, generation: Any, pairs: list[tuple[EvalItem, Request]]) -> None:
        requests = [request for _, request in pairs]
        failure = _consume(lambda: self.backend.generate(requests, generation), self.keep)
        if failure is None:
            return
        for item, request in pairs:  # the backend raised: retry what is left one at a time, so only the culprit fails
            if (item.task, item.id) in self.records:
                continue
            error = _consume(lambda: self.backend.generate([request], generation), self.keep)
            if error is not None and (item.task, item.id) not in self.records:
                self.keep(Result(request.id, None, error=self._describe(error)))

    def keep(self, result: Result) -> None:
        item = self.by_id.get(result.id)
        if item is None or (item.task, item.id) in self.records:
            return  # an id we did not ask for, or a second answer: the first one counts
        output = self._checked(result)
        limit = generation_for(self.model, item).max_new_tokens
        record = Generation.made(self.model.name, item, self.keys[(item.task, item.id)], output, limit)
        self.records[(item.task, item.id)] = record
        self.pending.append(record)
        self.emit(ItemGenerated(self.model.name))
        if len(self.pending) >= FLUSH_EVERY or time.monotonic() - self.last_flush > FLUSH_SECONDS:
            self.flush()

    def _checked(self, result: Result) -> Output:
        """The result redacted: text or else an error; truncated when it used the whole token limit."""
        prompt, completion = result.prompt_tokens, result.completion_tokens
        if result.error is not None:
            return Output(None, self.backend.redact(str(result.error)), prompt, completion)
        if not isinstance(result.text, str):
            return Output(None, f"backend returned {type(result.text).__name__} instead of text", prompt, completion)
        limit = generation_for(self.model, self.by_id[result.id]).max_new_tokens
        truncated = type(completion) is int and completion >= limit
        return Output(self.backend.redact(result.text), None, prompt, completion, truncated)

    def flush(self) -> None:
        batch = list(self.pending)
        self.pending.clear()  # a failed append is reported once, not again by the final flush
        self.last_flush = time.monotonic()
        self.log.append_batch(g.to_json() for g in batch)
        self.cache.put_many(batch)

    def _describe(self, error: Exception) -> str:
        """One line for the report: the exception's type and message, redacted, whitespace
        collapsed, then cut."""
        text = self.backend.redact(f"{type(error).__name__}: {error}")
        return " ".join(text.split())[:ERROR_CHARS]


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
