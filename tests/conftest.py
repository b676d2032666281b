"""Fixtures shared across test files."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def shared_model_cache(tmp_path_factory):
    """A HARNESS_CACHE_DIR for real-model tests that do not test the conversion itself, so the
    SmolLM2 GGUF is dequantized once per test session rather than once per test file."""
    return tmp_path_factory.mktemp("harness-cache")
