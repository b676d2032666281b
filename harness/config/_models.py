"""The typed evaluation config: pydantic models, every one rejecting unknown keys.

Relative paths in a config (`gold`, a prompt file, a predictions file) are kept exactly as
written and resolved against the current working directory when used; a prompt file that is
not found there is also looked up next to the config file (see harness.prompts).
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

# \Z, not $: "$" also matches before a trailing newline ("lead\n" would pass).
NAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*\Z")
ENV_NAME_PATTERN = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*\Z")
DEVICE_PATTERN = re.compile(r"^(auto|cpu|mps|cuda(:[0-9]+)?)\Z")

QAMetric = Literal["exact_match", "f1"]
RougeType = Literal["rouge1", "rouge2", "rougeL", "rougeLsum"]
SummaryStyle = Literal["headline", "one_sentence", "short"]
ExtractionName = Literal["default", "none", "first_line"]
EXTRACTION_NAMES: tuple[str, ...] = ("default", "none", "first_line")
STYLES: tuple[str, ...] = ("headline", "one_sentence", "short")


class _Strict(BaseModel):
    """Base for every config model: unknown keys are errors, assignments are validated."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)


def _check_name(value: str) -> str:
    if not NAME_PATTERN.match(value):
        raise ValueError(
            "must start with a letter or digit and contain only letters, digits, '.', '_', '-'"
            f" (got {value!r})"
        )
    return value


def _check_unique(values: list[Any]) -> list[Any]:
    duplicates = sorted({str(v) for v in values if values.count(v) > 1})
    if duplicates:
        raise ValueError(f"duplicate entries: {', '.join(duplicates)}")
    return values


class ExtraMetric(_Strict):
    """An extra metric computed with an `evaluate` module."""

    name: str = Field(description="Name of the metric in the report.")
    path: str = Field(
        description="Local path of an `evaluate` module (relative to the current directory) or a hub name."
    )
    kwargs: dict[str, Any] = Field(
        default_factory=dict, description="Keyword arguments passed to the module's compute()."
    )

    check_name = field_validator("name")(_check_name)


class QATask(_Strict):
    """Question answering: the model answers each gold question about its article."""

    prompt: str = Field(
        default="qa.jinja",
        description=(
            "Prompt template: an inline template if it contains '{{' or '{%', else a template "
            "shipped in harness/prompts/, else a file path relative to the current directory "
            "(or to the config file's directory)."
        ),
    )
    metrics: list[QAMetric] = Field(
        default_factory=lambda: ["exact_match", "f1"], min_length=1, description="Metrics to report."
    )
    extraction: Union[ExtractionName, dict[str, str]] = Field(
        default="default",
        description="How the answer is cut from the raw output: default, none, first_line, or {regex: PATTERN}.",
    )
    abstain_phrase: str = Field(
        default="unanswerable",
        min_length=1,
        description="What the model must reply when the article does not answer the question.",
    )
    extra_metrics: list[ExtraMetric] = Field(
        default_factory=list, description="Additional `evaluate` metrics."
    )

    check_metrics = field_validator("metrics")(_check_unique)

    @field_validator("extraction", mode="before")
    @classmethod
    def _check_extraction(cls, value: Any) -> Any:
        if isinstance(value, str) and value in EXTRACTION_NAMES:
            return value
        if isinstance(value, dict) and set(value) == {"regex"} and isinstance(value["regex"], str):
            try:
                re.compile(value["regex"])
            except re.error as exc:
                raise ValueError(f"regex {value['regex']!r} does not compile: {exc}") from None
            return value
        raise ValueError(
            "must be one of: default, none, first_line, or a mapping {regex: PATTERN}"
            f" (got {value!r})"
        )


class SummarizationTask(_Strict):
    """Summarization: the model summarizes each article once per requested style."""

    prompt: str = Field(
        default="summarize.jinja",
        description=(
            "Prompt template: an inline template if it contains '{{' or '{%', else a template "
            "shipped in harness/prompts/, else a file path relative to the current directory "
            "(or to the config file's directory)."
        ),
    )
    styles: list[SummaryStyle] = Field(
        default_factory=lambda: list(STYLES), min_length=1, description="Summary styles to evaluate."
    )
    metrics: list[RougeType] = Field(
        default_factory=lambda: ["rouge1", "rouge2", "rougeL", "rougeLsum"],
        min_length=1,
        description="ROUGE variants to report.",
    )
    use_stemmer: bool = Field(default=True, description="Apply the Porter stemmer before ROUGE.")
    tokenizer: Literal["default", "unicode"] = Field(
        default="default",
        description="ROUGE tokenizer: default (rouge_score's ASCII one) or unicode (keeps non-ASCII letters).",
    )
    extra_metrics: list[ExtraMetric] = Field(
        default_factory=list, description="Additional `evaluate` metrics."
    )

    check_unique = field_validator("styles", "metrics")(_check_unique)


class Tasks(_Strict):
    """Which tasks run; a task that is absent (or null) is skipped."""

    qa: QATask | None = Field(default=None, description="Question answering options.")
    summarization: SummarizationTask | None = Field(
        default=None, description="Summarization options."
    )

    @model_validator(mode="after")
    def _at_least_one(self) -> "Tasks":
        if self.qa is None and self.summarization is None:
            raise ValueError("enable at least one task: qa, summarization")
        return self


