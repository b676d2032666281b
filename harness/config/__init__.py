"""Typed evaluation config: pydantic models assembled from the task table and the backend
registry, YAML loading with `--set` overrides, and the config hash."""

from harness.config._load import apply_override, config_hash, enabled_tasks, load_config, read_yaml, resolved_config
from harness.config._models import BootstrapOptions, EvalConfig, Tasks, config_model

__all__ = [
    "BootstrapOptions",
    "EvalConfig",
    "Tasks",
    "apply_override",
    "config_hash",
    "config_model",
    "enabled_tasks",
    "load_config",
    "read_yaml",
    "resolved_config",
]
