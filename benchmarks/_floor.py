"""A first-principles floor for a generation run: the work counted, the machine measured.

Work: every forward pass the fast path made (rows, new tokens per row, tokens already cached)
is turned into the matrix multiplies it needs, each with its shape: the q, k, v and o
projections, the MLP's gate, up and down, attention's scores and weighted sums over the shared
prefix (one batch per key/value head, the queries of every row stacked) and over each row's own
tokens (one batch per row and key/value head), and the lm_head for the rows that need logits;
and into bytes (every weight read once per pass, plus the cached keys and values attention
reads).

Machine: matmul throughput measured at each of those shapes (in the model's dtype and thread
count; sizes rounded to a grid of steps of 2^(1/4), so about 19% apart, for the measurement
only) and memory read bandwidth. A pass counts max(sum of its matmuls' FLOPs / rate at their
shapes, bytes / bandwidth); the floor is the sum over passes. It leaves out everything that is
not a matmul or a memory read (norms, rotary embeddings, softmax, the attention merge,
sampling, tokenization, Python), so a run as a whole cannot reach it. Attention is timed as
separate matmuls (scores, then weights x values); a fused attention kernel that keeps its
blocks in cache can beat that part a little, so for attention it is a measured reference
rather than a strict bound.
"""

from __future__ import annotations

import math
import statistics
import time
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Shape:
    """What the work of a decoder-only transformer depends on."""

    layers: int
    hidden: int
    intermediate: int
    heads: int
    kv_heads: int
    head_dim: int
    vocab: int

    @classmethod
    def of(cls, config: Any) -> "Shape":
        heads = config.num_attention_heads
        head_dim = getattr(config, "head_dim", None) or config.hidden_size // heads
        return cls(config.num_hidden_layers, config.hidden_size, config.intermediate_size, heads,
                   getattr(config, "num_key_value_heads", None) or heads, head_dim, config.vocab_size)

    @property
    def layer_weights(self) -> int:
        """Weights of one layer's matmuls: q, k, v, o projections and a gated MLP."""
        attention = self.hidden * self.head_dim * (2 * self.heads + 2 * self.kv_heads)
        return attention + 3 * self.hidden * self.intermediate

    @property
    def lm_head_weights(self) -> int:
        return self.hidden * self.vocab


@dataclass(frozen=True)
class Matmul:
    """`count` times a batch of `batch` products (m x k) @ (k x n), part of `kind` of work."""

    kind: str
    batch: int
    m: int
    k: int
    n: int
    count: int = 1

    @property
    def flops(self) -> float:
        return 2.0 * self.count * self.batch * self.m * self.k * self.n


def pass_matmuls(shape: Shape, rows: int, tokens: int, cached: int, shared: int,
                 logits: bool) -> list[Matmul]:
    """The matmuls of one forward pass: rows x tokens new tokens, each seeing `cached` earlier
    tokens (`shared` of them the shared prefix, the rest the row's own) plus the new ones
    before it (causal: on average (tokens + 1) / 2 of them); logits for the last token of each
    row when `logits`."""
    s, new, layers = shape, rows * tokens, shape.layers
    group, q_width, kv_width = s.heads // s.kv_heads, s.heads * s.head_dim, s.kv_heads * s.head_dim
    work = [Matmul("projections", 1, new, s.hidden, q_width, layers),
            Matmul("projections", 1, new, s.hidden, kv_width, 2 * layers),
            Matmul("projections", 1, new, q_width, s.hidden, layers),
            Matmul("mlp", 1, new, s.hidden, s.intermediate, 2 * layers),
            Matmul("mlp", 1, new, s.intermediate, s.hidden, layers)]
    if shared:  # every row's queries against the one copy of the prefix: scores, then weights x values
        stacked = group * new
        work += [Matmul("attention to the prefix", s.kv_heads, stacked, s.head_dim, shared, layers),
                 Matmul("attention to the prefix", s.kv_heads, stacked, shared, s.head_dim, layers)]
    # keys of the row's own tokens each query sees, on average (exact for an odd token count)
    own = cached - shared + (tokens + 1) // 2
    if own:
        own_part = "attention to own tokens"
        work += [Matmul(own_part, rows * s.kv_heads, group * tokens, s.head_dim, own, layers),
                 Matmul(own_part, rows * s.kv_heads, group * tokens, own, s.head_dim, layers)]
    if logits:
        work.append(Matmul("lm_head", 1, rows, s.hidden, s.vocab))
    return work


