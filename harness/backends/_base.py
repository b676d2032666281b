"""The one interface every model backend implements, built-ins and extensions alike."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import Any, Iterator, Sequence


@dataclass(frozen=True)
class Request:
    """One item to generate for: the rendered prompt plus the raw fields baselines need."""

    id: str  # gold item id (a QA id, or "<article-id>/<style>" for summarization)
    task: str  # "qa" or "summarization"
    prompt: str  # rendered user message
    system: str | None = None  # rendered system message, if the template has one
    article: str = ""  # article text, for extractive baselines
    article_id: str = ""
    question: str | None = None  # QA only
    style: str | None = None  # summarization only


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

    `generate` yields exactly one Result per request, in any order, as they finish, so the
    runner can persist results while the rest are still generating. An error on one item is a
    Result with `error` set, never an exception that stops the run.
    """

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
