"""How `harness run` scales with the number of questions, on the SQuAD 2.0 sample.

    .venv/bin/python benchmarks/bench_scale.py                 # 100, 400 and 1,407 questions
    .venv/bin/python benchmarks/bench_scale.py --sizes 100 400 # a quicker look

Imports ../shared/data/squad-v2-dev-5-articles.json into a scratch gold directory, then, for
each size N, runs `harness run configs/squad-sample.yaml --limit N --no-cache` for SmolLM2 (the
fast path) in a child process and reports its wall time, questions per second, seconds per
question, peak RSS (the child's maximum resident set), the size of each report file, and the
time headless Chromium takes to load report.html (when Chromium is installed). The naive path
(fast_path: false) runs on NAIVE_SAMPLE questions only; its cost at each size is that
sample's seconds per question times N, labelled "extrapolated". Last, `harness compare` of two
full-size reports is timed. Prints Markdown, one run each (say so when quoting it).

Targets: seconds per question flat within 20% from 100 to 1,407 questions; peak RSS growth
below 200 MiB from 100 to 1,407.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data" / "squad-v2-dev-5-articles.json"
CONFIG = ROOT / "configs" / "squad-sample.yaml"
MODEL = "smollm2-135m-instruct"
NAIVE_SAMPLE = 60
REPORT_FILES = ("report.json", "predictions.jsonl", "report.md", "report.html")


def harness(*args: str, cwd: Path) -> tuple[float, int]:
    """(wall seconds, peak RSS in KiB) of one `harness` command in a child process of its own
    (os.wait4 gives that child's own maximum resident set, not a running maximum)."""
    started = time.perf_counter()
    with tempfile.TemporaryFile() as errors:
        child = subprocess.Popen([sys.executable, "-m", "harness.cli", *args], cwd=cwd,
                                 stdout=subprocess.DEVNULL, stderr=errors)
        _, status, usage = os.wait4(child.pid, 0)
        child.returncode = os.waitstatus_to_exitcode(status)
        elapsed = time.perf_counter() - started
        if child.returncode != 0:
            errors.seek(0)
            sys.exit(f"harness {' '.join(args)} failed:\n{errors.read().decode(errors='replace')[-3000:]}")
    return elapsed, usage.ru_maxrss


def chromium_load_seconds(page: Path, scratch: Path) -> float | None:
    """Seconds until headless Chromium has loaded the page and dumped its DOM (None: no Chromium)."""
    chromium = shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)
    if chromium is None:
        return None
    command = [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync",
               f"--user-data-dir={scratch / 'chromium-profile'}", "--dump-dom", page.as_uri()]
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, timeout=300)
    elapsed = time.perf_counter() - started
    return elapsed if 'data-filter-ready="1"' in done.stdout else None


def run_size(size: int, scratch: Path, fast: bool) -> dict:
    out = scratch / f"{'fast' if fast else 'naive'}-{size}"
    args = ["run", str(CONFIG), "--models", MODEL, "--limit", str(size), "--no-cache", "--output", str(out),
            "--set", "gold=" + str(scratch / "gold")]
    if not fast:
        args += ["--set", "models.1.fast_path=false"]
    wall, peak_kib = harness(*args, cwd=ROOT)
    report = json.loads((out / "report.json").read_text())
    model = next(m for m in report["models"] if m["name"] == MODEL)
    return {"size": size, "wall_s": wall, "peak_mib": peak_kib / 1024, "out": out,
            "generate_s": model["timing"]["generate_s"], "phases": report.get("timing"),
            "sizes": {name: (out / name).stat().st_size for name in REPORT_FILES},
            "metrics": {k: v["value"] for k, v in model["tasks"]["qa"]["metrics"].items()}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 400, 1407])
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="bench-scale-"))
    os.environ["HARNESS_CACHE_DIR"] = os.environ.get("HARNESS_CACHE_DIR", str(Path.home() / ".cache" / "harness"))
    try:
        harness("gold", "import", "--format", "squad", str(DATA), "--gold", str(scratch / "gold"), cwd=ROOT)
        # One small run first, so every measured run finds the converted weights in the cache.
        harness("run", str(CONFIG), "--models", MODEL, "--limit", "2", "--no-cache", "--output",
                str(scratch / "warm"), "--set", "gold=" + str(scratch / "gold"), cwd=ROOT)
        rows = [run_size(size, scratch, fast=True) for size in sorted(args.sizes)]
        naive = run_size(NAIVE_SAMPLE, scratch, fast=False)
        largest = rows[-1]
        page_s = chromium_load_seconds(largest["out"] / "report.html", scratch)
        compare_s, _ = harness("compare", str(largest["out"] / "report.json"), str(largest["out"] / "report.json"),
                               cwd=ROOT)
        print(_table(rows, naive, page_s, compare_s))
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _table(rows: list[dict], naive: dict, page_s: float | None, compare_s: float) -> str:
    naive_per_q = naive["wall_s"] / naive["size"]
    lines = ["| questions | wall s | questions/s | s/question | peak RSS MiB | naive s (extrapolated) | "
             "fast vs naive | report.json KB | predictions KB | report.html KB | report.md KB |",
             "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for row in rows:
        n, wall = row["size"], row["wall_s"]
        sizes = row["sizes"]
        lines.append(f"| {n} | {wall:.1f} | {n / wall:.2f} | {wall / n:.3f} | {row['peak_mib']:.0f} | "
                     f"{naive_per_q * n:.0f} | {naive_per_q * n / wall:.1f}x | {sizes['report.json'] / 1e3:.0f} | "
                     f"{sizes['predictions.jsonl'] / 1e3:.0f} | {sizes['report.html'] / 1e3:.0f} | "
                     f"{sizes['report.md'] / 1e3:.1f} |")
    first, last = rows[0], rows[-1]
    per_q = [r["wall_s"] / r["size"] for r in rows]
    lines += [
        "",
        f"- seconds per question, largest vs smallest: {per_q[-1] / per_q[0]:.2f} (target: within 0.80-1.20)",
        f"- peak RSS growth from {first['size']} to {last['size']} questions: "
        f"{last['peak_mib'] - first['peak_mib']:.0f} MiB (target: below 200 MiB)",
        f"- naive path measured on {naive['size']} questions: {naive['wall_s']:.1f} s ({naive_per_q:.3f} s/question)",
        f"- headless Chromium loads the {last['size']}-question report.html in "
        + (f"{page_s:.1f} s" if page_s is not None else "(Chromium not installed)"),
        f"- harness compare of two {last['size']}-question reports: {compare_s:.1f} s",
        f"- {MODEL} at {last['size']} questions: " + ", ".join(f"{k} {v:.3f}" for k, v in last["metrics"].items()),
        f"- phases at {last['size']} questions (report.json timing): " + json.dumps(last["phases"]),
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