def pass_bytes(shape: Shape, element: int, rows: int, tokens: int, cached: int,
               shared: int, logits: bool) -> float:
    """Bytes one pass must read at least: the weights once, the shared prefix's keys and values
    once, and each row's own cached keys and values."""
    weights = shape.layers * shape.layer_weights + (shape.lm_head_weights if logits else 0)
    kv_per_token = 2 * shape.layers * shape.kv_heads * shape.head_dim
    own = max(0, cached - shared) * rows
    return float(element * (weights + kv_per_token * (min(cached, shared) + own)))


class Machine:
    """Measured matmul throughput (per shape on a grid, memoized) and memory read bandwidth."""

    def __init__(self, shape: Shape, dtype: Any, threads: int):
        import torch

        torch.set_num_threads(threads)
        self.shape, self.dtype = shape, dtype
        self.rates: dict[tuple[int, int, int, int], float] = {}
        self.bandwidth = _read_bandwidth()

    def seconds(self, matmul: Matmul) -> float:
        """The time `matmul` takes at the throughput measured at its (rounded) shape."""
        grid = tuple(_on_grid(x) for x in (matmul.batch, matmul.m, matmul.k, matmul.n))
        return matmul.flops / self.rate(*grid)

    def rate(self, batch: int, m: int, k: int, n: int) -> float:
        """FLOP/s of a batch of (m x k) @ (k x n) in the model's dtype."""
        key = (batch, m, k, n)
        if key not in self.rates:
            import torch

            a = torch.randn(batch, m, k).to(self.dtype)
            b = torch.randn(batch, k, n).to(self.dtype)
            if batch == 1:
                a, b = a[0], b[0]
            flops = 2.0 * batch * m * k * n
            repeats = max(2, min(200, int(3e8 / flops)))  # about 0.3 GFLOP per timing
            self.rates[key] = flops * repeats / _median_time(lambda: [a @ b for _ in range(repeats)], runs=3)
        return self.rates[key]


def _on_grid(size: int) -> int:
    """size rounded to the nearest of 1, 2, 3, 4, 5, 6, 7, 8, 10, 11, 13, 16, ... (2^(j/4))."""
    if size <= 8:
        return size
    return round(2 ** (round(4 * math.log2(size)) / 4))


def _median_time(work: Any, runs: int = 5) -> float:
    work()  # warm-up
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def _read_bandwidth() -> float:
    """Bytes/s of summing a 256 MiB float32 tensor (a pure read)."""
    import torch

    data = torch.ones(64 * 2**20)
    return data.numel() * 4 / _median_time(lambda: data.sum())


@dataclass
class Floor:
    """The floor of a run and its parts (seconds), with the work counted."""

    seconds: float
    compute_s: float  # passes bounded by matmul throughput
    memory_s: float  # passes bounded by memory reads
    flops: float
    bytes: float
    kinds: dict[str, list[float]] = field(default_factory=dict)  # kind: [FLOPs, seconds at rate]


def run_floor(machine: Machine, passes: list[tuple[int, int, int, int]]) -> Floor:
    """passes: (rows, new tokens per row, cached tokens, of which shared) of every forward pass
    of the run; one with nothing cached is a prefix pass (no logits)."""
    element = machine_element(machine.dtype)
    total = Floor(0.0, 0.0, 0.0, 0.0, 0.0)
    for rows, tokens, cached, shared in passes:
        logits = cached > 0  # a prefix pass keeps only keys and values
        matmuls = pass_matmuls(machine.shape, rows, tokens, cached, shared, logits)
        flops = sum(m.flops for m in matmuls)
        nbytes = pass_bytes(machine.shape, element, rows, tokens, cached, shared, logits)
        compute = 0.0
        for matmul in matmuls:
            seconds = machine.seconds(matmul)
            compute += seconds
            part = total.kinds.setdefault(matmul.kind, [0.0, 0.0])
            part[0] += matmul.flops
            part[1] += seconds
        memory = nbytes / machine.bandwidth
        total.seconds += max(compute, memory)
        total.compute_s += compute if compute >= memory else 0.0
        total.memory_s += memory if memory > compute else 0.0
        total.flops += flops
        total.bytes += nbytes
    return total


def machine_element(dtype: Any) -> int:
    import torch

    return torch.empty((), dtype=dtype).element_size()
