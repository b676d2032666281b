"""The whole command users wait for: `harness run CONFIG --no-cache`, per phase.

    .venv/bin/python benchmarks/bench_run.py                       # configs/default.yaml, 3 runs
    .venv/bin/python benchmarks/bench_run.py configs/ci.yaml --runs 1

Runs the command in a fresh process each time (imports included; the converted model weights
are expected to be cached already: run it once before) and prints the median of each phase of
report.json `timing`, plus the wall time of the process, as markdown.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PHASES = ("startup_s", "config_s", "gold_s", "models_s", "load_s", "generate_s", "scoring_s",
          "report_s", "total_s")


def once(config: str) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as out:
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "harness.cli", "run", config, "--no-cache",
                        "--output", out], cwd=ROOT, check=True, capture_output=True)
        wall = time.perf_counter() - started
        timing = json.loads((Path(out) / "report.json").read_text())["timing"]
    return {**{p: timing.get(p) or 0.0 for p in PHASES}, "process_s": wall}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("config", nargs="?", default="configs/default.yaml")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    load = os.getloadavg()[0]
    runs = [once(args.config) for _ in range(args.runs)]
    print(f"\n`harness run {args.config} --no-cache`, median of {args.runs} run(s), "
          f"load average before {load:.2f}\n")
    print("| phase | seconds |")
    print("|---|---|")
    for key in (*PHASES, "process_s"):
        print(f"| {key} | {statistics.median(r[key] for r in runs):.2f} |")


if __name__ == "__main__":
    main()
