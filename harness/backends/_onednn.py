"""float32 linear layers computed by oneDNN on CPU.

torch computes a CPU float32 `nn.Linear` with MKL's sgemm. oneDNN, which torch also ships,
computes the same float32 product about twice as fast on some x86 CPUs (the AMD EPYC of
docs/performance.md). `use_onednn_linears(model)` replaces each `nn.Linear` of a float32 CPU
model by `OneDNNLinear`, which holds the weight in oneDNN's layout and calls torch's oneDNN
linear. The product is the same float32 one summed in another order, so outputs agree with
`nn.Linear` to float32 rounding. Importing this module imports torch.
"""

from __future__ import annotations

from typing import Any

import torch


class OneDNNLinear(torch.nn.Module):
    """y = x W^T + b, as the nn.Linear it was made from, through torch's oneDNN linear."""

    def __init__(self, linear: torch.nn.Linear) -> None:
        super().__init__()
        self.in_features, self.out_features = linear.in_features, linear.out_features
        weight = linear.weight.detach().float().contiguous()
        bias = linear.bias.detach().float() if linear.bias is not None else torch.zeros(self.out_features)
        self.weight_onednn = weight.to_mkldnn()
        self.bias_onednn = bias.contiguous().to_mkldnn()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        shape = (*x.shape[:-1], self.out_features)
        rows = x.reshape(-1, self.in_features)
        if rows.shape[0] == 0:
            return x.new_zeros(shape)
        out = torch._C._nn.mkldnn_linear(rows.float().contiguous().to_mkldnn(), self.weight_onednn,
                                         self.bias_onednn)
        return out.to_dense().reshape(shape)

    def extra_repr(self) -> str:
        return f"in_features={self.in_features}, out_features={self.out_features}, onednn"


def available() -> bool:
    """Whether this torch build has oneDNN and its linear."""
    return bool(torch.backends.mkldnn.is_available()) and hasattr(torch._C._nn, "mkldnn_linear")


def use_onednn_linears(model: Any) -> int:
    """Replace every float32 CPU nn.Linear inside `model` by OneDNNLinear; the count replaced."""
    count = 0
    for parent in list(model.modules()):
        for name, child in list(parent.named_children()):
            if (isinstance(child, torch.nn.Linear) and child.weight.dtype == torch.float32
                    and child.weight.device.type == "cpu"):
                setattr(parent, name, OneDNNLinear(child))
                count += 1
    return count
