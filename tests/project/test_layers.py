"""Low rooms do not pull in high ones: `harness compare` only reads two JSON files, so importing
it must not import the gold set, the backends, the prompts or torch."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def _modules_after(statement: str) -> list[str]:
    code = f"import sys, json; {statement}; print(json.dumps(sorted(sys.modules)))"
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_importing_compare_imports_no_gold_backends_prompts_or_torch():
    modules = _modules_after("import harness.compare")
    forbidden = [m for m in modules if m.split(".")[:2] in (["harness", "gold"], ["harness", "backends"],
                                                          ["harness", "prompts"], ["harness", "run"])
                 or m.split(".")[0] in ("torch", "transformers", "datasets", "jinja2")]
    assert forbidden == []
    assert len([m for m in modules if m.startswith("harness")]) <= 30  # it was about 50


def test_reading_a_report_needs_only_the_report_model():
    modules = _modules_after("from harness.report import read_report")
    assert not [m for m in modules if m.startswith(("harness.tasks", "harness.config", "harness.report._html"))]


def _imports() -> dict[str, set[str]]:
    """Every harness module -> the harness modules it imports anywhere (at the top, inside a
    function, under TYPE_CHECKING): `from a.b import c` counts as a.b, and as a.b.c when that is
    a module."""
    import ast

    package = REPO / "harness"
    modules = {}
    for path in package.rglob("*.py"):
        if "evaluate_modules" in path.parts:
            continue
        parts = list(path.relative_to(REPO).with_suffix("").parts)
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        modules[name] = path
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        found: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found |= {alias.name for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                found.add(node.module)
                found |= {f"{node.module}.{alias.name}" for alias in node.names}
        graph[name] = {m for m in found if m in modules and m != name}
    return graph


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle of the graph as a path, or None."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for target in sorted(graph.get(node, ())):
            if state.get(target) == 1:
                return stack[stack.index(target):] + [target]
            if target not in state and (found := visit(target)):
                return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return None


def _room(module: str) -> str:
    """harness.run._scoring -> harness.run; a top-level module (harness.plugins) is a room of its own."""
    parts = module.split(".")
    return ".".join(parts[:2])


def test_no_import_cycle_between_packages():
    graph: dict[str, set[str]] = {}
    for module, targets in _imports().items():
        graph.setdefault(_room(module), set()).update(_room(t) for t in targets if _room(t) != _room(module))
    assert _cycle(graph) is None


def test_no_import_cycle_between_the_modules_of_a_package():
    for room in {_room(m) for m in _imports()}:
        graph = {m: {t for t in targets if _room(t) == room}
                 for m, targets in _imports().items() if _room(m) == room}
        assert _cycle(graph) is None, room


def test_the_cycle_finder_finds_cycles():
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": set()}) is None


def test_task_names_are_spelled_only_in_tasks_and_gold():
    import re

    spelled = re.compile(r"""["'](qa|summarization)["']""")
    offenders = [str(path.relative_to(REPO)) for path in (REPO / "harness").rglob("*.py")
                 if path.relative_to(REPO).parts[1] not in ("tasks", "gold")
                 and spelled.search(path.read_text(encoding="utf-8"))]
    assert offenders == []


def test_no_module_is_over_400_lines():
    long = {str(p.relative_to(REPO)): n for p in (REPO / "harness").rglob("*.py")
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > 400}
    assert long == {}
