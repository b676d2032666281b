"""Any OpenAI-compatible endpoint (vLLM, TGI, llama.cpp server, Ollama, hosted APIs).

Requests run N at a time; 429, 5xx, connection errors and timeouts are retried with
exponential backoff and jitter. The API key is read from the environment at load time and
never appears in a message, a log or a result.
"""

from __future__ import annotations

import os
import random
import threading
from concurrent.futures import ThreadPoolExecutor, as_completed
import re
from typing import Any, Iterator, Literal, Sequence

from pydantic import Field, field_validator

from harness.backends._base import Backend, ModelOptions, Request, Result
from harness.backends._chat import plain_prompt
from harness.errors import HarnessError

ENV_NAME_PATTERN = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*\Z")
BACKOFF_BASE_S = 0.5
BACKOFF_MAX_S = 30.0


class RequestFailed(Exception):
    """One request failed; retryable says whether another attempt may help."""

    def __init__(self, message: str, retryable: bool):
        super().__init__(message)
        self.retryable = retryable


def read_api_key(variable: str | None) -> str | None:
    """The key from the named environment variable; the error names the variable only."""
    if variable is None:
        return None
    key = os.environ.get(variable)
    if not key:
        raise HarnessError(f"api_key_env: environment variable {variable} is not set or empty")
    return key


def backoff_delay(attempt: int) -> float:
    """Exponential backoff with full jitter: up to base * 2**attempt, capped."""
    ceiling = min(BACKOFF_MAX_S, BACKOFF_BASE_S * 2**attempt)
    return ceiling / 2 + random.uniform(0, ceiling / 2)


def build_payload(api: str, model: str, request: Request, generation: Any) -> dict[str, Any]:
    """The JSON body for /v1/chat/completions or /v1/completions."""
    payload: dict[str, Any] = {
        "model": model,
        "max_tokens": generation.max_new_tokens,
        "temperature": generation.temperature,
        "top_p": generation.top_p,
        "seed": generation.seed,
    }
    if generation.stop:
        payload["stop"] = list(generation.stop)
    if api == "chat":
        messages = [{"role": "system", "content": request.system}] if request.system else []
        payload["messages"] = messages + [{"role": "user", "content": request.prompt}]
    else:
        payload["prompt"] = plain_prompt(request.system, request.prompt)
    return payload


def parse_response(api: str, item_id: str, body: Any) -> Result:
    """A Result from the response JSON, with the server's token counts when it reports them."""
    try:
        choice = body["choices"][0]
        text = choice["message"]["content"] if api == "chat" else choice["text"]
    except (KeyError, IndexError, TypeError):
        return Result(item_id, None, error="unexpected response: no choices[0] text")
    usage = body.get("usage") if isinstance(body.get("usage"), dict) else {}
    return Result(item_id, text or "", prompt_tokens=usage.get("prompt_tokens"),
                  completion_tokens=usage.get("completion_tokens"),
                  extra={"finish_reason": choice.get("finish_reason")})


class OpenAIModel(ModelOptions):
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


class OpenAIBackend(Backend):
    """Chat or completions over HTTP with bounded concurrency and retries."""

    Config = OpenAIModel

    def load(self) -> None:
        try:
            import httpx
        except ImportError:
            raise HarnessError(
                "the openai backend needs the 'httpx' package: pip install 'harness[openai]'"
            ) from None
        self._key = read_api_key(self.config.api_key_env)
        headers = {"Authorization": f"Bearer {self._key}"} if self._key else {}
        self.client = httpx.Client(
            base_url=self.config.base_url.rstrip("/") + "/",
            headers=headers,
            timeout=self.config.timeout_s,
            limits=httpx.Limits(max_connections=self.config.max_concurrency),
        )

    def identity(self) -> dict[str, Any]:
        ref = f"{self.config.base_url}#{self.config.model}"
        return {"model_ref": ref, "revision": None, "model_sha256": None}

    def generate(self, requests: Sequence[Request], generation: Any) -> Iterator[Result]:
        self._stop = threading.Event()
        pool = ThreadPoolExecutor(max_workers=max(1, self.config.max_concurrency))
        try:
            futures = [pool.submit(self._one, r, generation) for r in requests]
            for future in as_completed(futures):
                yield future.result()
        finally:  # stopped early (Ctrl-C, a failure): drop queued requests, retry nothing more
            self._stop.set()
            pool.shutdown(wait=False, cancel_futures=True)

    def _one(self, request: Request, generation: Any) -> Result:
        payload = build_payload(self.config.api, self.config.model, request, generation)
        try:
            body = self._post_with_retries(payload)
            return parse_response(self.config.api, request.id, body)
        except RequestFailed as exc:
            return Result(request.id, None, error=self._scrub(str(exc)))
        except Exception as exc:  # one odd response must not stop the whole run
            return Result(request.id, None, error=self._scrub(f"{type(exc).__name__}: {exc}"))

    def _post_with_retries(self, payload: dict[str, Any]) -> Any:
        stop = getattr(self, "_stop", None) or threading.Event()
        for attempt in range(self.config.max_retries + 1):
            try:
                return self._post(payload)
            except RequestFailed as exc:
                if not exc.retryable or attempt == self.config.max_retries or stop.is_set():
                    tries = f"{attempt + 1} attempt{'s' if attempt else ''}"
                    raise RequestFailed(f"{exc} (after {tries})", False) from None
            if stop.wait(backoff_delay(attempt)):  # the run stopped while we waited
                raise RequestFailed("stopped before the retry", False)

    def _post(self, payload: dict[str, Any]) -> Any:
        import httpx

        path = "chat/completions" if self.config.api == "chat" else "completions"
        try:
            response = self.client.post(path, json=payload)
        except httpx.TimeoutException:
            raise RequestFailed(f"timed out after {self.config.timeout_s} s", True) from None
        except httpx.TransportError as exc:
            raise RequestFailed(f"connection error: {type(exc).__name__}: {exc}", True) from None
        if response.status_code >= 400:
            raise self._http_error(response)
        try:
            return response.json()
        except ValueError:
            raise RequestFailed("response is not JSON", False) from None

    def _http_error(self, response: Any) -> RequestFailed:
        status = response.status_code
        if status == 401:
            return RequestFailed(f"authentication failed (HTTP 401); check the variable "
                                 f"{self.config.api_key_env or '(api_key_env not set)'}", False)
        detail = response.text[:200].replace("\n", " ")
        return RequestFailed(f"HTTP {status}: {detail}", status == 429 or status >= 500)

    def _scrub(self, message: str) -> str:
        """Belt and braces: a server that echoes the key back must not leak it."""
        return message.replace(self._key, "***") if self._key else message

    def close(self) -> None:
        client = getattr(self, "client", None)
        if client is not None:
            client.close()
