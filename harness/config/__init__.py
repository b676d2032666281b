"""Typed evaluation config: pydantic models, YAML loading with `--set` overrides, and the config hash."""

from harness.config._load import apply_override, config_hash, load_config, read_yaml, resolved_config
from harness.config._models import (
    BootstrapOptions,
    EvalConfig,
    ExtraMetric,
    GenerationOptions,
    GGUFSource,
    LeadModel,
    ModelConfig,
    OpenAIModel,
    PredictionsModel,
    QATask,
    SummarizationTask,
    Tasks,
    TransformersModel,
)

__all__ = [
    "BootstrapOptions",
    "EvalConfig",
    "ExtraMetric",
    "GenerationOptions",
    "GGUFSource",
    "LeadModel",
    "ModelConfig",
    "OpenAIModel",
    "PredictionsModel",
    "QATask",
    "SummarizationTask",
    "Tasks",
    "TransformersModel",
    "apply_override",
    "config_hash",
    "load_config",
    "read_yaml",
    "resolved_config",
]
