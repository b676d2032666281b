"""The config of an openai model entry: where the server is, its key's variable, and how long
and how often to try."""

from __future__ import annotations

import re
from typing import ClassVar, Literal

from pydantic import Field, field_validator

from harness.backends._base import ModelOptions

ENV_NAME_PATTERN = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*\Z")


class OpenAIModel(ModelOptions):
    """A model behind any OpenAI-compatible server (vLLM, TGI, llama.cpp, Ollama, hosted APIs)."""

    # How hard and how fast to try, and where the key is: they decide whether an answer comes,
    # never what it says (a failed item is never cached). base_url stays in the key: another
    # server may serve another model under the same name.
    output_neutral: ClassVar[frozenset[str]] = ModelOptions.output_neutral | {
        "api_key_env", "max_concurrency", "timeout_s", "max_retries", "retry_after_max_s"}

    backend: Literal["openai"] = Field(description="Backend name.")
    base_url: str = Field(description="Server URL including the API prefix, e.g. http://127.0.0.1:8080/v1.")
    model: str = Field(min_length=1, description="Model name the server expects.")
    api: Literal["chat", "completions"] = Field(default="chat", description="Which endpoint to call.")
    api_key_env: str | None = Field(
        default=None, description="NAME of the environment variable holding the API key (never the key)."
    )
    max_concurrency: int = Field(default=4, ge=1, le=1024, description="Requests in flight at once.")
    timeout_s: float = Field(
        default=60.0, gt=0, le=3600,
        description="Deadline in seconds for one attempt of a request, from connecting to the last byte of the "
        "response (headers and body); an attempt still running then is cut off as a timeout and retried.",
    )
    max_retries: int = Field(
        default=3, ge=0, le=20,
        description="Retries after HTTP 429, 5xx, a connection error or a timeout; each waits an exponential "
        "backoff with jitter (0.5 s, 1 s, 2 s, ... up to 30 s), or the server's Retry-After when that is longer.",
    )
    retry_after_max_s: float = Field(
        default=60.0, ge=0, le=3600,
        description="Longest wait a server's Retry-After header (seconds or an HTTP date) can ask for before a "
        "retry; a longer one is cut to this, and the wait is never shorter than the backoff.",
    )

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
