"""Reading an OpenAI-compatible response body into a Result, trusting none of its shape.

Anything unexpected (a missing field, a number where text belongs, a token count that is not a
whole number) fails that item with a one-line reason, as does a refusal or a content filter:
a refused item is a failure, never an empty answer (and failures are never cached).
"""

from __future__ import annotations

from typing import Any

from harness.backends._base import Result
from harness.errors import shown

USAGE_FIELDS = ("prompt_tokens", "completion_tokens")


class Unusable(Exception):
    """The response cannot be used as an answer; the message says why."""


def parse_response(api: str, item_id: str, body: Any) -> Result:
    """A Result from the response JSON, with the server's token counts when it reports them."""
    try:
        choice = _first_choice(body)
        _check_refusal(choice)
        text = _chat_text(choice) if api == "chat" else _text(choice.get("text"), "choices[0].text")
        prompt_tokens, completion_tokens = _usage(body)
    except Unusable as exc:
        return Result(item_id, None, error=str(exc))
    finish = choice.get("finish_reason")
    return Result(item_id, text, prompt_tokens=prompt_tokens, completion_tokens=completion_tokens,
                  extra={"finish_reason": finish if isinstance(finish, str) else None})


def _first_choice(body: Any) -> dict[str, Any]:
    choices = body.get("choices") if isinstance(body, dict) else None
    if not isinstance(choices, list) or not choices or not isinstance(choices[0], dict):
        raise Unusable("unexpected response: no choices[0] object")
    return choices[0]


def _check_refusal(choice: dict[str, Any]) -> None:
    """A refusal field (chat) or a content filter's finish_reason: the model gave no answer."""
    message = choice.get("message")
    refusal = message.get("refusal") if isinstance(message, dict) else None
    if refusal not in (None, ""):
        raise Unusable(f"refused: {shown(refusal, 200)}")
    if choice.get("finish_reason") == "content_filter":
        raise Unusable("refused: the server's content filter stopped the answer (finish_reason content_filter)")


def _chat_text(choice: dict[str, Any]) -> str:
    message = choice.get("message")
    if not isinstance(message, dict):
        raise Unusable("unexpected response: choices[0].message is not an object")
    content = message.get("content")
    if isinstance(content, list):
        return "".join(_part_text(part) for part in content)
    return _text(content, "message.content")


def _part_text(part: Any) -> str:
    """The text of one part of a content list (the newer format); a refusal part refuses."""
    kind = part.get("type") if isinstance(part, dict) else None
    if kind == "text":
        return _text(part.get("text"), "a text part of message.content")
    if kind == "refusal":
        raise Unusable(f"refused: {shown(part.get('refusal'), 200)}")
    raise Unusable(f"unexpected response: a part of message.content of type {shown(kind, 40)}, not text")


def _text(value: Any, where: str) -> str:
    if isinstance(value, str):
        return value
    what = "null" if value is None else f"{type(value).__name__} {shown(repr(value), 40)}"
    raise Unusable(f"unexpected response: {where} is {what}, not text")


def _usage(body: dict[str, Any]) -> tuple[int | None, int | None]:
    usage = body.get("usage")
    if usage is None:
        return None, None
    if not isinstance(usage, dict):
        raise Unusable(f"unexpected response: usage is {type(usage).__name__}, not an object")
    counts = []
    for name in USAGE_FIELDS:
        value = usage.get(name)
        if value is not None and (type(value) is not int or value < 0):
            raise Unusable(f"unexpected response: usage.{name} is {type(value).__name__} "
                           f"{shown(repr(value), 40)}, not a whole number")
        counts.append(value)
    return counts[0], counts[1]
