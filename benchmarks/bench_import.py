"""Peak memory of `harness gold import --format squad` per MB of input.

    .venv/bin/python benchmarks/bench_import.py                # 4, 16 and 32 MB files
    .venv/bin/python benchmarks/bench_import.py --sizes 4 16   # a quicker look
    .venv/bin/python benchmarks/bench_import.py --real         # the import itself, not --dry-run

Writes a synthetic SQuAD 2.0 file of each size (paragraphs of about 700 characters, 5
questions each, as SQuAD has them), runs the import into an empty gold directory in a child
process, and prints its wall time, its peak RSS (os.wait4: that child's own maximum resident
set), the RSS of a child that only imports the package (the floor), and the peak above the
floor per MB of input. Prints Markdown, one run each (say so when quoting it).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WORDS = ("the council said on monday that delegates from norland will attend talks in tokyo about "
         "trade fishing rights and a bridge that could cost more than ten thousand dollars").split()


def squad_file(path: Path, megabytes: float, seed: int = 0) -> int:
    """Write a SQuAD 2.0 file of about `megabytes` MB; the number of paragraphs."""
    rng = random.Random(seed)
    data, size, count = [], 0, 0
    while size < megabytes * 1_000_000:
        sentences = [" ".join(rng.choice(WORDS) for _ in range(14)).capitalize() + f" {count}-{n}."
                     for n in range(7)]
        context = " ".join(sentences)
        qas = []
        for n in range(5):
            answer = sentences[n].split()[2]
            qas.append({"id": f"q{count}-{n}", "question": f"What did sentence {n} of paragraph {count} say?",
                        "answers": [{"text": answer, "answer_start": context.find(answer)}],
                        "is_impossible": False})
        entry = {"title": f"Article {count // 20}", "paragraphs": [{"context": context, "qas": qas}]}
        if count % 20:
            data[-1]["paragraphs"].append(entry["paragraphs"][0])
        else:
            data.append(entry)
        size += len(json.dumps(entry))
        count += 1
    path.write_text(json.dumps({"version": "v2.0", "data": data}))
    return count


def child(*args: str) -> tuple[float, int]:
    """(wall seconds, peak RSS in KiB) of one child process."""
    started = time.perf_counter()
    with tempfile.TemporaryFile() as errors:
        process = subprocess.Popen([sys.executable, *args], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=errors)
        _, status, usage = os.wait4(process.pid, 0)
        if os.waitstatus_to_exitcode(status) != 0:
            errors.seek(0)
            sys.exit(f"{' '.join(args)} failed:\n{errors.read().decode(errors='replace')[-3000:]}")
    return time.perf_counter() - started, usage.ru_maxrss


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=float, nargs="+", default=[4, 16, 32], help="input sizes in MB")
    parser.add_argument("--real", action="store_true", help="import for real instead of --dry-run")
    args = parser.parse_args()
    _, floor = child("-c", "import harness.cli, harness.gold, harness.metrics")
    print(f"floor (python with harness.gold and harness.metrics imported): {floor / 1024:.0f} MiB\n")
    print("| input MB | paragraphs | wall s | peak RSS MiB | above floor MiB | MiB above floor per MB of input |")
    print("|---:|---:|---:|---:|---:|---:|")
    scratch = Path(tempfile.mkdtemp(prefix="bench-import-"))
    try:
        for megabytes in args.sizes:
            source = scratch / f"squad-{megabytes:g}.json"
            paragraphs = squad_file(source, megabytes)
            real_mb = source.stat().st_size / 1_000_000
            gold = scratch / f"gold-{megabytes:g}"
            gold.mkdir()
            flags = [] if args.real else ["--dry-run"]
            seconds, peak = child("-m", "harness.cli", "gold", "import", "--gold", str(gold), "--format", "squad",
                                  str(source), *flags)
            above = (peak - floor) / 1024
            print(f"| {real_mb:.1f} | {paragraphs} | {seconds:.1f} | {peak / 1024:.0f} | {above:.0f} | "
                  f"{above / real_mb:.1f} |", flush=True)
            shutil.rmtree(gold, ignore_errors=True)
            source.unlink()
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
