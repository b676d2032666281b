"""What a run reports while it goes: the library emits these, the CLI draws them (tqdm)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Union


@dataclass(frozen=True)
class ModelLoading:
    """A model has items left to generate and is being loaded."""

    model: str
    backend: str


@dataclass(frozen=True)
class GenerationStarted:
    """A loaded model starts generating `total` items (the rest came from the run log or cache)."""

    model: str
    total: int


@dataclass(frozen=True)
class ItemGenerated:
    """One more item of the model is finished (generated, or failed)."""

    model: str


@dataclass(frozen=True)
class GenerationFinished:
    model: str


Event = Union[ModelLoading, GenerationStarted, ItemGenerated, GenerationFinished]
Emit = Callable[[Event], None]


def ignore(event: Event) -> None:
    """The default listener: a library caller that wants no progress."""
