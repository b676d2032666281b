"""The `evaluate` side: paths of the harness's own modules, and loading config-added metrics.

`evaluate` (and datasets) are imported only here, inside the functions, since they are slow to
import and a run without extra metrics does not need them.
"""

from __future__ import annotations

import functools
import math
import numbers
from collections.abc import Mapping, Sequence
from pathlib import Path

from harness.errors import HarnessError

EVALUATE_MODULES = ("harness_rouge", "harness_squad")
"""The harness's built-in metrics, wrapped as local `evaluate` modules."""

_MODULES_DIR = Path(__file__).parent / "evaluate_modules"


def evaluate_module_path(name: str) -> str:
    """Directory of a built-in `evaluate` module; evaluate.load(it) works offline."""
    if name not in EVALUATE_MODULES:
        raise HarnessError(f"unknown harness evaluate module {name!r}; allowed: {', '.join(EVALUATE_MODULES)}")
    return str(_MODULES_DIR / name)


@functools.lru_cache(maxsize=None)
def load_extra_metric(path_or_name: str, base_dir: str | Path | None = None):
    """evaluate.load a metric: a built-in name, a local module (file or directory, relative
    paths resolved against base_dir, e.g. the config's folder), or else a hub name. Loaded
    once per process, however many models a run scores with it."""
    try:
        import evaluate
    except ImportError:
        raise HarnessError("extra metrics need the `evaluate` package: pip install 'evaluate>=0.4'") from None
    target = _resolve(path_or_name, base_dir)
    try:
        return evaluate.load(target)
    except Exception as exc:  # evaluate raises many types; the user needs one line
        raise HarnessError(f"cannot load evaluate metric {path_or_name!r} ({target}): {exc}") from None


def _resolve(path_or_name: str, base_dir: str | Path | None) -> str:
    if path_or_name in EVALUATE_MODULES:
        return evaluate_module_path(path_or_name)
    path = Path(path_or_name).expanduser()
    if not path.is_absolute() and base_dir is not None:
        path = Path(base_dir) / path
    if path.exists():
        return str(path.resolve())
    if path_or_name.startswith((".", "/", "~")) or path_or_name.endswith(".py"):
        raise HarnessError(f"evaluate metric path {path_or_name!r} does not exist (looked at {path})")
    return path_or_name  # a hub name such as "bleu" or "org/metric"


def compute_extra_metric(
    module, predictions: Sequence[str], references: Sequence, kwargs: Mapping | None = None
) -> dict:
    """module.compute(...), with the result made JSON-friendly (numpy numbers -> float)."""
    try:
        result = module.compute(predictions=list(predictions), references=list(references), **dict(kwargs or {}))
    except Exception as exc:
        raise HarnessError(f"evaluate metric {getattr(module, 'name', module)!r} failed: {exc}") from None
    if not isinstance(result, Mapping):
        raise HarnessError(f"evaluate metric {getattr(module, 'name', module)!r} returned {type(result).__name__}, not a dict")
    return {str(key): _plain(value) for key, value in result.items()}


def _plain(value):
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if hasattr(value, "tolist"):
        value = value.tolist()
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        value = float(value)
        return value if math.isfinite(value) else None
    return str(value)
