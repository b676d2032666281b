"""docs/extending.md's worked examples are real packages: the code blocks that name a file are
written out, pip-installed next to the harness, and run; their metrics, backend and task then
show up in report.json (with intervals), report.md, report.html and `harness compare`, with no
file under harness/ changed."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
DOC = REPO / "docs" / "extending.md"
BLOCK = re.compile(r"^```\w+ file=(\S+)\n(.*?)^```", re.MULTILINE | re.DOTALL)


def doc_files() -> dict[str, str]:
    return {name: text for name, text in BLOCK.findall(DOC.read_text(encoding="utf-8"))}


def _install(site: Path, source: Path) -> None:
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation",
                    "--disable-pip-version-check", "--target", str(site), str(source)],
                   check=True, capture_output=True, timeout=300)


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    """Both example packages of the doc, built from its code blocks and installed."""
    files = doc_files()
    site = tmp_path_factory.mktemp("extending-site")
    metrics = tmp_path_factory.mktemp("metrics-package")
    (metrics / "article_metrics").mkdir()
    (metrics / "article_metrics" / "__init__.py").write_text(files["article_metrics/__init__.py"], encoding="utf-8")
    (metrics / "pyproject.toml").write_text(files["pyproject.toml"], encoding="utf-8")
    _install(site, metrics)
    task = tmp_path_factory.mktemp("task-package")
    (task / "title_task").mkdir()
    (task / "title_task" / "__init__.py").write_text(files["title_task/__init__.py"], encoding="utf-8")
    (task / "pyproject.toml").write_text(files["title-pyproject.toml"], encoding="utf-8")
    _install(site, task)
    return site


def _harness(site: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(site), str(REPO)]),
           "HARNESS_CACHE_DIR": str(cwd / "cache")}
    return subprocess.run([sys.executable, "-m", "harness.cli", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=600)


def test_the_doc_names_every_file_its_examples_need():
    assert set(doc_files()) == {"article_metrics/__init__.py", "pyproject.toml", "extending.yaml",
                                "title_task/__init__.py", "title-pyproject.toml"}


def test_the_example_metrics_and_backend_run_like_built_ins(site, tmp_path):
    config = tmp_path / "extending.yaml"
    config.write_text(doc_files()["extending.yaml"] + f"gold: {REPO / 'gold'}\n", encoding="utf-8")
    done = _harness(site, tmp_path, "run", str(config), "--output", str(tmp_path / "out"), "--no-cache")
    assert done.returncode == 0, done.stderr
    report = json.loads((tmp_path / "out" / "report.json").read_text(encoding="utf-8"))
    assert report["tasks"]["qa"]["metrics"]["answer_in_article"]["provider"] == "article-metrics==0.1.0"
    assert report["tasks"]["summarization"]["metrics"]["novel_words"]["provider"] == "article-metrics==0.1.0"
    for model in report["models"]:
        novel = model["tasks"]["summarization"]["metrics"]["novel_words"]
        assert novel["ci_low"] <= novel["value"] <= novel["ci_high"]
        assert set(novel["parts"]) == {"words", "novel", "share"}
        in_article = model["tasks"]["qa"]["metrics"]["answer_in_article"]
        assert 0 <= in_article["ci_low"] <= in_article["value"] <= in_article["ci_high"] <= 1
    first_words = report["models"][1]
    assert first_words["backend"] == "first_words"
    lines = [json.loads(line) for line in (tmp_path / "out" / "predictions.jsonl").read_text().splitlines()]
    article = (REPO / "gold" / "kim-putin-talks" / "article.txt").read_text(encoding="utf-8")
    first = [line for line in lines if line["model"] == "first-words" and line["task"] == "qa"]
    assert first and all(line["prediction"] == " ".join(article.split()[:8]) for line in first)
    # the first words of the article are in it; the verdict names its rule
    assert all(line["scores"]["answer_in_article"] == 1.0 for line in first)
    assert {line["reasons"]["answer_in_article"] for line in first} == {"the answer occurs in the article"}
    markdown = (tmp_path / "out" / "report.md").read_text(encoding="utf-8")
    html = (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    for name in ("novel_words", "answer_in_article"):
        assert name.replace("_", "\\_") in markdown and name in html  # report.md escapes Markdown markup
    compared = _harness(site, tmp_path, "compare", str(tmp_path / "out" / "report.json"),
                        str(tmp_path / "out" / "report.json"), "--format", "json")
    assert compared.returncode == 0, compared.stderr
    gated = {(row["task"], row["metric"]) for row in json.loads(compared.stdout)["rows"]}
    assert {("qa", "answer_in_article"), ("summarization", "novel_words")} <= gated


def test_the_example_task_runs_through_the_same_runner(site, tmp_path):
    config = tmp_path / "title.yaml"
    config.write_text(json.dumps({"name": "title", "gold": str(REPO / "gold"), "tasks": {"title": {}},
                                  "models": [{"name": "lead", "backend": "lead"}]}), encoding="utf-8")
    done = _harness(site, tmp_path, "run", str(config), "--output", str(tmp_path / "out"), "--no-cache")
    assert done.returncode == 0, done.stderr
    report = json.loads((tmp_path / "out" / "report.json").read_text(encoding="utf-8"))
    assert report["tasks"]["title"]["title"] == "Article title"
    result = report["models"][0]["tasks"]["title"]
    assert result["n"] == len([p for p in (REPO / "gold").iterdir() if (p / "meta.json").exists()
                               and json.loads((p / "meta.json").read_text(encoding="utf-8")).get("title")])
    assert "title_match" in result["metrics"]
    assert "Article title" in (tmp_path / "out" / "report.md").read_text(encoding="utf-8")


def test_no_file_under_harness_names_the_examples():
    offenders = [str(p.relative_to(REPO)) for p in (REPO / "harness").rglob("*.py")
                 if re.search(r"article_metrics|title_task|answer_in_article|title_match", p.read_text(encoding="utf-8"))]
    assert offenders == []


def test_the_doc_blocks_are_written_verbatim():
    """The blocks are the files: a block that is not valid Python or TOML fails here first."""
    import tomllib

    files = doc_files()
    for name, text in files.items():
        if name.endswith(".py"):
            compile(text, name, "exec")
        elif name.endswith(".toml"):
            tomllib.loads(text)
