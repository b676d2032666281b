"""A first-principles floor for a generation run: the work counted, the machine measured.

Work: every forward pass the fast path made (rows, new tokens per row, tokens already cached)
is turned into floating-point operations (the linear layers, attention over what each token
sees, the lm_head for the rows that need logits) and bytes (every weight read once per pass,
plus the cached keys and values attention reads).

Machine: matrix-multiply throughput measured at each pass's row count (M x hidden @ hidden x
intermediate, the MLP's shape, in the model's dtype and thread count) and memory read
bandwidth. A pass takes at least max(FLOPs / throughput at its M, bytes / bandwidth); the floor
is the sum over passes. It leaves out everything that is not a matmul or a memory read
(norms, rotary embeddings, softmax, sampling, tokenization, Python), so it is a bound the run
cannot beat, not an estimate of what it should take.
"""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass
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


def pass_flops(shape: Shape, rows: int, tokens: int, cached: int, logits: bool) -> float:
    """FLOPs of one forward pass: rows x tokens new tokens, each seeing `cached` earlier tokens
    plus the new ones before it; logits for the last token of each row when `logits`."""
    new = rows * tokens
    linear = 2.0 * new * shape.layers * shape.layer_weights
    seen = rows * (tokens * cached + tokens * (tokens + 1) / 2)  # key positions attended, summed
    attention = 4.0 * shape.layers * shape.heads * shape.head_dim * seen  # QK^T and PV
    head = 2.0 * rows * shape.lm_head_weights if logits else 0.0
    return linear + attention + head


def pass_bytes(shape: Shape, element: int, rows: int, tokens: int, cached: int,
               shared: int, logits: bool) -> float:
    """Bytes one pass must read at least: the weights once, the shared prefix's keys and values
    once, and each row's own cached keys and values."""
    weights = shape.layers * shape.layer_weights + (shape.lm_head_weights if logits else 0)
    kv_per_token = 2 * shape.layers * shape.kv_heads * shape.head_dim
    own = max(0, cached - shared) * rows
    return float(element * (weights + kv_per_token * (min(cached, shared) + own)))


class Machine:
    """Measured matmul throughput (per row count, memoized) and memory read bandwidth."""

    def __init__(self, shape: Shape, dtype: Any, threads: int):
        import torch

        torch.set_num_threads(threads)
        self.shape, self.dtype, self.rates = shape, dtype, {}
        self.bandwidth = _read_bandwidth()

    def rate(self, m: int) -> float:
        """FLOP/s of (m x hidden) @ (hidden x intermediate) in the model's dtype."""
        if m not in self.rates:
            import torch

            a = torch.randn(m, self.shape.hidden).to(self.dtype)
            b = torch.randn(self.shape.hidden, self.shape.intermediate).to(self.dtype)
            flops = 2.0 * m * self.shape.hidden * self.shape.intermediate
            repeats = max(3, min(200, int(2e9 / flops)))  # about 2 GFLOP per timing
            self.rates[m] = flops * repeats / _median_time(lambda: [a @ b for _ in range(repeats)])
        return self.rates[m]


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


def run_floor(machine: Machine, passes: list[tuple[int, int, int, int]]) -> Floor:
    """passes: (rows, new tokens per row, cached tokens, of which shared) of every forward pass
    of the run; one with nothing cached is a prefix pass (no logits)."""
    element = machine_element(machine.dtype)
    total = Floor(0.0, 0.0, 0.0, 0.0, 0.0)
    for rows, tokens, cached, shared in passes:
        logits = cached > 0  # a prefix pass keeps only keys and values
        flops = pass_flops(machine.shape, rows, tokens, cached, logits)
        nbytes = pass_bytes(machine.shape, element, rows, tokens, cached, shared, logits)
        compute, memory = flops / machine.rate(rows * tokens), nbytes / machine.bandwidth
        total.seconds += max(compute, memory)
        total.compute_s += compute if compute >= memory else 0.0
        total.memory_s += memory if memory > compute else 0.0
        total.flops += flops
        total.bytes += nbytes
    return total


def machine_element(dtype: Any) -> int:
    import torch

    return torch.empty((), dtype=dtype).element_size()
