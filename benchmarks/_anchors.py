"""The benchmark's outside anchors (llama.cpp, lm-eval), each run by its own interpreter.

Each anchor is a worker script in this folder run as a child process of the interpreter that
has the package installed, so the project's environment needs neither, a native crash is
reported instead of ending the benchmark, and the benchmark's own threads are idle meanwhile.
Interpreters are named by flag or environment variable (see bench_generation.py --help).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
LLAMACPP_ENV = "HARNESS_BENCH_LLAMACPP_PYTHON"  # llama-cpp-python built for this CPU
LMEVAL_ENV = "HARNESS_BENCH_LMEVAL_PYTHON"  # an environment with lm-eval[hf]


def run_worker(python: str, script: str, job: dict[str, Any]) -> dict[str, Any]:
    """The worker's JSON answer, or {"error": why} when it cannot start, fails or crashes."""
    try:
        child = subprocess.run([python, str(HERE / script)], input=json.dumps(job),
                               capture_output=True, text=True)
    except OSError as error:
        return {"error": f"cannot start {python}: {error.strerror or error}"}
    lines = child.stdout.strip().splitlines()
    if child.returncode != 0 or not lines:
        tail = (child.stderr.strip().splitlines() or [""])[-1]
        return {"error": f"{python}: exit status {child.returncode} {tail}".strip()}
    return json.loads(lines[-1])


def llamacpp(job: dict[str, Any], python: str | None) -> dict[str, Any]:
    """llama.cpp from the named interpreter (a native build); where that is not given, or it
    crashes, the portable build of this environment, saying which one ran."""
    tried = []
    for candidate, build in ((python, "named build"), (sys.executable, "this environment's build")):
        if not candidate:
            continue
        result = run_worker(candidate, "anchor_llamacpp.py", job)
        if "error" not in result:
            return {**result, "build": f"{build} ({candidate})", "tried": tried}
        tried.append(f"{build} ({candidate}): {result['error']}")
    return {"error": "; ".join(tried) or "no interpreter with llama-cpp-python"}


def lmeval(job: dict[str, Any], python: str | None) -> dict[str, Any]:
    if not python:
        return {"error": f"not run: name an interpreter with lm-eval[hf] (--lmeval-python or {LMEVAL_ENV})"}
    return run_worker(python, "anchor_lmeval.py", job)


def interpreter(flag: str | None, env: str) -> str | None:
    return flag or os.environ.get(env) or None
