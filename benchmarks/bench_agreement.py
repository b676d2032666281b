"""How long `harness agreement` takes over EVOUNA-NQ with every rule-based QA metric
(exact_match, f1, correct, containment), reading the file, scoring, bootstrap and report.

Usage: python benchmarks/bench_agreement.py [FILE] [--runs R]
FILE defaults to ../shared/data/judged-qa/evouna-nq.json beside the repository. Prints the
wall-clock and CPU seconds of each run (in this process and the scoring workers, output
discarded) and the median wall-clock time. On a shared machine the wall-clock time includes the
time other processes held the cores; the CPU time does not.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import statistics
import sys
import time
from pathlib import Path

DEFAULT = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "judged-qa" / "evouna-nq.json"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", nargs="?", type=Path, default=DEFAULT)
    parser.add_argument("--runs", type=int, default=1)
    args = parser.parse_args()
    from harness.cli import main as harness

    times, cpu = [], []
    for _ in range(args.runs):
        before = os.times()
        started = time.perf_counter()
        with contextlib.redirect_stdout(io.StringIO()):
            code = harness(["agreement", str(args.file), "--format", "evouna", "--by", "source", "--by", "split"])
        times.append(time.perf_counter() - started)
        after = os.times()
        cpu.append(sum(after[:4]) - sum(before[:4]))
        if code != 0:
            print(f"harness agreement exited {code}", file=sys.stderr)
            return code
        print(f"run: {times[-1]:.1f} s wall, {cpu[-1]:.1f} s CPU (this process and its workers)")
    print(f"harness agreement over {args.file.name}: median {statistics.median(times):.1f} s "
          f"({len(times)} run(s), {os.cpu_count()} CPUs visible)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
