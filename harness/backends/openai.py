"""Any OpenAI-compatible endpoint (vLLM, TGI, llama.cpp server, Ollama, hosted APIs).

Requests run N at a time on an asyncio loop in a worker thread, each attempt under one deadline
(`timeout_s`, connecting to the last byte). 429, 5xx, connection errors and timeouts are retried
with exponential backoff and jitter, waiting at least what a Retry-After header asks (capped).
The API key is read from the environment at load time, and every string a server sends back is
redacted (`redact`) before it is kept, cut or shown.
"""

from __future__ import annotations

import asyncio
import datetime
import email.utils
import os
import queue
import random
import threading
import time
from typing import Any, Iterator, Sequence

from harness.backends._base import Backend, Request, Result
from harness.backends._chat import plain_prompt
from harness.backends._openai_options import OpenAIModel
from harness.backends._openai_response import parse_response
from harness.errors import HarnessError, shown

__all__ = ["OpenAIBackend", "OpenAIModel", "backoff_delay", "build_payload", "mask_key", "parse_response",
           "retry_after_s"]

BACKOFF_BASE_S = 0.5
BACKOFF_MAX_S = 30.0
MIN_KEY_PREFIX = 8  # a cut-off key this long or longer is still masked
DETAIL_CHARS = 200  # of an error response's body, quoted in the item's error
STOP_JOIN_S = 5.0  # how long closing waits for cancelled requests to wind down
_DONE = object()  # the worker's last word: every result it will ever send has been sent


class RequestFailed(Exception):
    """One attempt failed; retryable says whether another may help, retry_after what the server asked."""

    def __init__(self, message: str, retryable: bool, retry_after: float | None = None):
        super().__init__(message)
        self.retryable, self.retry_after = retryable, retry_after


def read_api_key(variable: str | None) -> str | None:
    """The key from the named environment variable; the error names the variable only."""
    if variable is None:
        return None
    key = os.environ.get(variable)
    if not key:
        raise HarnessError(f"api_key_env: environment variable {variable} is not set or empty")
    return key


def mask_key(text: str, key: str | None) -> str:
    """`text` with `key`, and any start of it at least MIN_KEY_PREFIX characters long (a key a
    server or a cut shortened), replaced by ***."""
    if not key or key[:MIN_KEY_PREFIX] not in text:
        return text
    head, parts, start = key[:MIN_KEY_PREFIX], [], 0
    while (found := text.find(head, start)) != -1:
        end = found + len(head)
        while end - found < len(key) and end < len(text) and text[end] == key[end - found]:
            end += 1
        parts.append(text[start:found] + "***")
        start = end
    return "".join(parts) + text[start:]


def backoff_delay(attempt: int) -> float:
    """Exponential backoff with full jitter: up to base * 2**attempt, capped."""
    ceiling = min(BACKOFF_MAX_S, BACKOFF_BASE_S * 2**attempt)
    return ceiling / 2 + random.uniform(0, ceiling / 2)


def retry_after_s(value: str | None, now: float | None = None) -> float | None:
    """Seconds a Retry-After header asks to wait (delay-seconds or an HTTP date); None if absent
    or unreadable, 0 for a date in the past."""
    if value is None:
        return None
    try:
        seconds = float(value.strip())
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(value.strip())
        except (TypeError, ValueError, IndexError):
            return None
        if when.tzinfo is None:  # "-0000": HTTP dates are GMT
            when = when.replace(tzinfo=datetime.timezone.utc)
        seconds = when.timestamp() - (time.time() if now is None else now)
    return None if seconds != seconds else max(0.0, seconds)  # NaN is unreadable


def build_payload(api: str, model: str, request: Request, generation: Any) -> dict[str, Any]:
    """The JSON body for /v1/chat/completions or /v1/completions."""
    payload: dict[str, Any] = {
        "model": model,
        "max_tokens": request.token_limit(generation),
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


def _redact_json(value: Any, redact) -> Any:
    """A parsed JSON value with every string in it (keys too) passed through `redact`."""
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, list):
        return [_redact_json(item, redact) for item in value]
    if isinstance(value, dict):
        return {redact(key): _redact_json(item, redact) for key, item in value.items()}
    return value


