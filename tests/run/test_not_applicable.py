"""A metric that does not apply to an item (qa_coverage on an article without gold questions)
gives it no number: the item is left out of that metric's mean and interval, the report says
over how many items the mean is, a metric that applies to no item shows "n/a" (never 0), and
`harness compare` pairs only the items both reports scored."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml

from harness.cli import main
from harness.gold import load_gold
from harness.metrics.qa_coverage import qa_coverage
from harness.report import read_report
from harness.stats import mean_with_ci

REPO = Path(__file__).resolve().parents[2]
WITH_QA = "kim-putin-talks"  # three styles, 67 answerable gold questions
WITHOUT_QA = "cnn-test-404f859482d47c127868964a9a39d1a7645dd2e9"  # style short, no gold questions
RESAMPLES, SEED = 300, 5


@pytest.fixture(autouse=True)
def cache_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("HARNESS_CACHE_DIR", str(tmp_path / "cache"))


def run(tmp_path: Path, articles: list[str], name: str) -> Path:
    gold = tmp_path / f"gold-{name}"
    for article in articles:
        shutil.copytree(REPO / "gold" / article, gold / article)
    config = tmp_path / f"{name}.yaml"
    config.write_text(yaml.safe_dump({
        "name": name, "gold": str(gold), "models": [{"name": "lead", "backend": "lead"}],
        "tasks": {"summarization": {"metrics": ["rouge1", "qa_coverage"]}},
        "bootstrap": {"resamples": RESAMPLES, "seed": SEED}}))
    out = tmp_path / name
    assert main(["run", str(config), "--output", str(out)]) == 0
    return out


def lines(out: Path) -> list[dict]:
    return [json.loads(line) for line in (out / "predictions.jsonl").read_text().splitlines()]


def test_the_mean_is_over_the_articles_with_gold_questions(tmp_path):
    out = run(tmp_path, [WITH_QA, WITHOUT_QA], "mixed")
    predictions = {p["id"]: p for p in lines(out)}
    gold = load_gold(tmp_path / "gold-mixed")
    qa = [(q.question, tuple(q.answers)) for q in gold.qa if q.answers]
    applicable = [p for p in predictions.values() if p["article_id"] == WITH_QA]
    expected = [qa_coverage(p["answer"].split("\n"), qa) for p in applicable]
    assert len(applicable) == 3 and all(p["scores"]["qa_coverage"] == e for p, e in zip(applicable, expected))
    assert predictions[f"{WITHOUT_QA}/short"]["scores"]["qa_coverage"] is None

    report = read_report(out / "report.json")
    assert report.schema_version == 3
    result = report.models[0].tasks["summarization"]
    coverage = result.metrics["qa_coverage"]
    values = [e["coverage"] for e in expected]
    ci = mean_with_ci(values, [WITH_QA] * 3, resamples=RESAMPLES, seed=SEED)
    assert (coverage.value, coverage.ci_low, coverage.ci_high) == (ci["value"], ci["ci_low"], ci["ci_high"])
    assert coverage.value == pytest.approx(sum(values) / 3) and coverage.n == 3
    assert coverage.parts["questions"] == 67.0  # the parts are means over the same three items
    assert result.metrics["rouge1"].n is None and result.n == 4  # rouge1 applies to all four
    by_article = result.breakdowns["article"]
    assert by_article[WITHOUT_QA].metrics["qa_coverage"].value is None
    assert by_article[WITHOUT_QA].metrics["qa_coverage"].n == 0
    assert by_article[WITH_QA].metrics["qa_coverage"].n is None  # all three of its items apply
    assert result.metric_failures == {}  # not applying is not failing
    assert [i.scores["qa_coverage"] for i in result.items if i.article_id == WITHOUT_QA] == [None]

    markdown = (out / "report.md").read_text()
    assert f"| {coverage.value:.3f} [{coverage.ci_low:.3f}, {coverage.ci_high:.3f}] (n=3) |" in markdown
    assert "\"n/a\": it gave none" in markdown
    [row] = [line for line in markdown.splitlines() if line.startswith(f"| lead | {WITHOUT_QA} |")]
    assert row.endswith("| n/a |")  # the by-article table: no coverage for that article, not 0
    page = (out / "report.html").read_text()
    assert '<span class="ci">(n=3)</span>' in page and ">n/a<" in page


def test_a_metric_that_applies_to_no_item_is_na_never_zero(tmp_path):
    out = run(tmp_path, [WITHOUT_QA], "none")
    report = json.loads((out / "report.json").read_text())
    coverage = report["models"][0]["tasks"]["summarization"]["metrics"]["qa_coverage"]
    assert coverage == {"value": None, "ci_low": None, "ci_high": None, "n": 0}
    markdown = (out / "report.md").read_text()
    [row] = [line for line in markdown.splitlines() if line.startswith("| lead | 1 |")]
    assert row.endswith("| n/a |") and "0.000" not in row.split("|")[-2]
    assert main(["compare", str(out / "report.json"), str(out / "report.json"), "--format", "json"]) == 0


def test_compare_pairs_only_the_items_both_reports_scored(tmp_path, capsys):
    base = run(tmp_path, [WITH_QA, WITHOUT_QA], "base")
    head = json.loads((base / "report.json").read_text())
    items = head["models"][0]["tasks"]["summarization"]["items"]
    [dropped] = [i for i in items if i["id"] == f"{WITH_QA}/headline"]
    dropped["scores"]["qa_coverage"] = None  # the head gave one more item no number
    (tmp_path / "head.json").write_text(json.dumps(head))
    capsys.readouterr()
    assert main(["compare", str(base / "report.json"), str(tmp_path / "head.json"), "--format", "json"]) == 0
    rows = {row["metric"]: row for row in json.loads(capsys.readouterr().out)["rows"]}
    assert rows["rouge1"]["n"] == 4 and rows["qa_coverage"]["n"] == 2
    assert rows["qa_coverage"]["delta"] == 0.0  # the same two items on both sides
    assert main(["compare", str(base / "report.json"), str(tmp_path / "head.json")]) == 0
    assert "| lead | qa\\_coverage | 2 |" in capsys.readouterr().out  # markdown_cell escapes _


def test_a_report_without_gaps_stays_version_2(tmp_path):
    out = run(tmp_path, [WITH_QA], "full")
    report = json.loads((out / "report.json").read_text())
    assert report["schema_version"] == 2  # nothing older readers cannot read
    assert "n" not in report["models"][0]["tasks"]["summarization"]["metrics"]["qa_coverage"]
