"""Log-probabilities of many continuations of one prefix, the prefix run once.

For a prefix P and continuations C_1..C_n, the keys and values of P[:-1] are computed once
(batch size 1, as the generation fast path does); each row then runs [P[-1]] + C_i on top of
them through SharedKVCache and the shared-prefix attention of _shared_kv, with positions
continuing the prefix. The logits at row position j predict C_i[j], so the last prefix token
gives the first continuation token its log-probability. Rows are sorted by length and batched
with right padding: under causal attention a real token never sees the pads after it, and the
pads' logits are not read.

`score_separately` is the plain computation: one forward pass over P + C_i per continuation.
"""

from __future__ import annotations

from typing import Any, Sequence

from harness.backends._prefix import TokenCounts

# torch is imported inside the functions (see _prefix).


def score_shared_prefix(model: Any, prefix: Sequence[int], continuations: Sequence[Sequence[int]],
                        batch_size: int, counts: TokenCounts) -> list[list[float]]:
    """Per continuation, the natural-log probability of each of its tokens after `prefix`."""
    from harness.backends._prefix import _prefix_keys_values
    from harness.backends._shared_kv import shared_prefix_attention_on

    if len(prefix) < 2:
        return score_separately(model, prefix, continuations, counts)
    prefix_len = len(prefix) - 1
    layers = _prefix_keys_values(model, list(prefix[:prefix_len]))
    counts.processed += prefix_len
    counts.shared_prefixes += 1
    counts.passes.append((1, prefix_len, 0, 0))
    order = sorted(range(len(continuations)), key=lambda i: len(continuations[i]))
    out: list[list[float]] = [[] for _ in continuations]
    rows = [i for i in order if continuations[i]]
    with shared_prefix_attention_on(model):
        for start in range(0, len(rows), max(1, batch_size)):
            chunk = rows[start : start + batch_size]
            suffixes = [[prefix[-1], *continuations[i]] for i in chunk]
            for i, logprobs in zip(chunk, _batch_logprobs(model, layers, prefix_len, suffixes, counts)):
                out[i] = logprobs
    return out


def _batch_logprobs(model: Any, layers: list, prefix_len: int, suffixes: list[list[int]],
                    counts: TokenCounts) -> list[list[float]]:
    """One forward pass over the right-padded suffixes on top of the shared prefix."""
    import torch

    from harness.backends._prefix import _cache_argument
    from harness.backends._shared_kv import SharedKVCache

    width = max(len(s) for s in suffixes)
    pad = suffixes[0][0]  # any id: pads come after every real token of their row
    ids = torch.tensor([s + [pad] * (width - len(s)) for s in suffixes], device=model.device)
    positions = prefix_len + torch.arange(width, device=model.device).expand(len(suffixes), -1)
    cache = SharedKVCache(layers, rows=len(suffixes), capacity=width)
    counts.processed += sum(len(s) for s in suffixes)
    counts.padding += ids.numel() - sum(len(s) for s in suffixes)
    counts.passes.append((len(suffixes), width, prefix_len, prefix_len))
    counts.decode_steps += 1
    with torch.inference_mode():
        cache.begin(width)
        output = model(input_ids=ids, position_ids=positions, use_cache=True, logits_to_keep=0,
                       **{_cache_argument(type(model)): cache})
        return [_token_logprobs(output.logits[row, : len(s) - 1], s[1:])
                for row, s in enumerate(suffixes)]


def _token_logprobs(logits: Any, targets: Sequence[int]) -> list[float]:
    """log softmax (float32) of each position's logits, read at its target token."""
    import torch

    logprobs = torch.log_softmax(logits.float(), dim=-1)
    index = torch.tensor(list(targets), device=logits.device)[:, None]
    return logprobs.gather(-1, index)[:, 0].tolist()


def score_separately(model: Any, prefix: Sequence[int], continuations: Sequence[Sequence[int]],
                     counts: TokenCounts) -> list[list[float]]:
    """The same log-probabilities, one plain forward pass over prefix + continuation each."""
    import torch

    out = []
    for continuation in continuations:
        if not continuation:
            out.append([])
            continue
        ids = [*prefix, *continuation]
        counts.processed += len(ids)
        with torch.inference_mode():
            logits = model(input_ids=torch.tensor([ids], device=model.device),
                           logits_to_keep=len(continuation) + 1).logits[0]
        out.append(_token_logprobs(logits[:-1], continuation))
    return out
