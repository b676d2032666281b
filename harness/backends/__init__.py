"""Model backends: one interface (Backend), registered by name like any plugin."""

from harness.backends._base import Backend, GenerationOptions, ModelOptions, Request, Result
from harness.backends._registry import backend_class, backend_configs, create_backend, model_union, used_backends

__all__ = ["Backend", "GenerationOptions", "ModelOptions", "Request", "Result", "backend_class",
           "backend_configs", "create_backend", "model_union", "used_backends"]
