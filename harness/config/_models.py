"""The typed evaluation config: pydantic models, every one rejecting unknown keys.

The config is assembled from the two registries the harness has: `tasks:` has one field per
registered task (harness.tasks.tasks(), each with its own options model), and each entry
of `models:` is the config model of its backend (harness.plugins, built-ins and plugins alike),
chosen by its `backend` key. Use `config_model()` for the assembled class; `EvalConfig` is its
base, for type hints.

Relative paths in a config (`gold`, a prompt file, a predictions file) are kept exactly as
written and resolved against the current working directory when used; a prompt file that is
not found there is also looked up next to the config file (see harness.prompts).
"""

from __future__ import annotations

import functools
from typing import Annotated, Any, Optional, Union

from pydantic import Field, create_model, field_validator, model_validator

from harness.backends import ModelOptions, model_union
from harness.strict import Strict, check_name
from harness.tasks import tasks


class _TaskSelection(Strict):
    @model_validator(mode="after")
    def _at_least_one(self) -> "_TaskSelection":
        if all(getattr(self, name) is None for name in tasks()):
            raise ValueError(f"enable at least one task: {', '.join(tasks())}")
        return self


Tasks = create_model(
    "Tasks", __base__=_TaskSelection, __doc__="Which tasks run; a task that is absent (or null) is skipped.",
    **{name: (Optional[task.Options], Field(default=None, description=f"{task.title} options."))
       for name, task in tasks().items()},
)


class BootstrapOptions(Strict):
    """Seeded bootstrap for confidence intervals (resampled by article)."""

    resamples: int = Field(default=1000, ge=1, le=1_000_000, description="Number of bootstrap resamples.")
    seed: int = Field(default=0, ge=0, description="Random seed of the resampling.")
    confidence: float = Field(default=0.95, gt=0.0, lt=1.0, description="Confidence level of the interval.")


class EvalConfig(Strict):
    """One evaluation: which gold set, which tasks, which models (see config_model())."""

    name: str = Field(description="Config name; reports go to reports/<name>/ (letters, digits, '.', '_', '-').")
    gold: str = Field(default="gold", description="Gold data directory, relative to the current directory.")
    tasks: Tasks = Field(description="Tasks to run and their options.")
    models: list[ModelOptions] = Field(min_length=1, description="Models to evaluate (names unique).")
    bootstrap: BootstrapOptions = Field(
        default_factory=BootstrapOptions, description="Confidence interval options."
    )

    _check_name = field_validator("name")(check_name)

    @field_validator("models")
    @classmethod
    def _unique_names(cls, models: list[Any]) -> list[Any]:
        seen: dict[str, int] = {}
        for i, model in enumerate(models):
            if model.name in seen:
                raise ValueError(
                    f"duplicate model name {model.name!r} (models[{seen[model.name]}] and models[{i}]);"
                    " names must be unique"
                )
            seen[model.name] = i
        return models


@functools.lru_cache(maxsize=8)
def config_model(backends: tuple[str, ...] | None = None) -> type[EvalConfig]:
    """EvalConfig with `models:` typed by the registered backends among `backends` (all of
    them when None): a config imports only the backends it names."""
    return create_model(
        "EvalConfig", __base__=EvalConfig, __doc__=EvalConfig.__doc__,
        models=(list[model_union(backends)], Field(min_length=1, description="Models to evaluate (names unique).")),
    )
