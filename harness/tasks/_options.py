"""What every task's config options share: strict keys, the prompt template compiled once at
load, metric names checked against the registry, and `evaluate` modules added by the config."""

from __future__ import annotations

from typing import Any

from pydantic import Field, PrivateAttr, field_validator

from harness.strict import Strict, check_name


class ExtraMetric(Strict):
    """An extra metric computed with an `evaluate` module."""

    name: str = Field(description="Name of the metric in the report.")
    path: str = Field(
        description="Local path of an `evaluate` module (relative to the current directory) or a hub name."
    )
    kwargs: dict[str, Any] = Field(
        default_factory=dict, description="Keyword arguments passed to the module's compute()."
    )

    _check_name = field_validator("name")(check_name)


class PromptOptions(Strict):
    """Options with a prompt template: `prompt` names it; load_config compiles it once (bind)
    and items render from that compiled template."""

    prompt: str
    _template: Any = PrivateAttr(default=None)

    def bind(self, template: Any) -> None:
        """Keep the compiled prompt template (harness.prompts.Template) the config resolved."""
        self._template = template

    def __eq__(self, other: object) -> bool:
        """Options are equal when their fields are: the compiled template is derived from them."""
        return type(self) is type(other) and self.__dict__ == other.__dict__

    __hash__ = None  # mutable, like every pydantic model

    @property
    def template(self) -> Any:
        """The compiled prompt template; compiled here for options made outside load_config."""
        if self._template is None:
            from harness.prompts import load_template

            self._template = load_template(self.prompt)
        return self._template


class JudgeModelOptions(PromptOptions):
    """A model that grades a task's answers: any backend, greedy, cached, with its own prompt
    template and token limit (a task's judge options set their defaults)."""

    model: Any = Field(description="The judge model: an entry like those under `models:` (any backend).")
    max_new_tokens: int

    @field_validator("model", mode="before")
    @classmethod
    def _a_model(cls, value: Any) -> Any:
        from pydantic import TypeAdapter

        from harness.backends import model_union, used_backends

        return TypeAdapter(model_union(used_backends([value]))).validate_python(value)

    def greedy_model(self) -> Any:
        """The judge model's config, greedy, with the judge's token limit."""
        generation = self.model.generation.model_copy(update={"max_new_tokens": self.max_new_tokens,
                                                              "temperature": 0.0})
        return self.model.model_copy(update={"generation": generation})


class TaskOptions(PromptOptions):
    """Base of a task's options: its prompt, the registered metrics the run scores with (a task
    narrows them to its own), and `evaluate` modules added by the config."""

    metrics: list[str] = Field(min_length=1, description="Metrics to report.")
    extra_metrics: list[ExtraMetric] = Field(default_factory=list, description="Additional `evaluate` metrics.")


def check_unique(values: list[Any]) -> list[Any]:
    duplicates = sorted({str(v) for v in values if values.count(v) > 1})
    if duplicates:
        raise ValueError(f"duplicate entries: {', '.join(duplicates)}")
    return values


def metric_names_of(task: str, name: str) -> str:
    """A metric name registered for `task` (a pydantic validator: ValueError otherwise)."""
    from harness import plugins
    from harness.errors import HarnessError
    from harness.tasks._registry import metric

    if name in plugins.names("metric"):
        try:
            if metric(name).task == task:
                return name
        except HarnessError as error:  # a broken plugin: its own message
            raise ValueError(error.message) from None
    allowed = [n for n in plugins.names("metric") if _task_of(n) == task]
    raise ValueError(f"must be one of: {', '.join(allowed)} (got {name!r})")


def _task_of(name: str) -> str | None:
    from harness.errors import HarnessError
    from harness.tasks._registry import metric

    try:
        return metric(name).task
    except HarnessError:  # a broken plugin is not offered; naming it gives its own error
        return None
