"""Turning a rendered system + user message into the text a local model sees."""

from __future__ import annotations

from typing import Any


def plain_prompt(system: str | None, user: str) -> str:
    """The prompt for models without a chat template: system, blank line, user."""
    return f"{system}\n\n{user}" if system else user


def chat_prompt(tokenizer: Any, system: str | None, user: str) -> tuple[str, bool]:
    """(text, add_special_tokens): the chat template when the tokenizer has one, else plain.

    A chat template already writes the special tokens it wants, so they are not added twice.
    """
    if not getattr(tokenizer, "chat_template", None):
        return plain_prompt(system, user), True
    messages = [{"role": "system", "content": system}] if system else []
    messages.append({"role": "user", "content": user})
    text = tokenizer.apply_chat_template(messages, tokenize=False, add_generation_prompt=True)
    return text, False


def cut_at_stop(text: str, stop: list[str]) -> str:
    """Cut text at the earliest occurrence of any stop string after the output has begun:
    leading whitespace is not output, so a base model that starts its reply on a new line is
    not stopped by a "\n" stop before it has said anything."""
    body = text.lstrip()
    positions = [body.find(s) for s in stop if s and s in body]
    return body[: min(positions)] if positions else body


def has_stop(text: str, stop: list[str]) -> bool:
    """Whether the output (leading whitespace aside) holds a stop string yet."""
    body = text.lstrip()
    return any(s in body for s in stop if s)
