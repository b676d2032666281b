"""Backends by name, from the registry (harness.plugins): built-ins and plugins alike."""

from __future__ import annotations

from typing import Any

from harness import plugins
from harness.backends._base import Backend, ModelOptions
from harness.errors import HarnessError


def backend_class(name: str) -> type[Backend]:
    """The Backend class registered as `name` (HarnessError listing the names if unknown)."""
    cls = plugins.load("backend", name)
    if not (isinstance(cls, type) and issubclass(cls, Backend)):
        raise HarnessError(f"backend {name!r} is registered as {cls!r}, which is not a harness Backend class")
    config = getattr(cls, "Config", None)
    if not (isinstance(config, type) and issubclass(config, ModelOptions)):
        raise HarnessError(f"backend {name!r}: {cls.__name__}.Config must be a ModelOptions subclass")
    return cls


def backend_configs() -> dict[str, type[ModelOptions]]:
    """Every registered backend's config model, by backend name."""
    return {name: backend_class(name).Config for name in plugins.names("backend")}


def create_backend(config: Any) -> Backend:
    """Instantiate the backend named by config.backend (heavy imports happen at load(), not here)."""
    return backend_class(config.backend)(config)
