"""The generation benchmark's floor: the matmuls a pass is split into add up to the FLOPs of
the pass counted directly, and the measurement grid stays near the real sizes."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
from _floor import Shape, _on_grid, pass_matmuls  # noqa: E402

SMOLLM2 = Shape(layers=30, hidden=576, intermediate=1536, heads=9, kv_heads=3, head_dim=64, vocab=49152)


def direct_flops(s: Shape, rows: int, tokens: int, cached: int, logits: bool) -> float:
    """Multiply-adds x 2, written out: seven weight matrices per layer, attention scores and
    weighted sums over every key a query sees (cached ones, then the new ones up to itself),
    the lm_head for the last token of each row."""
    per_token = (s.hidden * s.heads * s.head_dim * 2  # q and o
                 + s.hidden * s.kv_heads * s.head_dim * 2  # k and v
                 + s.hidden * s.intermediate * 3)  # gate, up, down
    keys_seen = sum(cached + i + 1 for i in range(tokens))  # per row, over its new tokens
    attention = 2 * s.heads * s.head_dim * keys_seen  # scores and weighted sums, per layer
    total = 2 * s.layers * rows * (tokens * per_token + attention)
    return total + (2 * rows * s.hidden * s.vocab if logits else 0)


@pytest.mark.parametrize("rows, tokens, cached, shared, logits", [
    (1, 1309, 0, 0, False),  # the prefix pass: causal over itself
    (17, 73, 1309, 1309, True),  # a suffix pass on top of the shared prefix
    (102, 1, 1309 + 80, 1309, True),  # a decode step: prefix plus the row's own 80 tokens
    (3, 5, 40, 0, True),  # nothing shared
])
def test_the_matmuls_of_a_pass_add_up_to_its_flops(rows, tokens, cached, shared, logits):
    matmuls = pass_matmuls(SMOLLM2, rows, tokens, cached, shared, logits)
    assert sum(m.flops for m in matmuls) == direct_flops(SMOLLM2, rows, tokens, cached, logits)
    kinds = {m.kind for m in matmuls}
    assert ("lm_head" in kinds) == logits
    assert ("attention to the prefix" in kinds) == (shared > 0)


def test_the_measurement_grid_is_within_a_half_step_of_each_size():
    for size in [*range(1, 3000), 49152]:  # half a step of 2^(1/4) is 9%; plus rounding to an integer
        assert abs(_on_grid(size) - size) <= 0.091 * size + 0.5, size
    assert _on_grid(1309) == _on_grid(1300)  # nearby sizes share one measurement
    assert len({_on_grid(n) for n in range(1, 3000)}) < 60
