"""Backends by name, from the registry (harness.plugins): built-ins and plugins alike."""

from __future__ import annotations

from typing import Annotated, Any, Union

from pydantic import Field

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


def backend_configs(names: tuple[str, ...] | None = None) -> dict[str, type[ModelOptions]]:
    """The config models of the backends `names` (every registered one when None, empty, or when
    a name is not registered, so that its error can list them all), by backend name. Only these
    are imported, so a broken plugin that a config does not use cannot break it."""
    registered = plugins.names("backend")
    if names is None or not names or any(name not in registered for name in names):
        return {name: backend_class(name).Config for name in registered}  # an unknown name: its error lists them all
    chosen = [name for name in registered if name in names]
    return {name: backend_class(name).Config for name in chosen}


def used_backends(entries: Any) -> tuple[str, ...] | None:
    """The `backend` names that a list of model entries (raw config data) gives, sorted; None
    (every backend) when an entry gives none, so that its error can list them all."""
    if not isinstance(entries, list):
        return None
    if not all(isinstance(e, dict) and isinstance(e.get("backend"), str) for e in entries):
        return None
    return tuple(sorted({e["backend"] for e in entries}))


def create_backend(config: Any) -> Backend:
    """Instantiate the backend named by config.backend (heavy imports happen at load(), not here)."""
    return backend_class(config.backend)(config)


def model_union(names: tuple[str, ...] | None = None) -> Any:
    """The type of one `models:` entry: the configs of the backends among `names` (see
    backend_configs), told apart by `backend`."""
    configs = tuple(backend_configs(names).values())
    if len(configs) == 1:
        return configs[0]
    return Annotated[Union[configs], Field(discriminator="backend")]
