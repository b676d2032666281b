"""Read a YAML config, apply `--set KEY=VALUE` overrides, validate, and hash it."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any, Sequence

import yaml
from pydantic import ValidationError

from harness.backends import used_backends
from harness.config._errors import validation_lines
from harness.config._models import EvalConfig, config_model
from harness.errors import HarnessError, lone_surrogate, printable

MAX_VALUES = 100_000


def read_yaml(path: str | Path) -> dict[str, Any]:
    """The YAML mapping in `path` (yaml.safe_load: tags that build Python objects are errors)."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise HarnessError(f"{path}: config file not found") from None
    except IsADirectoryError:
        raise HarnessError(f"{path}: is a directory, not a config file") from None
    except UnicodeDecodeError:
        raise HarnessError(f"{path}: not a UTF-8 text file") from None
    except OSError as exc:
        raise HarnessError(f"{path}: cannot read config file: {exc.strerror or exc}") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise HarnessError(f"{path}{_yaml_where(exc)}: not valid YAML: {_yaml_problem(exc)}") from None
    except RecursionError:
        raise HarnessError(f"{path}: not a usable config: lists or mappings nested too deeply") from None
    _check_values(data, path)
    if not isinstance(data, dict):
        got = "an empty file" if data is None else f"a {type(data).__name__}"
        raise HarnessError(f"{path}: a config must be a YAML mapping (key: value lines), got {got}")
    return data


def _check_values(data: Any, path: str | Path) -> None:
    """Refuse more than MAX_VALUES values, counting an alias each time it is used (YAML
    anchors can make a few lines expand to billions of values, or a cycle), and strings with
    a lone surrogate (a "\\ud800" escape: not text, it cannot be hashed or written as UTF-8)."""
    stack, count = [data], 0
    while stack:
        node = stack.pop()
        count += 1
        if count > MAX_VALUES:
            raise HarnessError(f"{path}: config too large: more than {MAX_VALUES} values "
                               "(YAML aliases count each time they are used; cycles are not allowed)")
        if isinstance(node, str) and lone_surrogate(node) is not None:
            raise HarnessError(f"{path}: the string {node[:60]!r} holds a lone surrogate escape "
                               "(\\ud800-\\udfff), which is not text")
        if isinstance(node, dict):
            stack.extend(node.keys())
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)


def _yaml_where(exc: yaml.YAMLError) -> str:
    mark = getattr(exc, "problem_mark", None)
    return f":{mark.line + 1}:{mark.column + 1}" if mark is not None else ""


def _yaml_problem(exc: yaml.YAMLError) -> str:
    problem = " ".join(str(getattr(exc, "problem", None) or exc).split())
    if "constructor for the tag" in problem:
        problem += " (YAML tags that build Python objects are not allowed)"
    return problem


def apply_override(data: dict[str, Any], override: str) -> None:
    """Apply one "a.b.1.c=VALUE" to `data` in place; VALUE is parsed with yaml.safe_load.

    Missing mapping keys are created; list indices must already exist.
    """
    key, sep, raw = override.partition("=")
    if not sep or not key.strip():
        raise ValueError(f"--set {override!r}: expected KEY=VALUE, e.g. models.1.generation.max_new_tokens=32")
    key = printable(key)
    try:
        value = yaml.safe_load(raw)
    except yaml.YAMLError as exc:
        raise ValueError(f"--set {key}: value {raw!r} is not valid YAML: {_yaml_problem(exc)}") from None
    except RecursionError:
        raise ValueError(f"--set {key}: value nested too deeply") from None
    parts = override.partition("=")[0].strip().split(".")
    node: Any = data
    for depth, part in enumerate(parts):
        where = printable(".".join(parts[:depth])) or "the config"
        last = depth == len(parts) - 1
        if isinstance(node, dict):
            if last:
                node[part] = value
            else:
                if node.get(part) is None:
                    node[part] = {}  # creating missing mapping keys is allowed
                node = node[part]
        elif isinstance(node, list):
            if not (part.lstrip("-").isascii() and part.lstrip("-").isdigit()):
                raise ValueError(f"--set {key}: {where} is a list; {part!r} must be an index (0 to {len(node) - 1})")
            index = int(part)
            if not 0 <= index < len(node):
                raise ValueError(
                    f"--set {key}: index {index} is out of range; {where} has {len(node)} item(s)"
                )
            if last:
                node[index] = value
            else:
                node = node[index]
        else:
            raise ValueError(f"--set {key}: {where} is {node!r}, not a mapping or a list")


