"""report.html: a real run (the lead baseline plus a replayed model whose predictions are
script-injection payloads), rendered and checked as text and in headless Chromium."""

from __future__ import annotations

import base64
import hashlib
import html
import json
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

from harness.gold import load_gold
from harness.report._charts import MISSING
from harness.report import Report
from harness.report._html import render_html
from harness.report._html_items import PAGE_ROWS, SCRIPT
from harness.run import RunOptions, run

GOLD = Path(__file__).resolve().parents[2] / "gold"
PAYLOADS = [
    "<script>document.documentElement.setAttribute('data-pwned','script')</script>",
    "\"><img src=x onerror=\"document.title='pwned'\">",
    "<script>alert(1)</script>",
    "</td></tr></table><svg onload=\"document.body.setAttribute('data-pwned','svg')\"></svg>",
]
LIMIT = 4  # items per task; the replayed file leaves the last QA item out, so it fails


@pytest.fixture(scope="module")
def real_run(tmp_path_factory) -> tuple[dict, list[dict]]:
    tmp = tmp_path_factory.mktemp("html-run")
    gold = load_gold(str(GOLD))
    article = next(iter(gold.articles))
    lines = [{"id": q.id, "prediction": PAYLOADS[i]} for i, q in enumerate(gold.qa[: LIMIT - 1])]
    lines += [{"id": f"{article}/{style}", "prediction": f"{PAYLOADS[i + 1]}\nSecond sentence."}
              for i, style in enumerate(("headline", "one_sentence", "short"))]
    (tmp / "evil.jsonl").write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    config = {
        "name": "html-test", "gold": str(GOLD), "tasks": {"qa": {}, "summarization": {}},
        "models": [{"name": "lead", "backend": "lead"},
                   {"name": "evil", "backend": "predictions", "path": str(tmp / "evil.jsonl")}],
        "bootstrap": {"resamples": 200, "seed": 0},
    }
    (tmp / "config.yaml").write_text(json.dumps(config), encoding="utf-8")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("HARNESS_CACHE_DIR", str(tmp / "cache"))
        out = run(tmp / "config.yaml", RunOptions(output=tmp / "out", limit=LIMIT, use_cache=False)).output
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    predictions = [json.loads(line) for line in (out / "predictions.jsonl").read_text(encoding="utf-8").splitlines()]
    return report, predictions


@pytest.fixture(scope="module")
def page(real_run) -> str:
    return render_html(Report.model_validate(real_run[0]), real_run[1])


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def _tags(page: str) -> list[tuple[str, dict]]:
    parser = _Tags()
    parser.feed(page)
    return parser.tags


def test_page_is_self_contained(page):
    tags = _tags(page)
    names = [tag for tag, _ in tags]
    scripts = [a for t, a in tags if t == "script"]
    assert [a.get("type") for a in scripts] == ["application/json", None]  # the item data, the page's script
    assert not any("src" in a for a in scripts)
    assert not {"link", "iframe", "object", "embed", "base", "form"} & set(names)
    for tag, attrs in tags:
        assert attrs.get("src", "data:").startswith("data:"), (tag, attrs)
        assert attrs.get("href", "#").startswith("#"), (tag, attrs)
    assert "url(" not in page and "@import" not in page


def test_csp_admits_only_the_page_script_by_hash(page):
    csp = next(a["content"] for t, a in _tags(page) if a.get("http-equiv") == "Content-Security-Policy")
    digest = base64.b64encode(hashlib.sha256(SCRIPT.encode()).digest()).decode()
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
    assert directives["default-src"] == "'none'"
    assert directives["script-src"] == f"'sha256-{digest}'"
    assert directives["img-src"] == "data:"
    assert f"<script>{SCRIPT}</script>" in page
    assert page.index("Content-Security-Policy") < page.index("<style>")


def test_model_text_is_escaped(page, real_run):
    rows = _item_data(page)
    for payload in PAYLOADS:
        assert payload not in page
        assert any(payload in row["p"] for row in rows)  # carried whole, as data
    tags = _tags(page)
    assert [t for t, _ in tags].count("script") == 2 and not any(t == "svg" for t, _ in tags)
    assert not [(t, a) for t, a in tags if any(name.startswith("on") for name in a)]
    assert all(a.get("class") == "chart" for t, a in tags if t == "img")


def test_gold_and_identifier_text_is_escaped(real_run):
    report, predictions = real_run
    evil = "<b onmouseover=\"x()\">&'</b>"
    crafted = {**predictions[0], "model": evil, "id": evil, "question": evil, "references": [evil, evil],
               "answer": evil, "prediction": evil, "error": None}
    failed = {**predictions[0], "error": evil}
    page = render_html(Report.model_validate(report), [crafted, failed])
    assert evil not in page and "<b " not in page
    assert html.escape(evil, quote=True) in page


def test_tables_match_the_markdown_report(page, real_run):
    report, predictions = real_run
    for text in ("Question answering by question type", "Summarization by style", "Worst 5 items by exact_match",
                 "Worst 5 items by rouge1", "abstention accuracy", "tokens/s", "All items"):
        assert text in page
    f1 = report["models"][0]["tasks"]["qa"]["metrics"]["f1"]
    assert f'{f1["value"]:.3f} <span class="ci">[{f1["ci_low"]:.3f}, {f1["ci_high"]:.3f}]</span>' in page
    assert "FAILED: missing from predictions file" in page


