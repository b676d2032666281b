"""The one interface every model backend implements, built-ins and extensions alike: the
Backend class, what it is asked (Request) and answers (Result), and the base of its config.

A backend is registered under its name (see harness.plugins) and brings its own config model:
a subclass of ModelOptions whose `backend` field is `Literal["<name>"]`, set as the class
attribute `Backend.Config`. The config validator builds the `models:` list from them.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import Any, ClassVar, Iterator, Sequence

from pydantic import Field, PrivateAttr, field_validator

from harness.strict import Strict, check_name


class GenerationOptions(Strict):
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


class ModelOptions(Strict):
    """The fields every entry of a config's `models:` list has; a backend's Config adds its own,
    the first of them `backend: Literal["<its name>"]`.

    `output_neutral` names the fields that cannot change a model's output: the prediction cache
    key covers every other field (see `output_options`), so a backend's new option misses the
    cache unless it is declared here. `name` only labels the model in reports.
    """

    output_neutral: ClassVar[frozenset[str]] = frozenset({"name"})

    name: str = Field(description="Unique model name used in reports (letters, digits, '.', '_', '-').")
    generation: GenerationOptions = Field(
        default_factory=GenerationOptions, description="Generation options for this model."
    )
    prompts: dict[str, str] = Field(
        default_factory=dict,
        description="Prompt templates of this model's own, by task (e.g. {qa: qa-completion.jinja} for a "
                    "base model), in place of the task's prompt.",
    )
    _templates: dict[str, Any] = PrivateAttr(default_factory=dict)

    _check_name = field_validator("name")(check_name)

    def bind(self, task: str, template: Any) -> None:
        """Keep the compiled template of prompts[task] (load_config compiles it once)."""
        self._templates[task] = template

    def template_for(self, task: str) -> Any:
        """This model's own compiled template for `task`, or None to use the task's."""
        if task not in self.prompts:
            return None
        if task not in self._templates:
            from harness.prompts import load_template

            self._templates[task] = load_template(self.prompts[task])
        return self._templates[task]

    def __eq__(self, other: object) -> bool:
        """Equal when the fields are: the compiled templates are derived from them."""
        return type(self) is type(other) and self.__dict__ == other.__dict__

    __hash__ = None

    def output_options(self) -> dict[str, Any]:
        """Every field that can change the output, as JSON values: all but `output_neutral`."""
        return self.model_dump(mode="json", exclude=set(self.output_neutral))


@dataclass(frozen=True)
class Request:
    """One item to generate for: the rendered prompt plus the raw fields baselines need."""

    id: str  # the item's id
    task: str  # the item's task name
    prompt: str  # rendered user message
    system: str | None = None  # rendered system message, if the template has one
    article: str = ""  # article text, for extractive baselines
    article_id: str = ""
    # What an extractive baseline returns (harness.backends.lead): the article sentence that
    # shares most words with `overlap_query` when it is set, else the first `lead_sentences`.
    overlap_query: str | None = None
    lead_sentences: int | None = None
    max_new_tokens: int | None = None  # the item's own token limit (a summary style's), over the model's

    def token_limit(self, generation: Any) -> int:
        """Most tokens to generate for this request: its own limit, else the generation options'."""
        return self.max_new_tokens or generation.max_new_tokens


@dataclass
class Result:
    """What a backend returns for one request. A failed item has text None and an error."""

    id: str
    text: str | None
    error: str | None = None
    prompt_tokens: int | None = None
    completion_tokens: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)


class Backend(ABC):
    """Loads a model once and generates text for batches of requests.

    `Config` is the backend's config model (a ModelOptions subclass); the instance gets the
    validated entry as `self.config`.

    `generate` yields exactly one Result per request, in any order, as they finish, so the
    runner can persist results while the rest are still generating. An error on one item is a
    Result with `error` set, never an exception that stops the run.
    """

    Config: ClassVar[type[ModelOptions]]

    def __init__(self, config: Any):
        self.config = config

    def load(self) -> None:
        """Load weights or open connections. Called once, timed by the runner."""

    @abstractmethod
    def identity(self) -> dict[str, Any]:
        """What identifies the model's outputs: model_ref, revision, model_sha256 (JSON values).

        Part of the prediction cache key and of the report. Must work before `load()`, and be
        cheap: the runner asks it first and loads the model only if the cache lacks something.
        """

    @abstractmethod
    def generate(self, requests: Sequence[Request], generation: Any) -> Iterator[Result]:
        """Generate for each request with the given GenerationOptions."""

    def redact(self, text: str) -> str:
        """`text` with this backend's secrets (an API key) masked. The runner passes every
        string a backend supplies (answers, errors, exception messages) through here before
        it stores, cuts or prints it."""
        return text

    def runtime_info(self) -> dict[str, Any]:
        """Device, threads, dtype and similar facts recorded in the report."""
        return {}

    def close(self) -> None:
        """Release the model or connections."""