class OpenAIBackend(Backend):
    """Chat or completions over HTTP with bounded concurrency, deadlines and retries."""

    Config = OpenAIModel

    def __init__(self, config: Any):
        super().__init__(config)
        self._key: str | None = None

    def load(self) -> None:
        try:
            import httpx  # noqa: F401
        except ImportError:
            raise HarnessError(
                "the openai backend needs the 'httpx' package: pip install 'harness[openai]'"
            ) from None
        self._key = read_api_key(self.config.api_key_env)

    def identity(self) -> dict[str, Any]:
        ref = f"{self.config.base_url}#{self.config.model}"
        return {"model_ref": ref, "revision": None, "model_sha256": None}

    def redact(self, text: str) -> str:
        return mask_key(text, self._key)

    def generate(self, requests: Sequence[Request], generation: Any) -> Iterator[Result]:
        if not requests:
            return
        results: queue.Queue = queue.Queue()
        loop = asyncio.new_event_loop()
        task = loop.create_task(self._run_all(requests, generation, results))
        worker = threading.Thread(target=_run_to_end, args=(loop, task), daemon=True)
        worker.start()
        try:
            while (result := results.get()) is not _DONE:
                if isinstance(result, Exception):
                    raise result
                yield result
        finally:  # stopped early (Ctrl-C, a failure): cancel what is queued or in flight
            try:
                loop.call_soon_threadsafe(task.cancel)
            except RuntimeError:
                pass  # the loop already finished and closed
            worker.join(STOP_JOIN_S)

    async def _run_all(self, requests: Sequence[Request], generation: Any, results: queue.Queue) -> None:
        """Every request, max_concurrency at a time, each Result put on `results` as it finishes;
        then _DONE (after an exception of ours, that exception first)."""
        try:
            import httpx

            limit = asyncio.Semaphore(self.config.max_concurrency)
            headers = {"Authorization": f"Bearer {self._key}"} if self._key else {}
            async with httpx.AsyncClient(
                base_url=self.config.base_url.rstrip("/") + "/", headers=headers,
                timeout=self.config.timeout_s, limits=httpx.Limits(max_connections=self.config.max_concurrency),
            ) as client:
                await asyncio.gather(*(self._queued(limit, client, r, generation, results) for r in requests))
        except Exception as exc:  # a bug here: the caller raises it, and the runner fails the items
            results.put(exc)
        finally:
            results.put(_DONE)

    async def _queued(self, limit: asyncio.Semaphore, client: Any, request: Request, generation: Any,
                      results: queue.Queue) -> None:
        async with limit:
            results.put(await self._one(client, request, generation))

    async def _one(self, client: Any, request: Request, generation: Any) -> Result:
        payload = build_payload(self.config.api, self.config.model, request, generation)
        try:
            result = parse_response(self.config.api, request.id, await self._post_with_retries(client, payload))
        except RequestFailed as exc:
            result = Result(request.id, None, error=str(exc))
        except Exception as exc:  # one odd response must not stop the whole run
            result = Result(request.id, None, error=f"{type(exc).__name__}: {exc}")
        result.text = None if result.text is None else self.redact(result.text)
        result.error = None if result.error is None else self.redact(" ".join(result.error.split()))
        return result

    async def _post_with_retries(self, client: Any, payload: dict[str, Any]) -> Any:
        for attempt in range(self.config.max_retries + 1):
            try:
                return await self._attempt(client, payload)
            except RequestFailed as exc:
                if not exc.retryable or attempt == self.config.max_retries:
                    tries = f"{attempt + 1} attempt{'s' if attempt else ''}"
                    raise RequestFailed(f"{exc} (after {tries})", False) from None
                await asyncio.sleep(self._wait_s(attempt, exc.retry_after))

    def _wait_s(self, attempt: int, retry_after: float | None) -> float:
        """The backoff, or the server's Retry-After (up to retry_after_max_s) when that is longer."""
        backoff = backoff_delay(attempt)
        if retry_after is None:
            return backoff
        return max(backoff, min(retry_after, self.config.retry_after_max_s))

    async def _attempt(self, client: Any, payload: dict[str, Any]) -> Any:
        """One attempt, connect to last byte, under the deadline timeout_s."""
        try:
            return await asyncio.wait_for(self._post(client, payload), self.config.timeout_s)
        except asyncio.TimeoutError:
            raise RequestFailed(f"timed out after {self.config.timeout_s} s", True) from None

    async def _post(self, client: Any, payload: dict[str, Any]) -> Any:
        import httpx

        path = "chat/completions" if self.config.api == "chat" else "completions"
        try:
            response = await client.post(path, json=payload)
        except httpx.TimeoutException:
            raise RequestFailed(f"timed out after {self.config.timeout_s} s", True) from None
        except httpx.TransportError as exc:
            raise RequestFailed(self.redact(f"connection error: {type(exc).__name__}: {exc}"), True) from None
        if response.status_code >= 400:
            raise self._http_error(response)
        try:
            return _redact_json(response.json(), self.redact)
        except ValueError:
            raise RequestFailed("response is not JSON", False) from None

    def _http_error(self, response: Any) -> RequestFailed:
        status = response.status_code
        if status == 401:
            return RequestFailed(f"authentication failed (HTTP 401); check the variable "
                                 f"{self.config.api_key_env or '(api_key_env not set)'}", False)
        detail = shown(self.redact(response.text), DETAIL_CHARS)  # redacted before it is cut
        retryable = status == 429 or status >= 500
        return RequestFailed(f"HTTP {status}: {detail}", retryable,
                             retry_after_s(response.headers.get("Retry-After")) if retryable else None)


def _run_to_end(loop: asyncio.AbstractEventLoop, task: asyncio.Task) -> None:
    """The worker thread: run the requests until done or cancelled, then close the loop."""
    try:
        loop.run_until_complete(task)
    except asyncio.CancelledError:
        pass
    finally:
        loop.run_until_complete(loop.shutdown_asyncgens())
        loop.close()
