"""Greedy decoding of many prompts that share a token prefix: the prefix is run once.

For a group of prompts [prefix][suffix_i], the prefix goes through the model once with batch
size 1. Then, batch by batch (rows sorted by length), the suffixes are run on top of the
shared prefix keys/values (see _shared_kv), one pass per run of equal suffix lengths so that no
padding is computed, positions continuing the prefix; then each row of the batch is decoded
greedily, one token per step for all rows together, until it produces an end
token, contains a stop string or reaches max_new_tokens. A finished row leaves the batch at
once, so later steps only compute the rows still going, and is yielded right away.
"""

from __future__ import annotations

import functools
import inspect
from dataclasses import dataclass, field
from typing import Any, Iterator, Sequence

from harness.backends._chat import has_stop

# torch and _shared_kv (which needs torch) are imported inside the functions, so that
# importing the backend module never needs torch: only loading a model does.


@dataclass
class PromptRow:
    """One prompt of a group: its token ids and, once decoded, its generated tokens."""

    request: Any  # the request the row decodes for (whatever the caller finds it again by)
    ids: list[int]
    tokens: list[int] = field(default_factory=list)
    max_new_tokens: int | None = None  # this row's own limit, within GreedyDone's


@dataclass
class TokenCounts:
    """Prompt tokens of the items versus the tokens the model actually ran over."""

    prompt: int = 0  # sum of the items' prompt lengths (what a naive harness runs over)
    processed: int = 0  # prompt tokens run through the model: shared prefixes count once
    padding: int = 0  # pad positions run through the model as well
    shared_prefixes: int = 0  # prefix passes of the fast path
    decode_steps: int = 0  # batched forward passes of the fast path, suffix passes included
    # Every forward pass of the fast path as (rows, new tokens per row, cached tokens before,
    # of which shared by all rows): what a benchmark needs to count the work done (not reported).
    passes: list[tuple[int, int, int, int]] = field(default_factory=list)

    def add_plain(self, lengths: list[int], padded: int) -> None:
        """A batch of the generate() path: every prompt token is run, plus the padding."""
        self.prompt += sum(lengths)
        self.processed += sum(lengths)
        self.padding += padded - sum(lengths)

    def as_info(self) -> dict[str, int]:
        return {"prompt_tokens": self.prompt, "prompt_tokens_processed": self.processed,
                "padding_tokens": self.padding, "shared_prefixes": self.shared_prefixes,
                "decode_steps": self.decode_steps}


@dataclass
class GreedyDone:
    """When a row is finished: an end token, max_new_tokens, or a stop string in its text."""

    tokenizer: Any
    eos_ids: set[int]
    max_new_tokens: int
    stop: list[str]

    def __call__(self, tokens: list[int], limit: int | None = None) -> bool:
        """Finished: an end token, the row's own limit (at most max_new_tokens), or a stop string."""
        if tokens[-1] in self.eos_ids or len(tokens) >= min(limit or self.max_new_tokens, self.max_new_tokens):
            return True
        if not self.stop:
            return False
        text = self.tokenizer.decode(tokens, skip_special_tokens=True)
        return has_stop(text, self.stop)


def greedy_done(tokenizer: Any, eos_ids: set[int], generation: Any) -> GreedyDone:
    return GreedyDone(tokenizer, eos_ids, generation.max_new_tokens, list(generation.stop))


def supports_shared_prefix(model: Any) -> bool:
    """Models whose attention goes through transformers' attention interface and is plain
    full attention (no sliding window, no logit softcapping), which _shared_kv computes."""
    config = model.config
    if not getattr(model, "_supports_attention_backend", False):
        return False
    if getattr(config, "attn_logit_softcapping", None):
        return False
    layer_types = getattr(config, "layer_types", None)
    if layer_types:
        return all(kind == "full_attention" for kind in layer_types)
    return not getattr(config, "sliding_window", None)


