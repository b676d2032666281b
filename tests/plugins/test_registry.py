"""Backends and metrics come from one registry of entry points: the built-ins are registered
there like any plugin, and a third-party package installed next to the harness adds its own."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from harness import plugins
from harness.backends import Backend, backend_class
from harness.errors import HarnessError
from harness.tasks import Metric

REPO = Path(__file__).resolve().parents[2]
PLUGIN = REPO / "tests" / "plugin_package"


def test_the_built_ins_are_registered_as_entry_points():
    assert plugins.names("backend") == ["lead", "openai", "predictions", "transformers"]
    assert set(plugins.names("metric")) >= {"exact_match", "f1", "rouge1", "rouge2", "rougeL", "rougeLsum"}
    assert all(issubclass(backend_class(name), Backend) for name in plugins.names("backend"))
    assert all(isinstance(plugins.load("metric", name), Metric) for name in plugins.names("metric"))


def test_an_unknown_name_lists_what_is_registered():
    with pytest.raises(HarnessError) as caught:
        plugins.load("backend", "transformer")
    assert str(caught.value) == ("unknown backend 'transformer'; must be one of: lead, openai, predictions, "
                                 "transformers; did you mean transformers?")


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    """The plugin package, pip-installed (a real wheel build) into a directory of its own."""
    target = tmp_path_factory.mktemp("plugin-site")
    source = tmp_path_factory.mktemp("plugin-source") / "harness-echo"
    shutil.copytree(PLUGIN, source)  # the build writes beside the sources: not into the repository
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation",
                    "--disable-pip-version-check", "--target", str(target), str(source)],
                   check=True, capture_output=True, timeout=300)
    return target


def _harness(site: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(site), str(REPO)]),
           "HARNESS_CACHE_DIR": str(cwd / "cache")}
    return subprocess.run([sys.executable, "-m", "harness.cli", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=300)


def test_an_installed_plugin_backend_and_metric_run_like_built_ins(site, tmp_path):
    config = tmp_path / "plugin.yaml"
    config.write_text(json.dumps({
        "name": "plugin", "gold": str(REPO / "gold"),
        "tasks": {"qa": {"metrics": ["exact_match", "short_answer"]}},
        "models": [{"name": "echo", "backend": "echo", "prefix": "Q: "}, {"name": "lead", "backend": "lead"}],
    }), encoding="utf-8")
    done = _harness(site, tmp_path, "run", str(config), "--output", str(tmp_path / "out"), "--limit", "4")
    assert done.returncode == 0, done.stderr
    report = json.loads((tmp_path / "out" / "report.json").read_text(encoding="utf-8"))
    echo = report["models"][0]
    assert echo["backend"] == "echo" and echo["model_ref"] == "echo:Q: "
    lines = [json.loads(line) for line in (tmp_path / "out" / "predictions.jsonl").read_text().splitlines()]
    questions = {line["id"]: line["fields"]["question"] for line in lines if line["model"] == "echo"}
    assert [line["prediction"] for line in lines if line["model"] == "echo"] == [f"Q: {q}" for q in questions.values()]
    expected = [float(len(line["answer"].split()) <= 3) for line in lines if line["model"] == "echo"]
    assert [item["scores"]["short_answer"] for item in echo["tasks"]["qa"]["items"]] == expected
    assert echo["tasks"]["qa"]["metrics"]["short_answer"]["value"] == sum(expected) / len(expected)


def test_a_config_error_lists_the_plugin_backend_among_the_choices(site, tmp_path):
    config = tmp_path / "typo.yaml"
    config.write_text("name: t\ntasks: {qa: {}}\nmodels: [{name: e, backend: ecko}]\n", encoding="utf-8")
    done = _harness(site, tmp_path, "run", str(config))
    assert done.returncode == 2
    assert done.stderr.strip().endswith(
        "models[0].backend: unknown backend 'ecko'; must be one of: echo, lead, openai, predictions, "
        "transformers; did you mean echo?")
