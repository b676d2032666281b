"""A broken or hostile plugin is contained: it fails only what uses it, with one line that names
it (exit 2), never a traceback, never exit 0 or an "interrupted" run; a plugin cannot silently
replace a built-in; and the report says which distribution provided each metric."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]

HOSTILE = '''
import math
import sys

from harness.tasks import Metric

def _raises_on_one(answer, options):
    if answer.id.endswith("q002"):
        raise ValueError("cannot handle this one")
    return 1.0

RAISES = Metric("raises_once", "qa", "raises on one item", _raises_on_one)
NAN = Metric("gives_nan", "qa", "NaN on every item", lambda answer, options: math.nan)
PIPE = Metric("pipe|name", "qa", "a name with a pipe", lambda answer, options: 1.0)
NOT_A_METRIC = {"name": "not_a_metric"}
'''
EXITS = "import sys\nsys.exit(0)\n"
INTERRUPTS = "raise KeyboardInterrupt\n"
BROKEN = "raise ImportError('a dependency is missing')\n"
SHADOW = '''
from harness.tasks import Metric

EXACT_MATCH = Metric("exact_match", "qa", "always 1", lambda answer, options: 1.0)
'''


def _package(root: Path, name: str, modules: dict[str, str], entries: dict[str, dict[str, str]]) -> Path:
    source = root / name
    (source / name).mkdir(parents=True)
    for module, text in modules.items():
        (source / name / f"{module}.py").write_text(text, encoding="utf-8")
    (source / name / "__init__.py").write_text("", encoding="utf-8")
    groups = "".join(f'\n[project.entry-points."{group}"]\n' + "".join(f'"{k}" = "{v}"\n' for k, v in names.items())
                     for group, names in entries.items())
    (source / "pyproject.toml").write_text(
        '[build-system]\nrequires = ["setuptools>=68"]\nbuild-backend = "setuptools.build_meta"\n\n'
        f'[project]\nname = "{name.replace("_", "-")}"\nversion = "1.0"\n{groups}\n'
        f'[tool.setuptools]\npackages = ["{name}"]\n', encoding="utf-8")
    return source


def _install(site: Path, source: Path) -> None:
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation",
                    "--disable-pip-version-check", "--target", str(site), str(source)],
                   check=True, capture_output=True, timeout=300)


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> Path:
    root, site = tmp_path_factory.mktemp("hostile-src"), tmp_path_factory.mktemp("hostile-site")
    _install(site, _package(root, "hostile_plugin",
                            {"metrics": HOSTILE, "exits": EXITS, "interrupts": INTERRUPTS, "broken": BROKEN},
                            {"harness.metrics": {"raises_once": "hostile_plugin.metrics:RAISES",
                                                 "gives_nan": "hostile_plugin.metrics:NAN",
                                                 "pipe|name": "hostile_plugin.metrics:PIPE",
                                                 "not_a_metric": "hostile_plugin.metrics:NOT_A_METRIC",
                                                 "exits_on_import": "hostile_plugin.exits:X"},
                             "harness.backends": {"interrupts": "hostile_plugin.interrupts:Backend",
                                                  "broken": "hostile_plugin.broken:Backend"}}))
    return site


@pytest.fixture(scope="module")
def shadow(tmp_path_factory) -> Path:
    root, site = tmp_path_factory.mktemp("shadow-src"), tmp_path_factory.mktemp("shadow-site")
    _install(site, _package(root, "shadow_plugin", {"metrics": SHADOW},
                            {"harness.metrics": {"exact_match": "shadow_plugin.metrics:EXACT_MATCH"}}))
    return site


def _run(site: Path, tmp_path: Path, config: dict, *args: str) -> subprocess.CompletedProcess:
    path = tmp_path / "config.json"
    path.write_text(json.dumps({"name": "contained", "gold": str(REPO / "gold"), **config}), encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(site), str(REPO)]),
           "HARNESS_CACHE_DIR": str(tmp_path / "cache")}
    return subprocess.run([sys.executable, "-m", "harness.cli", "run", str(path), "--output",
                           str(tmp_path / "out"), "--limit", "3", *args],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)


LEAD = [{"name": "lead", "backend": "lead"}]


def test_a_run_works_beside_broken_plugins_it_does_not_use(hostile, tmp_path):
    done = _run(hostile, tmp_path, {"tasks": {"qa": {}}, "models": LEAD})
    assert done.returncode == 0, done.stderr
    report = json.loads((tmp_path / "out" / "report.json").read_text(encoding="utf-8"))
    assert report["tasks"]["qa"]["metrics"]["exact_match"]["provider"].startswith("harness==")


@pytest.mark.parametrize("backend", ["interrupts", "broken"])
def test_using_a_backend_that_fails_on_import_is_one_line_exit_2(hostile, tmp_path, backend):
    done = _run(hostile, tmp_path, {"tasks": {"qa": {}}, "models": [{"name": "x", "backend": backend}]})
    assert done.returncode == 2, (done.returncode, done.stderr)
    assert f"backend '{backend}'" in done.stderr and "cannot be loaded" in done.stderr
    assert "Traceback" not in done.stderr and "interrupted" not in done.stderr


def test_a_misspelled_metric_beside_one_that_exits_on_import_is_an_error(hostile, tmp_path):
    done = _run(hostile, tmp_path, {"tasks": {"qa": {"metrics": ["exact_mach"]}}, "models": LEAD})
    assert done.returncode == 2, (done.returncode, done.stderr)
    assert "exact_mach" in done.stderr and "exact_match" in done.stderr


def test_a_metric_that_raises_on_one_item_names_it_and_the_log_resumes(hostile, tmp_path):
    done = _run(hostile, tmp_path, {"tasks": {"qa": {"metrics": ["exact_match", "raises_once"]}}, "models": LEAD})
    assert done.returncode == 2, (done.returncode, done.stderr)
    assert "metric 'raises_once' (hostile-plugin==1.0) failed on item kim-putin-talks-q002" in done.stderr
    assert "ValueError: cannot handle this one" in done.stderr and "Traceback" not in done.stderr
    assert (tmp_path / "out" / "run-log.jsonl").exists() and not (tmp_path / "out" / "report.json").exists()
    fixed = _run(hostile, tmp_path, {"tasks": {"qa": {"metrics": ["exact_match"]}}, "models": LEAD}, "--resume")
    assert fixed.returncode == 0, fixed.stderr
    report = json.loads((tmp_path / "out" / "report.json").read_text(encoding="utf-8"))
    assert report["models"][0]["timing"]["resumed"] == 3


def test_a_nan_score_names_the_metric_and_the_item(hostile, tmp_path):
    done = _run(hostile, tmp_path, {"tasks": {"qa": {"metrics": ["gives_nan"]}}, "models": LEAD})
    assert done.returncode == 2
    assert "metric 'gives_nan' (hostile-plugin==1.0) gave nan for item kim-putin-talks-q001" in done.stderr


def test_an_entry_that_is_not_a_metric_is_refused_by_name(hostile, tmp_path):
    done = _run(hostile, tmp_path, {"tasks": {"qa": {"metrics": ["not_a_metric"]}}, "models": LEAD})
    assert done.returncode == 2
    assert "metric 'not_a_metric' (hostile-plugin==1.0) is registered as dict" in done.stderr


def test_a_metric_name_with_a_pipe_keeps_report_md_tables_whole(hostile, tmp_path):
    done = _run(hostile, tmp_path, {"tasks": {"qa": {"metrics": ["exact_match", "pipe|name"]}}, "models": LEAD})
    assert done.returncode == 0, done.stderr
    markdown = (tmp_path / "out" / "report.md").read_text(encoding="utf-8")
    header = next(line for line in markdown.splitlines() if line.startswith("| model | n |"))
    columns = ["model", "n", "failed", "exact\\_match", "pipe&#124;name", "abstention accuracy"]
    assert header == "| " + " | ".join(columns) + " |"


def test_a_plugin_cannot_silently_replace_a_built_in_metric(shadow, tmp_path):
    done = _run(shadow, tmp_path, {"tasks": {"qa": {"metrics": ["exact_match"]}}, "models": LEAD})
    assert done.returncode == 2
    assert "metric 'exact_match' is registered by more than one distribution (harness, shadow-plugin)" in done.stderr