def load_config(path: str | Path, overrides: Sequence[str] = ()) -> EvalConfig:
    """Load and validate a config; every problem is reported at once in one HarnessError (exit 2).

    Each line of the message reads "FILE: key.path: problem; what is allowed".
    """
    data = read_yaml(path)
    problems: list[str] = []
    for override in overrides:
        try:
            apply_override(data, override)
        except ValueError as exc:
            problems.append(f"{path}: {exc}")
    if problems:
        raise HarnessError("\n".join(problems))
    _check_values(data, path)  # an override can bring its own aliases
    backends = used_backends(data.get("models")) if isinstance(data, dict) else None
    try:
        config = config_model(backends).model_validate(data)
    except ValidationError as exc:
        raise HarnessError("\n".join(f"{path}: {line}" for line in validation_lines(exc, backends))) from None
    problems = _bind_prompts(config, path) + _check_extra_metrics(config, path)
    if problems:
        raise HarnessError("\n".join(problems))
    return config


def enabled_tasks(config: EvalConfig) -> dict[str, Any]:
    """Task name -> its options, for the tasks the config enables, in task-table order."""
    from harness.tasks import tasks

    return {name: getattr(config.tasks, name) for name in tasks() if getattr(config.tasks, name) is not None}


def _bind_prompts(config: EvalConfig, path: str | Path) -> list[str]:
    """Resolve and compile each task's prompt template once, now, for every item to render from."""
    from harness.prompts import load_template

    problems = []
    tasks = enabled_tasks(config)
    bound = [(f"tasks.{name}.prompt", options, None, options.prompt) for name, options in tasks.items()]
    bound += [(f"tasks.{name}.judge.prompt", options.judge, None, options.judge.prompt)
              for name, options in tasks.items() if getattr(options, "judge", None)]
    bound += [(f"models[{index}].prompts.{task}", model, task, ref)
              for index, model in enumerate(config.models) for task, ref in model.prompts.items()]
    for where, owner, task, ref in bound:
        if task is not None and task not in tasks:
            problems.append(f"{path}: {where}: no such task in this config (it has: {', '.join(tasks)})")
            continue
        try:
            template = load_template(ref, Path(path).parent)
            if task is None:
                owner.bind(template)
            else:
                owner.bind(task, template)
        except HarnessError as exc:
            problems.append(f"{path}: {where}: {printable(exc.message)}")
        except (OSError, ValueError) as exc:  # a name the file system refuses (too long, NUL)
            reason = getattr(exc, "strerror", None) or "not a usable file name"
            problems.append(f"{path}: {where}: cannot be looked up as a file: {reason}")
    return problems


def _check_extra_metrics(config: EvalConfig, path: str | Path) -> list[str]:
    """Load every `evaluate` module the config names now, not after every model has generated."""
    problems = []
    for task_name, options in enabled_tasks(config).items():
        for index, extra in enumerate(options.extra_metrics):
            from harness.metrics import load_extra_metric

            try:
                load_extra_metric(extra.path)
            except HarnessError as exc:
                problems.append(f"{path}: tasks.{task_name}.extra_metrics[{index}].path: {printable(exc.message)}")
    return problems


def resolved_config(config: EvalConfig) -> dict[str, Any]:
    """The config with every default filled in, as JSON values (what the report records)."""
    return config.model_dump(mode="json")


def config_hash(config: EvalConfig) -> str:
    """sha256 (hex) of the canonical JSON of the resolved config: sorted keys, no whitespace."""
    canonical = json.dumps(resolved_config(config), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()
