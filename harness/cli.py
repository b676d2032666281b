"""Command-line layer: parses arguments, calls the library, turns HarnessError into exit codes.

Exit codes: 0 success; 1 a check failed (invalid gold, a regression); 2 bad usage or unreadable
input; 3 a bug in the harness (rerun with --debug for the traceback).
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path

from harness.errors import HarnessError


def _gold_validate(args: argparse.Namespace) -> int:
    from harness.gold import load_gold, summarize_counts, validate_gold

    problems = validate_gold(args.gold)
    for problem in problems:
        print(problem)
    if problems:
        print(f"{len(problems)} problem{'s' if len(problems) != 1 else ''} in {args.gold}")
        return 1
    print(summarize_counts(load_gold(args.gold)))
    return 0


def _gold_stats(args: argparse.Namespace) -> int:
    from harness.gold import gold_stats, load_gold

    print(gold_stats(load_gold(args.gold)))
    return 0


def _print_added(items: list[dict], dry_run: bool) -> None:
    verb = "would add" if dry_run else "added"
    for item in items:
        print(f"{verb}: {json.dumps(item, ensure_ascii=False)}")


def _gold_add_qa(args: argparse.Namespace) -> int:
    from harness.gold import add_qa

    item = add_qa(
        args.gold, args.article, args.question, args.answer, args.evidence,
        type=args.type, dry_run=args.dry_run,
    )
    _print_added([item], args.dry_run)
    return 0


def _gold_add_summary(args: argparse.Namespace) -> int:
    from harness.gold import add_summary

    item = add_summary(args.gold, args.article, args.style, args.text, dry_run=args.dry_run)
    _print_added([item], args.dry_run)
    return 0


def _gold_import(args: argparse.Namespace) -> int:
    from harness.gold import import_items

    _print_added(import_items(args.gold, args.file, dry_run=args.dry_run), args.dry_run)
    return 0


def _run(args: argparse.Namespace) -> int:
    from harness.report import summary_table
    from harness.run import RunOptions, run

    options = RunOptions(
        output=args.output, overrides=args.set, limit=args.limit,
        models=_split_names(args.models), tasks=_split_names(args.tasks),
        resume=args.resume, use_cache=not args.no_cache,
    )
    progress = _Progress()
    try:
        result = run(args.config, options, progress)
    finally:
        progress.close()
    print()
    print(summary_table(result.report))
    print(f"\nreport: {result.output / 'report.md'}")
    return 0


class _Progress:
    """Draws a run's progress events: a line when a model loads, a tqdm bar while it generates."""

    def __init__(self) -> None:
        self.bar = None

    def __call__(self, event) -> None:
        from harness.run import events

        if isinstance(event, events.ModelLoading):
            print(f"loading {event.model} ({event.backend})...", flush=True)
        elif isinstance(event, events.GenerationStarted):
            from tqdm import tqdm

            self.bar = tqdm(total=event.total, desc=event.model, unit="item", dynamic_ncols=True)
        elif isinstance(event, events.ItemGenerated) and self.bar is not None:
            self.bar.update(1)
        elif isinstance(event, events.GenerationFinished):
            self.close()

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None


def _compare(args: argparse.Namespace) -> int:
    from harness.compare import compare_command

    text, code = compare_command(
        args.base, args.head, max_drop=args.max_drop, alpha=args.alpha,
        output_format=args.format, allow_gold_change=args.allow_gold_change,
    )
    print(text, end="")
    return code


def _split_names(value: str | None) -> list[str] | None:
    return [name.strip() for name in value.split(",") if name.strip()] if value else None


