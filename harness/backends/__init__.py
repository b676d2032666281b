"""Model backends, chosen by name from a registry."""

from harness.backends._base import Backend, Request, Result
from harness.backends._registry import BACKENDS, create_backend

__all__ = ["Backend", "Request", "Result", "BACKENDS", "create_backend"]
