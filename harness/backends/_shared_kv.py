"""Attention over one shared prefix plus per-row suffixes, without copying the prefix per row.

Many prompts share a long prefix (system text + article). Its keys and values are computed
once, with batch size 1, and stay that way: each row of a batch only stores the keys and
values of its own suffix (question, then generated tokens). Expanding the prefix cache to B
rows would make every decode step read (and torch.cat copy) B copies of it.

`SharedKVCache` plays the part of a transformers cache: a model layer calls
`update(keys, values, layer_idx)` and passes what it returns, a `SharedKV`, to the attention
function registered here as ATTENTION_NAME. That function scores each query against the prefix
(one batched matmul over all rows) and against its row's suffix (masked), and normalizes both
parts with one softmax.
"""

from __future__ import annotations

import contextlib
from typing import Any, Iterator, NamedTuple

import torch

ATTENTION_NAME = "harness_shared_prefix"
# torch's fused CPU attention that also returns the log-sum-exp (a private op: on other
# devices, or a torch version without it, the same math runs unfused).
try:
    _FLASH: Any = torch.ops.aten._scaled_dot_product_flash_attention_for_cpu
except (AttributeError, RuntimeError):
    _FLASH = None


class SharedKV(NamedTuple):
    """The keys or values one attention layer sees: the shared prefix and the rows' suffixes."""

    prefix: torch.Tensor  # (1, kv_heads, prefix_len, head_dim)
    suffix: torch.Tensor  # (rows, kv_heads, suffix_len, head_dim)
    mask: torch.Tensor  # (rows, 1, queries, suffix_len), additive float32: 0 visible, -inf hidden
    every_query_sees_a_key: bool = False  # no query is masked from the whole suffix


class SharedKVCache:
    """Per layer: the prefix keys/values (from a normal forward pass) and the suffix ones.

    The suffix keys/values of a layer live in one zeroed buffer of `capacity` positions per
    row, allocated at the first pass and written in place after that (no copy of the whole
    cache per step). A pass covers the rows and writes at the position that `select` chose;
    positions a row never wrote stay hidden.
    """

    def __init__(self, prefix_layers: list[tuple[torch.Tensor, torch.Tensor]], rows: int,
                 capacity: int):
        self.prefix = prefix_layers
        self.capacity, self.total_rows = capacity, rows
        self.suffix: list[tuple[torch.Tensor, torch.Tensor] | None] = [None] * len(prefix_layers)
        device = prefix_layers[0][0].device
        self.visible = torch.zeros((rows, capacity), dtype=torch.bool, device=device)  # real keys
        self.mask: torch.Tensor | None = None  # the mask of the forward pass in progress
        self.select(0, rows, at=0)

    def select(self, start: int, end: int, at: int) -> None:
        """The next passes are over rows start..end-1, their new tokens written from `at` on."""
        self.rows, self.at = slice(start, end), at

    def begin(self, new: int) -> None:
        """Before a forward pass over `new` tokens of each selected row: each new token sees
        the row's earlier suffix tokens and itself (causal), and the whole prefix."""
        if self.at + new > self.capacity:
            raise ValueError(f"shared-prefix cache full: {self.at} + {new} > {self.capacity}")
        self.start, self.length = self.at, self.at + new
        self.visible[self.rows, self.start : self.length] = True
        causal = torch.ones(new, self.length, dtype=torch.bool, device=self.visible.device)
        allowed = causal.tril(diagonal=self.start)[None] & self.visible[self.rows, None, : self.length]
        zero = torch.zeros((), dtype=torch.float32, device=self.visible.device)
        self.mask = torch.where(allowed, zero, float("-inf"))[:, None]
        self.dense = bool(allowed.any(-1).all())  # true: each new token sees at least itself
        self.at = self.length

    def update(self, keys: torch.Tensor, values: torch.Tensor, layer_idx: int,
               *args: Any, **kwargs: Any) -> tuple[SharedKV, SharedKV]:
        if self.suffix[layer_idx] is None:
            shape = (self.total_rows, keys.shape[1], self.capacity, keys.shape[3])
            self.suffix[layer_idx] = (keys.new_zeros(shape), values.new_zeros(shape))
        buffers = self.suffix[layer_idx]
        buffers[0][self.rows, :, self.start : self.length] = keys
        buffers[1][self.rows, :, self.start : self.length] = values
        prefix_keys, prefix_values = self.prefix[layer_idx]
        return (SharedKV(prefix_keys, buffers[0][self.rows, :, : self.length], self.mask, self.dense),
                SharedKV(prefix_values, buffers[1][self.rows, :, : self.length], self.mask, self.dense))

    def compact(self, keep: list[int]) -> list[int]:
        """Keep only the listed rows (ascending indices of the current ones): later passes skip
        the others. Rows are not all copied to close the gaps: each kept row from beyond the
        new end moves into a gap. Returns, for each new row, the index it had before."""
        alive = len(keep)
        kept = set(keep)
        holes = [i for i in range(alive) if i not in kept]
        movers = [i for i in keep if i >= alive]
        order = list(range(alive))
        if holes:
            to, source = (torch.tensor(x, device=self.visible.device) for x in (holes, movers))
            with torch.inference_mode():  # the buffers were made in inference mode
                for buffer in [self.visible, *(b for kv in self.suffix if kv is not None for b in kv)]:
                    buffer.index_copy_(0, to, buffer.index_select(0, source))
            for hole, mover in zip(holes, movers):
                order[hole] = mover
        self.select(0, alive, at=self.at)
        return order


