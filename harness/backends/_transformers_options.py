"""The config of a transformers model entry: weights from a hub id, a local directory or a GGUF file."""

from __future__ import annotations

import re
from typing import ClassVar, Literal

from pydantic import Field, field_validator, model_validator

from harness.backends._base import ModelOptions
from harness.strict import Strict

DEVICE_PATTERN = re.compile(r"^(auto|cpu|mps|cuda(:[0-9]+)?)\Z")


class GGUFSource(Strict):
    """Where a GGUF weight file comes from: a path, or a file inside an installed PyPI package."""

    path: str | None = Field(default=None, description="Path of a .gguf file (relative to the current directory).")
    package: str | None = Field(
        default=None, description="Installed PyPI distribution whose files contain the GGUF file."
    )
    file: str | None = Field(default=None, description="File name of the GGUF file inside `package`.")
    assemble: bool = Field(
        default=False, description="Build the file with the package's assemble() (split GGUF packages)."
    )

    @model_validator(mode="after")
    def _one_source(self) -> "GGUFSource":
        if (self.path is None) == (self.package is None):
            raise ValueError("set exactly one of `path` or `package`")
        if self.path is not None and (self.file is not None or self.assemble):
            raise ValueError("`file` and `assemble` go with `package`, not with `path`")
        if self.package is not None and (self.file is None) == (not self.assemble):
            raise ValueError("with `package`, set exactly one of `file` or `assemble: true`")
        return self


class TransformersModel(ModelOptions):
    """A local model run with transformers: a hub id, a local directory, or a GGUF file."""

    # How the same computation is scheduled: batch_size, threads and cpu_matmul can change
    # float rounding (so, rarely, a token), as a torch or transformers upgrade can, which the
    # key does not cover either. Everything else (device, dtype, fast_path, tokenizer,
    # max_context, ...) is in the key.
    output_neutral: ClassVar[frozenset[str]] = ModelOptions.output_neutral | {
        "batch_size", "threads", "cpu_matmul"}

    backend: Literal["transformers"] = Field(description="Backend name.")
    model: str | None = Field(default=None, description="Hub id or local directory (exclusive with gguf).")
    gguf: GGUFSource | None = Field(default=None, description="GGUF weight file (exclusive with model).")
    tokenizer: str | None = Field(default=None, description="Tokenizer hub id or directory, if not the model's.")
    revision: str | None = Field(default=None, description="Hub revision (branch, tag or commit).")
    device: str = Field(default="auto", description="auto (CUDA when present), cpu, cuda, cuda:N or mps.")
    dtype: Literal["auto", "float32", "float16", "bfloat16"] = Field(
        default="auto",
        description="Weight dtype; auto: float32 on CPU, the model's own on GPU (bfloat16 changes answers).",
    )
    batch_size: int = Field(default=8, ge=1, le=4096, description="Items generated per batch.")
    threads: int | None = Field(
        default=None, ge=1, le=1024, description="CPU threads for torch (default: every core of the machine)."
    )
    cpu_matmul: Literal["torch", "onednn"] = Field(
        default="torch",
        description="float32 linear layers on CPU: torch (MKL) or onednn (the same product through oneDNN).",
    )
    fast_path: bool = Field(
        default=True,
        description="Greedy decoding shares each article's prefix pass across its questions; false: plain generate().",
    )
    trust_remote_code: bool = Field(
        default=False, description="Allow code from the model repository to run (off unless set)."
    )
    max_context: int | None = Field(
        default=None, ge=1, description="Truncate prompts to this many tokens (default: the model's limit)."
    )

    @field_validator("device")
    @classmethod
    def _check_device(cls, value: str) -> str:
        if not DEVICE_PATTERN.match(value):
            raise ValueError(f"must be one of: auto, cpu, cuda, cuda:N, mps (got {value!r})")
        return value

    @model_validator(mode="after")
    def _one_weight_source(self) -> "TransformersModel":
        if (self.model is None) == (self.gguf is None):
            raise ValueError("set exactly one of `model` (hub id or local directory) or `gguf`")
        return self