class GenerationOptions(_Strict):
    """How text is generated; the same options go to every backend."""

    max_new_tokens: int = Field(default=64, ge=1, le=8192, description="Most tokens generated per item.")
    temperature: float = Field(
        default=0.0, ge=0.0, le=10.0, description="Sampling temperature; 0 means greedy decoding."
    )
    top_p: float = Field(default=1.0, gt=0.0, le=1.0, description="Nucleus sampling mass (ignored when greedy).")
    seed: int = Field(default=0, ge=0, description="Random seed for sampling.")
    stop: list[str] = Field(default_factory=list, description="Strings that end generation when produced.")

    @field_validator("stop")
    @classmethod
    def _non_empty_stops(cls, value: list[str]) -> list[str]:
        if any(s == "" for s in value):
            raise ValueError("stop strings must not be empty")
        return value


class _ModelBase(_Strict):
    name: str = Field(description="Unique model name used in reports (letters, digits, '.', '_', '-').")
    generation: GenerationOptions = Field(
        default_factory=GenerationOptions, description="Generation options for this model."
    )

    check_name = field_validator("name")(_check_name)


class LeadModel(_ModelBase):
    """The extractive lead baseline (first sentences; best-overlap sentence for QA)."""

    backend: Literal["lead"] = Field(description="Backend name.")


class PredictionsModel(_ModelBase):
    """Replays predictions made elsewhere from a JSONL file."""

    backend: Literal["predictions"] = Field(description="Backend name.")
    path: str = Field(
        description='JSONL file of {"id": ITEM_ID, "prediction": TEXT} lines, relative to the current directory.'
    )


class GGUFSource(_Strict):
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


class TransformersModel(_ModelBase):
    """A local model run with transformers: a hub id, a local directory, or a GGUF file."""

    backend: Literal["transformers"] = Field(description="Backend name.")
    model: str | None = Field(default=None, description="Hub id or local directory (exclusive with gguf).")
    gguf: GGUFSource | None = Field(default=None, description="GGUF weight file (exclusive with model).")
    tokenizer: str | None = Field(default=None, description="Tokenizer hub id or directory, if not the model's.")
    revision: str | None = Field(default=None, description="Hub revision (branch, tag or commit).")
    device: str = Field(default="auto", description="auto (CUDA when present), cpu, cuda, cuda:N or mps.")
    dtype: Literal["auto", "float32", "float16", "bfloat16"] = Field(
        default="auto", description="Weight dtype."
    )
    batch_size: int = Field(default=8, ge=1, le=4096, description="Items generated per batch.")
    threads: int | None = Field(
        default=None, ge=1, le=1024, description="CPU threads for torch (default: every core of the machine)."
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


class OpenAIModel(_ModelBase):
    """A model behind any OpenAI-compatible server (vLLM, TGI, llama.cpp, Ollama, hosted APIs)."""

    backend: Literal["openai"] = Field(description="Backend name.")
    base_url: str = Field(description="Server URL including the API prefix, e.g. http://127.0.0.1:8080/v1.")
    model: str = Field(min_length=1, description="Model name the server expects.")
    api: Literal["chat", "completions"] = Field(default="chat", description="Which endpoint to call.")
    api_key_env: str | None = Field(
        default=None, description="NAME of the environment variable holding the API key (never the key)."
    )
    max_concurrency: int = Field(default=4, ge=1, le=1024, description="Requests in flight at once.")
    timeout_s: float = Field(default=60.0, gt=0, le=3600, description="Seconds to wait for one response.")
    max_retries: int = Field(default=3, ge=0, le=20, description="Retries on 429, 5xx and connection errors.")

    @field_validator("base_url")
    @classmethod
    def _check_url(cls, value: str) -> str:
        if not re.match(r"^https?://[^\s/]+", value):
            raise ValueError(f"must be an http:// or https:// URL (got {value!r})")
        return value

    @field_validator("api_key_env")
    @classmethod
    def _check_env_name(cls, value: str | None) -> str | None:
        if value is not None and not ENV_NAME_PATTERN.match(value):
            raise ValueError(
                "must be the NAME of an environment variable (letters, digits, '_'), not the key itself"
            )
        return value


MODEL_CLASSES: tuple[type[_ModelBase], ...] = (LeadModel, PredictionsModel, TransformersModel, OpenAIModel)

ModelConfig = Annotated[
    Union[LeadModel, PredictionsModel, TransformersModel, OpenAIModel],
    Field(discriminator="backend"),
]


class BootstrapOptions(_Strict):
    """Seeded bootstrap for confidence intervals (resampled by article)."""

    resamples: int = Field(default=1000, ge=1, le=1_000_000, description="Number of bootstrap resamples.")
    seed: int = Field(default=0, ge=0, description="Random seed of the resampling.")
    confidence: float = Field(default=0.95, gt=0.0, lt=1.0, description="Confidence level of the interval.")


class EvalConfig(_Strict):
    """One evaluation: which gold set, which tasks, which models."""

    name: str = Field(description="Config name; reports go to reports/<name>/ (letters, digits, '.', '_', '-').")
    gold: str = Field(default="gold", description="Gold data directory, relative to the current directory.")
    tasks: Tasks = Field(description="Tasks to run and their options.")
    models: list[ModelConfig] = Field(min_length=1, description="Models to evaluate (names unique).")
    bootstrap: BootstrapOptions = Field(
        default_factory=BootstrapOptions, description="Confidence interval options."
    )

    check_name = field_validator("name")(_check_name)

    @field_validator("models")
    @classmethod
    def _unique_names(cls, models: list[Any]) -> list[Any]:
        seen: dict[str, int] = {}
        for i, model in enumerate(models):
            if model.name in seen:
                raise ValueError(
                    f"duplicate model name {model.name!r} (models[{seen[model.name]}] and models[{i}]);"
                    " names must be unique"
                )
            seen[model.name] = i
        return models

    def get_model(self, name: str) -> Any:
        """The model config called `name` (KeyError if there is none)."""
        for model in self.models:
            if model.name == name:
                return model
        raise KeyError(name)