def shared_prefix_attention(module: Any, query: torch.Tensor, key: Any, value: Any,
                            attention_mask: Any, scaling: float | None = None,
                            dropout: float = 0.0, **kwargs: Any) -> tuple[torch.Tensor, None]:
    """Attention for query (rows, heads, queries, head_dim) over a SharedKV; output is
    (rows, queries, heads, head_dim) like transformers' own attention functions.

    The prefix part and the suffix part are each normalized on their own, then merged by
    their log-sum-exps (in float32): the same result as one softmax over [prefix, suffix] keys.
    """
    if not isinstance(key, SharedKV):
        raise NotImplementedError("shared-prefix attention needs a SharedKVCache")
    if kwargs.get("sliding_window") or kwargs.get("softcap"):
        raise NotImplementedError("shared-prefix attention: no sliding window or softcap")
    scale = scaling if scaling is not None else query.shape[-1] ** -0.5
    prefix_out, prefix_lse = _prefix_part(query, key.prefix, value.prefix, scale)
    suffix_out, suffix_lse = _suffix_part(query, key, value, scale)
    # The prefix's share of the softmax mass is exp(p) / (exp(p) + exp(s)) = sigmoid(p - s).
    share = torch.sigmoid(prefix_lse - suffix_lse).unsqueeze(-1)
    out = torch.lerp(suffix_out, prefix_out, share)
    return out.to(query.dtype).transpose(1, 2).contiguous(), None


def _by_kv_head(query: torch.Tensor, kv_heads: int) -> torch.Tensor:
    """(rows, heads, queries, dim) -> (1, kv_heads, group * rows * queries, dim): the queries of
    every row and of every query head that shares a key/value head, stacked into one sequence
    (query head h uses kv head h // group, as transformers' repeat_kv has it)."""
    rows, heads, queries, dim = query.shape
    grouped = query.reshape(rows, kv_heads, heads // kv_heads, queries, dim)
    return grouped.permute(1, 2, 0, 3, 4).reshape(1, kv_heads, -1, dim)


def _from_kv_head(stacked: torch.Tensor, rows: int, heads: int, queries: int) -> torch.Tensor:
    """The inverse of _by_kv_head for (1, kv_heads, n, *tail) -> (rows, heads, queries, *tail)."""
    kv_heads, tail = stacked.shape[1], stacked.shape[3:]
    grouped = stacked.reshape(kv_heads, heads // kv_heads, rows, queries, *tail)
    return grouped.movedim(2, 0).reshape(rows, heads, queries, *tail)


def _prefix_part(query: torch.Tensor, keys: torch.Tensor, values: torch.Tensor,
                 scale: float) -> tuple[torch.Tensor, torch.Tensor]:
    """Attention of every query over the prefix (no mask: all of it is visible), with its
    float32 log-sum-exp. All queries that share a key/value head are stacked into one
    sequence, so each prefix head is read once per step, not once per row and query head.
    keys/values: (1, kv_heads, prefix_len, head_dim)."""
    rows, heads, queries, _ = query.shape
    stacked = _by_kv_head(query, keys.shape[1])
    if _FLASH is not None and query.device.type == "cpu":  # fused, also returns the lse
        out, lse = _FLASH(stacked, keys, values, 0.0, False, scale=scale)[:2]
        out = out.float()
    else:
        scores = (stacked.float() @ keys.float().transpose(2, 3)) * scale
        lse = scores.logsumexp(-1)
        out = (scores - lse.unsqueeze(-1)).exp_() @ values.float()
    return (_from_kv_head(out, rows, heads, queries),
            _from_kv_head(lse.float().unsqueeze(-1), rows, heads, queries).squeeze(-1))


def _suffix_part(query: torch.Tensor, key: SharedKV, value: SharedKV,
                 scale: float) -> tuple[torch.Tensor, torch.Tensor]:
    """Masked attention of each row's queries over its own suffix keys (few: the question
    and the tokens generated so far), grouped-query heads sharing their key/value head, with
    its float32 log-sum-exp. Fused on CPU when no query is masked from every key (the fused
    kernel would give NaN there); else in plain float32 torch."""
    rows, heads, queries, dim = query.shape
    kv_heads = key.suffix.shape[1]
    if _FLASH is not None and query.device.type == "cpu" and key.every_query_sees_a_key:
        # fused: one kernel instead of a tiny matmul per row and head (the cost of a decode step)
        grouped = query.reshape(rows, kv_heads, -1, dim)  # per kv head: its query heads' queries
        mask = key.mask.repeat(1, 1, heads // kv_heads, 1).to(query.dtype)
        out, lse = _FLASH(grouped, key.suffix, value.suffix, 0.0, False, attn_mask=mask, scale=scale)[:2]
        return out.float().reshape(rows, heads, queries, dim), lse.float().reshape(rows, heads, queries)
    grouped = query.float().reshape(rows, kv_heads, -1, dim)  # query head h uses kv head h // group
    scores = (grouped @ key.suffix.float().transpose(2, 3)) * scale
    scores = scores.reshape(rows, heads, queries, -1) + key.mask
    lse = scores.logsumexp(-1)
    # A pad query sees no suffix key at all: its lse is -inf, so it takes the prefix part.
    weights = (scores - lse.unsqueeze(-1).clamp(min=torch.finfo(scores.dtype).min)).exp_()
    out = weights.reshape(rows, kv_heads, -1, scores.shape[-1]) @ value.suffix.float()
    return out.reshape(rows, heads, queries, dim), lse


@contextlib.contextmanager
def shared_prefix_attention_on(model: Any) -> Iterator[None]:
    """Route the model's attention through shared_prefix_attention, then restore it."""
    from transformers import AttentionInterface

    AttentionInterface.register(ATTENTION_NAME, shared_prefix_attention)
    previous = model.config._attn_implementation
    model.config._attn_implementation = ATTENTION_NAME
    try:
        yield
    finally:
        model.config._attn_implementation = previous
