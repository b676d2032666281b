"""The most frequent kinds of disagreement of a metric with the labels: disagreements grouped
by the direction (FP: the metric accepts what the label rejects; FN: the reverse) and by the
rule that decided the verdict, its quoted parts and numbers blanked ("contains '…'"), with a
few examples of each."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

_QUOTED = re.compile(r"'.*'|\"[^\"]*\"")  # greedy: a quoted answer may hold an apostrophe
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


@dataclass(frozen=True)
class Example:
    where: str
    question: str
    references: tuple[str, ...]
    prediction: str
    rule: str
    source: str


@dataclass(frozen=True)
class Kind:
    """One kind of disagreement: its direction, its rule with the particulars blanked, how often."""

    direction: str  # "FP" or "FN"
    rule: str
    count: int
    examples: tuple[Example, ...]


def rule_kind(rule: str) -> str:
    """A verdict's rule without its particulars: quoted text and numbers blanked."""
    return _NUMBER.sub("N", _QUOTED.sub("'…'", rule))


def kinds(disagreements: Sequence[tuple[bool, Example]], top: int = 10, examples: int = 3) -> list[Kind]:
    """The `top` most frequent kinds (ties in first-seen order), each with its first examples.
    Each disagreement is (the metric's verdict, example)."""
    groups: dict[tuple[str, str], list[Example]] = {}
    for verdict, example in disagreements:
        groups.setdefault(("FP" if verdict else "FN", rule_kind(example.rule)), []).append(example)
    ranked = sorted(groups.items(), key=lambda item: -len(item[1]))[:top]
    return [Kind(direction, rule, len(found), tuple(found[:examples])) for (direction, rule), found in ranked]