def decode_shared_prefix(model: Any, prefix_len: int, rows: Sequence[PromptRow], batch_size: int,
                         done: GreedyDone, counts: TokenCounts) -> Iterator[PromptRow]:
    """Yield each row once its greedy continuation is finished (done(tokens) is true)."""
    from harness.backends._shared_kv import shared_prefix_attention_on

    layers = _prefix_keys_values(model, rows[0].ids[:prefix_len])
    counts.processed += prefix_len
    counts.passes.append((1, prefix_len, 0, 0))
    counts.shared_prefixes += 1
    ordered = sorted(rows, key=lambda row: len(row.ids))  # similar lengths: little padding
    with shared_prefix_attention_on(model):
        for start in range(0, len(ordered), batch_size):
            chunk = ordered[start : start + batch_size]
            yield from _decode_batch(model, layers, prefix_len, chunk, done, counts)


def _prefix_keys_values(model: Any, prefix: list[int]) -> list[tuple[Any, Any]]:
    """The per-layer keys and values of the prefix, (1, kv_heads, prefix_len, head_dim), from a
    plain forward pass (no logits)."""
    import torch

    with torch.inference_mode():
        ids = torch.tensor([prefix], device=model.device)
        output = model.base_model(input_ids=ids, use_cache=True)
    cache = getattr(output, "cache", None) or output.past_key_values
    return [(layer.keys, layer.values) for layer in cache.layers]


def _decode_batch(model: Any, layers: list, prefix_len: int, batch: list[PromptRow],
                  done: GreedyDone, counts: TokenCounts) -> Iterator[PromptRow]:
    """Decode a batch of rows (sorted by prompt length) on top of the shared prefix."""
    import torch

    from harness.backends._shared_kv import SharedKVCache

    suffixes = [row.ids[prefix_len:] for row in batch]
    width = len(suffixes[-1])
    cache = SharedKVCache(layers, rows=len(batch), capacity=width + done.max_new_tokens)
    next_tokens = _suffix_passes(model, cache, suffixes, prefix_len, counts)
    positions = torch.tensor([[prefix_len + len(s)] for s in suffixes], device=model.device)
    cache.select(0, len(batch), at=width)
    alive = list(batch)
    while True:
        keep = []
        for index, (row, token) in enumerate(zip(alive, next_tokens.tolist())):
            row.tokens.append(token)
            if done(row.tokens, row.max_new_tokens):
                yield row
            else:
                keep.append(index)
        if not keep:
            return
        ids = next_tokens[:, None]
        if len(keep) < len(alive):
            order = cache.compact(keep)
            rows = torch.tensor(order, device=model.device)
            ids, positions = ids[rows], positions[rows]
            alive = [alive[i] for i in order]
        counts.passes.append((len(alive), 1, prefix_len + cache.at, prefix_len))
        next_tokens = _step(model, cache, ids, positions)
        counts.decode_steps += 1
        positions = positions + 1


def _suffix_passes(model: Any, cache: Any, suffixes: list[list[int]], prefix_len: int,
                   counts: TokenCounts) -> Any:
    """Run the suffixes, one pass per run of equal lengths (so no padding is computed), each
    row's keys/values right-aligned in the cache (a shorter row's first positions stay empty
    and hidden); the first generated token of every row."""
    import torch

    width, first, start = len(suffixes[-1]), [], 0
    while start < len(suffixes):
        length = len(suffixes[start])
        end = start + 1
        while end < len(suffixes) and len(suffixes[end]) == length:
            end += 1
        ids = torch.tensor(suffixes[start:end], device=model.device)
        positions = prefix_len + torch.arange(length, device=model.device).expand(end - start, -1)
        cache.select(start, end, at=width - length)
        counts.passes.append((end - start, length, prefix_len, prefix_len))
        first.append(_step(model, cache, ids, positions))
        counts.processed += ids.numel()
        counts.decode_steps += 1
        start = end
    return torch.cat(first)


def _step(model: Any, cache: Any, ids: Any, positions: Any) -> Any:
    """One forward pass over new tokens; the greedy next token of each row."""
    import torch

    with torch.inference_mode():
        cache.begin(ids.shape[1])
        kwargs = {_cache_argument(type(model)): cache}
        output = model(input_ids=ids, position_ids=positions, use_cache=True,
                       logits_to_keep=1, **kwargs)
        return output.logits[:, -1].argmax(dim=-1)


@functools.lru_cache(maxsize=8)
def _cache_argument(model_class: type) -> str:
    """transformers 5 calls the cache argument `cache`; earlier versions `past_key_values`."""
    parameters = inspect.signature(model_class.forward).parameters
    return "cache" if "cache" in parameters else "past_key_values"