def _item_data(page: str) -> list[dict]:
    block = re.search(r'<script type="application/json" id="item-data">(.*?)</script>', page, re.S).group(1)
    assert "<" not in block and ">" not in block and "&" not in block  # nothing can close or open markup
    return json.loads(block)


def test_item_table_has_every_prediction_and_filters(page, real_run):
    _, predictions = real_run
    rows = _item_data(page)
    assert len(rows) == len(predictions) == 2 * (LIMIT + LIMIT)  # LIMIT items of each task, for each model
    assert {r["m"] for r in rows} == {"lead", "evil"}
    assert [(r["i"], r["p"]) for r in rows if r["m"] == "lead"] == \
        [(p["id"], p["prediction"]) for p in predictions if p["model"] == "lead"]
    options = {(a.get("value")) for t, a in _tags(page) if t == "option"}
    assert {"", "lead", "evil", "qa", "summarization"} <= options
    assert re.search(r'id="filter-text"', page) and "innerHTML" not in SCRIPT and "insertAdjacentHTML" not in SCRIPT


def test_provenance(page, real_run):
    report, _ = real_run
    env = report["environment"]
    for value in (report["run_id"], report["gold"]["hash"], report["config_hash"], env["python"],
                  env["packages"]["harness"], env["git_commit"] or "unknown", "200 resamples, seed 0",
                  "stemmer on, tokenizer default", "extraction \"default\""):
        assert html.escape(value) in page


def test_charts_are_embedded_pngs(page):
    charts = [a for t, a in _tags(page) if t == "img" and a.get("class") == "chart"]
    assert len(charts) == 2
    for chart in charts:
        assert chart["src"].startswith("data:image/png;base64,")
        assert base64.b64decode(chart["src"].split(",", 1)[1]).startswith(b"\x89PNG\r\n\x1a\n")


def test_without_matplotlib_the_page_says_so(real_run, monkeypatch):
    for name in [m for m in sys.modules if m == "matplotlib" or m.startswith("matplotlib.")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # import matplotlib -> ImportError
    page = render_html(Report.model_validate(real_run[0]), real_run[1])
    assert html.escape(MISSING) in page and "data:image/png" not in page


# ---- headless Chromium --------------------------------------------------------------------

CHROMIUM = "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else shutil.which("chromium")
needs_chromium = pytest.mark.skipif(
    CHROMIUM is None, reason="Debian's chromium is not installed (/usr/bin/chromium missing): apt-get install -y chromium")


def _browser(tmp_path: Path, *args: str) -> str:
    command = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync",
               "--disable-dev-shm-usage", f"--user-data-dir={tmp_path / 'profile'}", *args]
    done = subprocess.run(command, capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def _dump(tmp_path: Path, page: str, fragment: str = "") -> str:
    path = tmp_path / "report.html"
    path.write_text(page, encoding="utf-8")
    return _browser(tmp_path, "--dump-dom", path.as_uri() + fragment)


def _opening(dom: str, tag: str) -> str:
    return re.search(rf"<{tag}\b[^>]*>", dom).group(0)


@pytest.mark.slow
@needs_chromium
def test_chromium_loads_the_page_and_no_data_script_runs(tmp_path, page, real_run):
    dom = _dump(tmp_path, page)
    assert 'data-filter-ready="1"' in _opening(dom, "html")  # the page's own (hashed) script ran
    assert "pwned" not in _opening(dom, "html") + _opening(dom, "body")
    assert re.search(r"<title>(.*?)</title>", dom).group(1) == "Evaluation report: html-test"
    assert dom.count('class="chart"') == 2 and 'id="item-table"' in dom
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in dom
    n = len(real_run[1])
    assert f"{n} of {n} items shown" in dom


@pytest.mark.slow
@needs_chromium
def test_chromium_filter_from_the_address(tmp_path, page, real_run):
    dom = _dump(tmp_path, page, "#model=evil&task=qa")
    rows = re.findall(r"<tr data-model=\"(\w+)\" data-task=\"(\w+)\">", dom)
    assert rows == [("evil", "qa")] * LIMIT
    assert f"{LIMIT} of {len(real_run[1])} items shown" in dom and "page 1 of 1" in dom


@pytest.mark.slow
@needs_chromium
def test_chromium_shows_thousands_of_items_a_page_at_a_time(tmp_path, real_run):
    report, predictions = real_run
    many = [{**predictions[i % len(predictions)], "id": f"item-{i:05d}"} for i in range(2500)]
    dom = _dump(tmp_path, render_html(Report.model_validate(report), many))
    shown = re.search(r'<table id="item-table".*?<tbody>(.*?)</tbody>', dom, re.S).group(1)
    assert len(re.findall(r"<tr data-model=", shown)) == PAGE_ROWS
    assert "2500 of 2500 items shown" in dom and f"page 1 of {2500 // PAGE_ROWS}" in dom
    assert "item-00000" in shown and "item-00100" not in shown


@pytest.mark.slow
@needs_chromium
def test_chromium_csp_blocks_script_even_if_escaping_failed(tmp_path, page):
    payloads = "".join(p for p in PAYLOADS if "alert" not in p)  # an alert would block the dump
    injected = page.replace("<body>", "<body>" + payloads, 1)  # as if escaping had a bug
    dom = _dump(tmp_path, injected)
    assert 'data-filter-ready="1"' in _opening(dom, "html")
    assert "pwned" not in _opening(dom, "html") + _opening(dom, "body")
    assert "pwned" not in re.search(r"<title>(.*?)</title>", dom).group(1)
