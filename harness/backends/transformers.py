"""Local models through Hugging Face transformers: hub ids, local directories and GGUF files.

Causal and seq2seq models are told apart by the model config (is_encoder_decoder). A GGUF
file is dequantized once and kept as safetensors in <cache>/converted/<sha256>/.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any, Iterator, Sequence

from harness.backends._base import Backend, Request, Result
from harness.backends._chat import chat_prompt, cut_at_stop, has_stop
from harness.backends._grouping import Group, plan_groups
from harness.backends._prefix import (
    PromptRow,
    TokenCounts,
    decode_shared_prefix,
    greedy_done,
    supports_shared_prefix,
)
from harness.backends._gguf import (
    converted_dir,
    dequantize_options,
    file_sha256,
    locate_gguf,
    save_converted,
)
from harness.backends._identity import model_identity
from harness.backends._transformers_options import GGUFSource, TransformersModel
from harness.errors import HarnessError

__all__ = ["GGUFSource", "TransformersBackend", "TransformersModel"]

INSTALL_HINT = "pip install 'harness[transformers]'"
LOG = logging.getLogger("harness")


def _require(*modules: str) -> None:
    """Fail with the exact install line when an optional package is missing."""
    for name in modules:
        try:
            __import__(name)
        except ImportError:
            raise HarnessError(
                f"the transformers backend needs the {name!r} package: {INSTALL_HINT}"
            ) from None


def pick_device(device: str) -> str:
    """"auto" means CUDA when present, else CPU; anything else is passed to torch as is."""
    import torch

    if device == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    return device


def pick_dtype(dtype: str, device: str) -> Any:
    """"auto" is float32 on CPU and the model's own dtype on GPU. Not bfloat16, even where the
    hardware computes it natively: it changed 40 of SmolLM2's 102 QA answers against float32
    (docs/performance.md), far more than the 2% that would make it a safe default."""
    import torch

    if dtype == "auto":
        return torch.float32 if device == "cpu" else "auto"
    return getattr(torch, dtype)


def completion_length(ids: list[int], eos_ids: set[int], pad_id: int | None) -> int:
    """Tokens really generated: up to and including the first eos, else without trailing pads."""
    for i, token in enumerate(ids):
        if token in eos_ids:
            return i + 1
    count = len(ids)
    while count and ids[count - 1] == pad_id:
        count -= 1
    return count


def stop_on_strings(tokenizer: Any, stop: list[str], start: int) -> Any:
    """Stop each sequence once its generated text (from position start) holds a stop string.

    Cheaper than generate(stop_strings=...), which indexes the whole vocabulary first.
    """
    import torch
    from transformers import StoppingCriteria, StoppingCriteriaList

    class StopStrings(StoppingCriteria):
        def __call__(self, input_ids: Any, scores: Any, **kwargs: Any) -> Any:
            texts = tokenizer.batch_decode(input_ids[:, start:], skip_special_tokens=True)
            done = [has_stop(text, stop) for text in texts]
            return torch.tensor(done, dtype=torch.bool, device=input_ids.device)

    return StoppingCriteriaList([StopStrings()])


def _prefix_key(pair: tuple[Request, list[int]]) -> tuple[Any, ...]:
    """Prompts that may share a long prefix: same task, article and system text."""
    request = pair[0]
    return (request.task, request.article_id, request.system)


def _first_line(exc: Exception) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _eos_ids(model: Any) -> set[int]:
    eos = model.generation_config.eos_token_id
    if eos is None:
        return set()
    return {eos} if isinstance(eos, int) else set(eos)


class TransformersBackend(Backend):
    """One local model, loaded once; requests are generated in batches."""

    Config = TransformersModel

    def __init__(self, config: Any):
        super().__init__(config)
        self.model: Any = None
        self.tokenizer: Any = None
        self.converted_now = False  # True when load() had to dequantize a GGUF file
        self._identity: dict[str, Any] = {}
        self.fast_path = bool(getattr(config, "fast_path", True))  # False: plain generate()
        self.counts = TokenCounts()

    def load(self) -> None:
        _require("torch", "transformers")
        import torch

        if self.config.trust_remote_code:
            LOG.warning("model %s: trust_remote_code is on; the model repository's own Python "
                        "code will run", self.config.name)
        torch.set_num_threads(self.config.threads or os.cpu_count() or 1)
        self.device = pick_device(self.config.device)
        if self.config.gguf is not None:
            self._load(str(self._prepare_gguf()), revision=None)
        else:
            self._load(self.config.model, revision=self.config.revision)
        self.model.to(self.device).eval()
        if self.config.cpu_matmul == "onednn":
            self._use_onednn()

    def _use_onednn(self) -> None:
        """cpu_matmul: onednn. It applies to float32 weights on CPU; elsewhere it is logged and left."""
        from harness.backends import _onednn

        if not _onednn.available():
            LOG.warning("model %s: cpu_matmul onednn: this torch build has no oneDNN linear; "
                        "using torch's", self.config.name)
            return
        if not _onednn.use_onednn_linears(self.model):
            LOG.warning("model %s: cpu_matmul onednn: no float32 linear layer on CPU to replace "
                        "(device %s)", self.config.name, self.device)

    def _prepare_gguf(self) -> Path:
        """The converted-weights dir of the GGUF file; converts it unless already cached."""
        sha256 = self.identity()["model_sha256"]
        directory = converted_dir(sha256)
        if not directory.is_dir():
            _require("gguf", "accelerate")
            import torch

            path = self._gguf_path
            model, tokenizer = self._from_pretrained(
                str(path.parent), dtype=torch.float32, **dequantize_options(path.name)
            )
            save_converted(model, tokenizer, sha256)
            self.converted_now = True
        return directory

    def _load(self, ref: str, revision: str | None) -> None:
        self.model, self.tokenizer = self._from_pretrained(
            ref, revision=revision, dtype=pick_dtype(self.config.dtype, self.device)
        )
        if self.config.tokenizer:
            self.tokenizer = self._tokenizer(self.config.tokenizer, revision=None)
        if self.tokenizer.pad_token is None:
            self.tokenizer.pad_token = self.tokenizer.eos_token
        self.is_seq2seq = bool(self.model.config.is_encoder_decoder)
        self.tokenizer.padding_side = "right" if self.is_seq2seq else "left"

    def _from_pretrained(self, ref: str, dtype: Any, quantization_config: Any = None,
                         **kwargs: Any) -> tuple[Any, Any]:
        """The one loading path for hub ids, local dirs and GGUF files (gguf_file=...)."""
        from transformers import AutoConfig, AutoModelForCausalLM, AutoModelForSeq2SeqLM

        kwargs["trust_remote_code"] = self.config.trust_remote_code
        extra = {"quantization_config": quantization_config} if quantization_config else {}
        try:
            model_config = AutoConfig.from_pretrained(ref, **kwargs)
            cls = AutoModelForSeq2SeqLM if model_config.is_encoder_decoder else AutoModelForCausalLM
            model = cls.from_pretrained(ref, dtype=dtype, **extra, **kwargs)
        except (OSError, ValueError) as exc:
            raise HarnessError(f"model {self.config.name}: cannot load {ref!r}: "
                               f"{_first_line(exc)}") from exc
        return model, self._tokenizer(ref, **kwargs)

    def _tokenizer(self, ref: str, **kwargs: Any) -> Any:
        from transformers import AutoTokenizer

        kwargs.setdefault("trust_remote_code", self.config.trust_remote_code)
        try:
            return AutoTokenizer.from_pretrained(ref, **kwargs)
        except (OSError, ValueError) as exc:
            raise HarnessError(f"model {self.config.name}: cannot load the tokenizer of "
                               f"{ref!r}: {_first_line(exc)}") from exc

    def identity(self) -> dict[str, Any]:
        """Known before load: GGUF file hash, local weights hash, or the cached hub commit."""
        if not self._identity:
            if self.config.gguf is not None:
                gguf = locate_gguf(self.config.gguf)
                self._gguf_path = gguf.path
                self._identity = {"model_ref": gguf.model_ref, "revision": gguf.revision,
                                  "model_sha256": file_sha256(gguf.path)}
            else:
                self._identity = model_identity(self.config.model, self.config.revision)
            # The configured dtype (not resolved: that needs torch, and identity must be cheap):
            # bfloat16 and float32 answers may differ, so they are cached apart.
            self._identity["dtype"] = self.config.dtype
        return dict(self._identity)

    @property
    def max_context(self) -> int | None:
        return self.config.max_context or getattr(self.model.config, "max_position_embeddings", None)

    def generate(self, requests: Sequence[Request], generation: Any) -> Iterator[Result]:
        import torch

        torch.manual_seed(generation.seed)
        ready: list[tuple[Request, list[int]]] = []
        for request in requests:
            ids = self._prompt_ids(request)
            error = self._context_error(len(ids), request.token_limit(generation))
            if error:
                yield Result(request.id, None, error=error, prompt_tokens=len(ids))
            else:
                ready.append((request, ids))
        if self._fast_path_applies(generation):
            groups, ready = plan_groups(ready, key_of=_prefix_key, ids_of=lambda pair: pair[1])
            for group in groups:
                yield from self._generate_shared(group, generation)
        size = max(1, self.config.batch_size)
        for start in range(0, len(ready), size):
            yield from self._run(ready[start : start + size], generation)

    def _prompt_ids(self, request: Request) -> list[int]:
        text, special = chat_prompt(self.tokenizer, request.system, request.prompt)
        return self.tokenizer(text, add_special_tokens=special)["input_ids"]

    def _fast_path_applies(self, generation: Any) -> bool:
        """Greedy decoding of a causal model whose attention _shared_kv can stand in for."""
        return (self.fast_path and generation.temperature == 0 and not self.is_seq2seq
                and supports_shared_prefix(self.model))

    def _generate_shared(self, group: Group, generation: Any) -> Iterator[Result]:
        """The fast path for one group; what it could not finish goes through generate()."""
        rows = [PromptRow(request, ids, max_new_tokens=request.token_limit(generation)) for request, ids in group.members]
        pending = {row.request.id: row for row in rows}
        longest = generation.model_copy(update={"max_new_tokens": max(row.max_new_tokens for row in rows)})
        done = greedy_done(self.tokenizer, _eos_ids(self.model), longest)
        try:
            for row in decode_shared_prefix(self.model, group.prefix_len, rows,
                                            max(1, self.config.batch_size), done, self.counts):
                del pending[row.request.id]
                yield self._shared_result(row, generation)
        except (RuntimeError, ValueError, NotImplementedError, AttributeError) as exc:
            # e.g. a transformers version whose cache or attention internals differ
            LOG.warning("model %s: shared-prefix decoding failed (%s); generating those items "
                        "one batch at a time", self.config.name, _first_line(exc))
            self.fast_path = False
            yield from self._run([(row.request, row.ids) for row in pending.values()], generation)

    def _shared_result(self, row: PromptRow, generation: Any) -> Result:
        self.counts.prompt += len(row.ids)
        text = self.tokenizer.decode(row.tokens, skip_special_tokens=True)
        return Result(row.request.id, cut_at_stop(text, generation.stop).strip(),
                      prompt_tokens=len(row.ids), completion_tokens=len(row.tokens))

    def loglikelihood(self, system: str | None, prompt: str, continuations: Sequence[str],
                      shared: bool = True) -> list[list[float]]:
        """Per continuation, the log-probability (natural log) of each of its tokens as the
        model's reply to the chat prompt (system, prompt). With `shared` (and a causal model the
        shared-prefix attention supports) the prompt is run once for all continuations; else one
        plain forward pass per continuation. Continuations are tokenized on their own, without
        special tokens; an empty one gets []."""
        from harness.backends._scoring import score_separately, score_shared_prefix

        if self.is_seq2seq:
            raise HarnessError(f"model {self.config.name}: loglikelihood needs a causal model")
        prefix = self._prompt_ids(Request(id="", task="", prompt=prompt, system=system))
        tokens = [self.tokenizer(text, add_special_tokens=False)["input_ids"] if text else []
                  for text in continuations]
        limit = self.max_context
        longest = len(prefix) + max((len(t) for t in tokens), default=0)
        if limit is not None and longest > limit:
            raise HarnessError(f"model {self.config.name}: prompt and continuation are {longest} "
                               f"tokens, over the model's context of {limit}")
        self.counts.prompt += sum(len(prefix) + len(t) for t in tokens)
        if shared and supports_shared_prefix(self.model):
            return score_shared_prefix(self.model, prefix, tokens, max(1, self.config.batch_size),
                                       self.counts)
        return score_separately(self.model, prefix, tokens, self.counts)

    def _context_error(self, prompt_tokens: int, max_new_tokens: int) -> str | None:
        limit = self.max_context
        needed = prompt_tokens if self.is_seq2seq else prompt_tokens + max_new_tokens
        if limit is None or needed <= limit:
            return None
        return (f"prompt is {prompt_tokens} tokens; with max_new_tokens {max_new_tokens} it "
                f"exceeds the model's context of {limit} tokens")

    def _run(self, ready: list[tuple[Request, list[int]]], generation: Any) -> Iterator[Result]:
        import torch

        encoded = self.tokenizer.pad({"input_ids": [ids for _, ids in ready]}, return_tensors="pt")
        self.counts.add_plain([len(ids) for _, ids in ready], encoded["input_ids"].numel())
        encoded = {k: v.to(self.device) for k, v in encoded.items()}
        start = 1 if self.is_seq2seq else encoded["input_ids"].shape[1]
        longest = generation.model_copy(update={"max_new_tokens": max(r.token_limit(generation) for r, _ in ready)})
        try:
            with torch.inference_mode():
                output = self.model.generate(**encoded, **self._generate_kwargs(longest, start))
        except (RuntimeError, ValueError) as exc:
            for request, ids in ready:
                yield Result(request.id, None, error=f"generation failed: {exc}",
                             prompt_tokens=len(ids))
            return
        new = output[:, start:]
        eos, pad = _eos_ids(self.model), self.tokenizer.pad_token_id
        for (request, ids), row in zip(ready, new.tolist()):
            row = row[: request.token_limit(generation)]  # a batch runs to its longest limit
            count = completion_length(row, eos, pad)
            text = self.tokenizer.decode(row[:count], skip_special_tokens=True)
            yield Result(request.id, cut_at_stop(text, generation.stop).strip(),
                         prompt_tokens=len(ids), completion_tokens=count)

    def _generate_kwargs(self, generation: Any, start: int) -> dict[str, Any]:
        kwargs: dict[str, Any] = {"max_new_tokens": generation.max_new_tokens,
                                  "pad_token_id": self.tokenizer.pad_token_id}
        if generation.temperature > 0:
            kwargs.update(do_sample=True, temperature=generation.temperature,
                          top_p=generation.top_p)
        else:
            kwargs.update(do_sample=False, temperature=None, top_p=None, top_k=None)
        if generation.stop:
            kwargs["stopping_criteria"] = stop_on_strings(self.tokenizer, generation.stop, start)
        return kwargs

    def runtime_info(self) -> dict[str, Any]:
        import torch
        import transformers

        return {
            "device": self.device,
            "dtype": str(self.model.dtype).removeprefix("torch."),
            "threads": torch.get_num_threads(),
            "model_class": type(self.model).__name__,
            "converted_gguf_now": self.converted_now,
            "fast_path": self.fast_path and not self.is_seq2seq
            and supports_shared_prefix(self.model),
            **self.counts.as_info(),
            "torch": torch.__version__,
            "transformers": transformers.__version__,
        }

    def close(self) -> None:
        self.model = self.tokenizer = None
        if getattr(self, "device", "cpu").startswith("cuda"):
            import torch

            torch.cuda.empty_cache()
