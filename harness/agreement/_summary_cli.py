"""`harness agreement` for judged summaries: its arguments and the call (kept light: the
metrics and scipy load only when the command runs)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path


def add_parser(commands: argparse._SubParsersAction) -> None:
    """The `agreement` subcommand and its arguments."""
    agreement = commands.add_parser("agreement", help="how far each summary metric agrees with people's judgments")
    agreement.add_argument("files", type=Path, nargs="+")
    agreement.add_argument("--format", choices=["summeval", "summac", "jsonl"], required=True,
                           help="summeval (graded expert ratings), summac (binary labels), jsonl (generic)")
    agreement.add_argument("--metrics", help="comma-separated metric names (default: all that apply)")
    agreement.add_argument("--json", action="store_true", help="print the result as JSON")
    agreement.add_argument("--tune", action="store_true",
                           help="binary labels: choose each metric's threshold on these files (development)")
    agreement.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Measure and print (a HarnessError becomes the CLI's one-line error and exit 2)."""
    from harness.agreement._summary import format_result, json_result, measure

    names = [n.strip() for n in args.metrics.split(",") if n.strip()] if args.metrics else None
    result = measure(args.files, args.format, names, tune=args.tune)
    print(json.dumps(json_result(result), indent=1) if args.json else format_result(result))
    return 0
