"""Backend registry: a plain dict from name to "module:Class", imported only when used."""

from __future__ import annotations

import importlib
from typing import Any

from harness.backends._base import Backend
from harness.errors import HarnessError

BACKENDS: dict[str, str] = {
    "lead": "harness.backends.lead:LeadBackend",
    "predictions": "harness.backends.predictions:PredictionsBackend",
    "transformers": "harness.backends.transformers:TransformersBackend",
    "openai": "harness.backends.openai:OpenAIBackend",
}


def create_backend(config: Any) -> Backend:
    """Instantiate the backend named by config.backend (heavy imports happen here, not earlier)."""
    target = BACKENDS.get(config.backend)
    if target is None:
        raise HarnessError(
            f"unknown backend {config.backend!r}; allowed: {', '.join(sorted(BACKENDS))}"
        )
    module_name, class_name = target.split(":")
    cls = getattr(importlib.import_module(module_name), class_name)
    return cls(config)