def _add_gold_parsers(commands: argparse._SubParsersAction) -> None:
    gold = commands.add_parser("gold", help="validate, inspect and grow the gold set")
    sub = gold.add_subparsers(dest="gold_command", required=True, metavar="COMMAND")

    def command(name: str, func, help: str) -> argparse.ArgumentParser:
        parser = sub.add_parser(name, help=help)
        parser.add_argument("--gold", type=Path, default=Path("gold"), help="gold directory (default: gold/)")
        parser.set_defaults(func=func)
        return parser

    command("validate", _gold_validate, "check every gold file; exit 1 if any problem")
    command("stats", _gold_stats, "counts by type and style, paragraph coverage")
    add_qa = command("add-qa", _gold_add_qa, "append one question/answer pair")
    add_qa.add_argument("--article", required=True, help="article id")
    add_qa.add_argument("--question", required=True)
    add_qa.add_argument("--answer", action="append", default=[], help="canonical answer, then aliases (repeat); none for unanswerable")
    add_qa.add_argument("--evidence", default="", help="verbatim span of article.txt that supports the answer")
    add_qa.add_argument("--type", default=None, help="question type (number, date, person, ...)")
    add_qa.add_argument("--dry-run", action="store_true", help="validate and print, write nothing")
    add_summary = command("add-summary", _gold_add_summary, "append one reference summary")
    add_summary.add_argument("--article", required=True, help="article id")
    add_summary.add_argument("--style", required=True, help="headline, one_sentence or short")
    add_summary.add_argument("--text", required=True, help="the summary, one sentence a line")
    add_summary.add_argument("--dry-run", action="store_true", help="validate and print, write nothing")
    importer = command("import", _gold_import, "append every item of a JSONL file, all or nothing")
    importer.add_argument("file", type=Path)
    importer.add_argument("--dry-run", action="store_true", help="validate and print, write nothing")


def _add_run_parser(commands: argparse._SubParsersAction) -> None:
    run = commands.add_parser("run", help="run an evaluation config and write a report")
    run.add_argument("config", type=Path)
    run.add_argument("--output", type=Path, help="write the report files into this directory")
    run.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", help="override a config field (repeatable)")
    run.add_argument("--limit", type=int, help="only the first N items of each task")
    run.add_argument("--models", help="comma-separated model names to run (default: all)")
    run.add_argument("--tasks", help="comma-separated tasks: qa,summarization (default: all in the config)")
    run.add_argument("--resume", action="store_true", help="continue an interrupted run in its output directory")
    run.add_argument("--no-cache", action="store_true", help="ignore (and do not fill) the prediction cache")
    run.set_defaults(func=_run)


def _add_compare_parser(commands: argparse._SubParsersAction) -> None:
    compare = commands.add_parser("compare", help="compare two reports; exit 1 on a significant regression")
    compare.add_argument("base", type=Path)
    compare.add_argument("head", type=Path)
    compare.add_argument("--max-drop", action="append", default=[], metavar="METRIC=DELTA")
    compare.add_argument("--alpha", type=float, default=0.05)
    compare.add_argument("--format", choices=["markdown", "json"], default="markdown")
    compare.add_argument("--allow-gold-change", action="store_true")
    compare.set_defaults(func=_compare)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="harness", description=__doc__.splitlines()[0])
    parser.add_argument("--debug", action="store_true", help="show tracebacks")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    _add_gold_parsers(commands)
    _add_run_parser(commands)
    _add_compare_parser(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    _show_warnings()
    try:
        return args.func(args)
    except HarnessError as error:
        for problem in getattr(error, "problems", ()):  # invalid gold: every problem, one a line
            print(problem, file=sys.stderr)
        print(f"error: {error}", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except Exception as error:  # a bug: one line unless --debug
        if args.debug:
            raise
        print(f"internal error: {type(error).__name__}: {error} (rerun with --debug for the traceback)", file=sys.stderr)
        return 3


def _show_warnings() -> None:
    """The library logs its warnings (a model's trust_remote_code, a fast-path fallback) to the
    "harness" logger; the command line shows them on stderr."""
    logger = logging.getLogger("harness")
    if not any(isinstance(h, _StderrHandler) for h in logger.handlers):
        handler = _StderrHandler()
        handler.setFormatter(logging.Formatter("warning: %(message)s"))
        logger.addHandler(handler)
        logger.setLevel(logging.WARNING)


class _StderrHandler(logging.Handler):
    """Writes to whatever sys.stderr is at the time (a StreamHandler keeps the stream it was given)."""

    def emit(self, record: logging.LogRecord) -> None:
        print(self.format(record), file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
