"""Command-line layer: parses arguments, calls the library, turns HarnessError into exit codes.

Exit codes: 0 success; 1 a check failed (invalid gold, a regression, too many failed items);
2 bad usage or unreadable input; 3 a bug in the harness (rerun with --debug for the traceback);
130 Ctrl-C, 143 SIGTERM; 141 standard output closed early (`harness gold stats | head`).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import signal
import sys
import time
from pathlib import Path

from harness.console import show_warnings, silence_stdout, split_names
from harness.errors import HarnessError, Terminated


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


def _gold_review(args: argparse.Namespace) -> int:
    from harness.gold import load_gold, review_gold

    review = review_gold(load_gold(args.gold), args.article)
    print(review.text())
    return 0 if review.passed else 1


def _gold_agreement(args: argparse.Namespace) -> int:
    from harness.agreement import gold_agreement_command

    print(gold_agreement_command(args.gold, args.split, args.config))
    return 0


def _agreement(args: argparse.Namespace) -> int:
    from harness.agreement import SUMMARY_FORMATS, agreement_command, summary_agreement_command

    if args.format in SUMMARY_FORMATS:
        print(summary_agreement_command(args.files, args.format, split_names(args.metrics), args.tune, args.json))
    else:
        print(agreement_command(args.files, args.format, split_names(args.metrics), args.config, args.by,
                                args.split, args.json))
    return 0


def _print_added(items: list[dict], dry_run: bool) -> None:
    verb = "would add" if dry_run else "added"
    for item in items:
        print(f"{verb}: {json.dumps(item, ensure_ascii=False)}")


def _gold_add_qa(args: argparse.Namespace) -> int:
    from harness.gold import add_qa

    item = add_qa(
        args.gold, args.article, args.question, args.answer, args.evidence, type=args.type,
        reasoning=args.reasoning, plausible_answers=args.plausible_answer, dry_run=args.dry_run,
    )
    _print_added([item], args.dry_run)
    return 0


def _gold_add_summary(args: argparse.Namespace) -> int:
    from harness.gold import add_summary

    item = add_summary(args.gold, args.article, args.style, args.text, source=args.source, dry_run=args.dry_run)
    _print_added([item], args.dry_run)
    return 0


def _gold_add_article(args: argparse.Namespace) -> int:
    from harness.gold import add_article

    article = add_article(args.gold, args.id, args.text, title=args.title, date_time=args.date,
                          source=args.source, dry_run=args.dry_run)
    paragraphs = article.text.count("\n\n") + 1
    print(f"{'would add' if args.dry_run else 'added'}: article {article.id} ({paragraphs} paragraph"
          f"{'' if paragraphs == 1 else 's'}); meta.json: {json.dumps(article.meta, ensure_ascii=False)}")
    return 0


def _gold_import(args: argparse.Namespace) -> int:
    from harness.gold import ImportOptions, import_dataset, import_items

    given = [f"--{name}" for name in ("style", "source", "license", "columns", "split", "subset")
             if getattr(args, name) is not None]
    summaries = ["--style", "--source", "--license", "--columns"]
    allowed = {"jsonl": [], "squad": ["--source", "--license"], "summaries": summaries, "xsum": summaries,
               "hf": [*summaries, "--split", "--subset"]}
    wrong = [flag for flag in given if flag not in allowed[args.format]]
    if wrong:
        raise HarnessError(f"{', '.join(wrong)} does not apply to --format {args.format}", exit_code=2)
    if args.format == "jsonl":
        _print_added(import_items(args.gold, args.file, dry_run=args.dry_run), args.dry_run)
        return 0
    options = ImportOptions(source=args.source, license=args.license, style=args.style, columns=args.columns,
                            split=args.split, subset=args.subset)
    done = import_dataset(args.gold, args.file, args.format, options, dry_run=args.dry_run)
    qa = [r for r in done.records if "question" in r]
    unanswerable = sum(not r["answers"] for r in qa)
    print(f"{'would import' if args.dry_run else 'imported'}: {len(done.articles)} articles, {len(qa)} QA items "
          f"({unanswerable} unanswerable), {len(done.records) - len(qa)} summaries")
    return 0


def _gold_export(args: argparse.Namespace) -> int:
    from harness.files import write_atomic
    from harness.gold import check_export_output, export_squad, load_gold

    if args.output is not None:
        check_export_output(args.output, args.gold)
    gold = load_gold(args.gold)
    text = json.dumps(export_squad(gold), ensure_ascii=False) + "\n"
    if args.output is None:
        print(text, end="")
    else:
        write_atomic(args.output, text)
        print(f"wrote {args.output}: {len(gold.qa)} questions from {len(gold.articles)} articles (SQuAD v2.0)")
    return 0


def _gold_migrate(args: argparse.Namespace) -> int:
    from harness.gold import migrate_gold

    changed = migrate_gold(args.gold, dry_run=args.dry_run)
    verb = "would migrate" if args.dry_run else "migrated"
    for file in changed:
        notes = "; ".join(f"{note} {count}" for note, count in sorted(file.notes.items()))
        print(f"{verb} {file.path}: {file.records} record{'' if file.records == 1 else 's'}"
              + (f" ({notes})" if notes else ""))
    if not changed:
        print(f"nothing to migrate: {args.gold} is already in the v2 format")
    return 0


def _run(args: argparse.Namespace) -> int:
    from harness.report import summary_table
    from harness.run import FailureLimit, RunOptions, run

    limit = FailureLimit() if args.max_failed is None else FailureLimit.parse(args.max_failed)
    options = RunOptions(
        output=args.output, overrides=args.set, limit=args.limit,
        models=split_names(args.models), tasks=split_names(args.tasks),
        resume=args.resume, use_cache=not args.no_cache, started=args.started,
    )
    progress = _Progress()
    try:
        with _sigterm_stops():
            result = run(args.config, options, progress)
    finally:
        progress.close()
    print()
    print(summary_table(result.report))
    print(f"\nreport: {result.output / 'report.md'}")
    breaches = limit.breaches(result.report)
    for line in breaches:
        print(f"error: {line}", file=sys.stderr)
    return 1 if breaches else 0


@contextlib.contextmanager
def _sigterm_stops():
    """While a command goes, SIGTERM stops it as Ctrl-C does (Terminated: exit 143; a run prints
    the resume command, a gold import is rolled back) instead of killing it with nothing said."""
    def stop(signum, frame):
        raise Terminated()

    try:
        previous = signal.signal(signal.SIGTERM, stop)
    except ValueError:  # not the main thread: leave signals alone
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


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
        output_format=args.format, allow_gold_change=args.allow_gold_change, min_coverage=args.min_coverage,
    )
    print(text, end="")
    return code


def _add_gold_parsers(commands: argparse._SubParsersAction) -> None:
    from harness.gold import FORMATS, QA_TYPES, REASONING, STYLES, SUMMARY_SOURCES

    gold = commands.add_parser("gold", help="validate, inspect and grow the gold set")
    sub = gold.add_subparsers(dest="gold_command", required=True, metavar="COMMAND")

    def command(name: str, func, help: str, dry_run: bool = False) -> argparse.ArgumentParser:
        parser = sub.add_parser(name, help=help)
        parser.add_argument("--gold", type=Path, default=Path("gold"), help="gold directory (default: gold/)")
        if dry_run:
            parser.add_argument("--dry-run", action="store_true", help="check and print, write nothing")
        parser.set_defaults(func=func)
        return parser

    command("validate", _gold_validate, "check every gold file; exit 1 if any problem")
    command("stats", _gold_stats, "counts by type, reasoning and style, article metadata, paragraph coverage")
    review = command("review", _gold_review, "checklist report per article; exit 1 if a target is missed")
    review.add_argument("--article", help="review only this article")
    add_qa = command("add-qa", _gold_add_qa, "append one question/answer pair", dry_run=True)
    add_qa.add_argument("--article", required=True, help="article id")
    add_qa.add_argument("--question", required=True)
    add_qa.add_argument("--answer", action="append", default=[], help="canonical answer, then aliases (repeat); none for unanswerable")
    add_qa.add_argument("--evidence", action="append", default=[], help="verbatim span of article.txt supporting the answer (repeat)")
    add_qa.add_argument("--type", default=None, help=f"question type: {', '.join(QA_TYPES)} (default description)")
    add_qa.add_argument("--reasoning", default=None, help=f"{', '.join(REASONING)} (default lookup)")
    add_qa.add_argument("--plausible-answer", action="append", default=[],
                        help="unanswerable items: a verbatim span a careless reader would give (repeat)")
    add_summary = command("add-summary", _gold_add_summary, "append one reference summary", dry_run=True)
    add_summary.add_argument("--article", required=True, help="article id")
    add_summary.add_argument("--style", required=True, help=", ".join(STYLES))
    add_summary.add_argument("--text", required=True, help="the summary, one sentence a line")
    add_summary.add_argument("--source", default="written", help=f"{', '.join(SUMMARY_SOURCES)} (default written)")
    add_article = command("add-article", _gold_add_article, "add an article from a clean text file", dry_run=True)
    add_article.add_argument("id", help="article id: lower-case letters, digits and hyphens")
    add_article.add_argument("--text", required=True, type=Path, help="UTF-8 text, paragraphs separated by blank lines")
    add_article.add_argument("--title", help="headline (default: the placeholder 'Untitled')")
    add_article.add_argument("--date", help="ISO 8601 date and time with UTC offset (default: null)")
    add_article.add_argument("--source", help="publication (default: the placeholder 'unknown')")
    importer = command("import", _gold_import, "add many items or articles from a file, all or nothing", dry_run=True)
    importer.add_argument("file", type=Path)
    importer.add_argument("--format", choices=FORMATS, default="jsonl", help="jsonl (gold items, default), squad "
                          "(SQuAD v1.1/v2.0 JSON), summaries (lines {id, article, references}), xsum (lines "
                          "{bbcid, document, summary}), hf (a datasets dataset: saved directory, parquet, JSON, "
                          "or a hub name)")
    importer.add_argument("--style", choices=STYLES, help="--format summaries: the style of the references")
    importer.add_argument("--source", help="squad, summaries: meta.json source of the new articles")
    importer.add_argument("--license", help="squad, summaries: meta.json license of the new articles")
    importer.add_argument("--columns", help="summaries, xsum, hf: TARGET=COLUMN,... (targets id, title, article, "
                          "references or question, answers; references=a+b joins columns)")
    importer.add_argument("--split", help="hf: the split of a dataset with several (e.g. test)")
    importer.add_argument("--subset", help="hf: the dataset's configuration on the hub (e.g. 3.0.0)")
    export = command("export", _gold_export, "write the gold QA items in another format")
    export.add_argument("--format", choices=["squad"], required=True, help="squad: SQuAD v2.0 JSON")
    export.add_argument("--output", type=Path, help="file to write (default: standard output)")
    command("migrate", _gold_migrate, "rewrite gold files from the v1 format to v2", dry_run=True)
    agreement = command("agreement", _gold_agreement, "how far each QA metric agrees with the labels in judgments.jsonl")
    agreement.add_argument("--split", choices=["dev", "heldout", "all"], default="all")
    agreement.add_argument("--config", type=Path, help="take the QA options (extraction, abstain phrase, judge) "
                                                       "from this config")


def _add_run_parser(commands: argparse._SubParsersAction) -> None:
    run = commands.add_parser("run", help="run an evaluation config and write a report")
    run.add_argument("config", type=Path)
    run.add_argument("--output", type=Path, help="write the report files into this directory")
    run.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", help="override a config field (repeatable)")
    run.add_argument("--limit", type=int, help="only the first N items of each task")
    run.add_argument("--models", help="comma-separated model names to run (default: all)")
    run.add_argument("--tasks", help="comma-separated task names (default: all in the config)")
    run.add_argument("--resume", action="store_true", help="continue an interrupted run in its output directory")
    run.add_argument("--no-cache", action="store_true", help="ignore (and do not fill) the prediction cache")
    run.add_argument("--max-failed", metavar="N|FRACTION",
                     help="exit 1 when a model fails more than N items (or FRACTION, e.g. 0.1, of the items) of a "
                          "task; the report is written either way (default: exit 1 only when it failed them all)")
    run.set_defaults(func=_run)


def _add_compare_parser(commands: argparse._SubParsersAction) -> None:
    compare = commands.add_parser(
        "compare", help="compare two reports; exit 1 on a significant regression or a head that does not cover the base",
        description="Compare HEAD with BASE item by item. Exit 1 when a metric drops significantly beyond its "
                    "allowance, when the head lacks a model, task or metric of the base, or when it holds too few "
                    "of the base's items (--min-coverage); 0 otherwise; 2 on bad input.")
    for report in ("base", "head"):
        compare.add_argument(report, type=Path)
    compare.add_argument("--max-drop", action="append", default=[], metavar="METRIC=DELTA",
                         help="how much METRIC (or TASK.METRIC) may drop before a significant drop fails (default 0)")
    compare.add_argument("--alpha", type=float, default=0.05,
                         help="significance level: the intervals are at confidence 1 - ALPHA (default 0.05)")
    compare.add_argument("--format", choices=["markdown", "json"], default="markdown")
    compare.add_argument("--allow-gold-change", action="store_true",
                         help="compare reports about different gold data on the item ids both hold")
    compare.add_argument("--min-coverage", type=float, default=0.9, metavar="FRACTION",
                         help="fail when the head holds fewer than FRACTION of the base's scored items of a model "
                              "and task (default 0.9; 0 allows any head that shares at least one item)")
    compare.set_defaults(func=_compare)


def _add_agreement_parser(commands: argparse._SubParsersAction) -> None:
    from harness.agreement import FORMATS, GROUPS, SUMMARY_FORMATS

    agreement = commands.add_parser("agreement", help="how far each metric agrees with judged answers or summaries")
    agreement.add_argument("files", type=Path, nargs="+", metavar="FILE")
    agreement.add_argument("--format", choices=[*FORMATS, *SUMMARY_FORMATS], default="jsonl",
                           help="; ".join(f"{name}: {about}" for name, (_, about) in FORMATS.items())
                           + "; summaries: summeval (graded expert ratings), summac (binary labels), "
                             "summaries-jsonl (document, summary, scores or label)")
    agreement.add_argument("--metrics", help="comma-separated metric names (QA default: exact_match, f1, correct, "
                                             "containment, and judge when --config has one; summaries: all)")
    agreement.add_argument("--tune", action="store_true",
                           help="summaries with binary labels: choose each threshold on these files (development)")
    agreement.add_argument("--config", type=Path, help="take the QA options (extraction, abstain phrase, judge) "
                                                       "from this config")
    agreement.add_argument("--by", action="append", default=[], choices=GROUPS,
                           help="also break the figures down by source (system) or split (repeatable)")
    agreement.add_argument("--split", choices=["dev", "heldout", "all"], default="all",
                           help="only the answers of this split (the file's own, else by question hash)")
    agreement.add_argument("--json", action="store_true", help="print one JSON object")
    agreement.set_defaults(func=_agreement)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="harness", description=__doc__.splitlines()[0])
    parser.add_argument("--debug", action="store_true", help="show tracebacks")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    _add_gold_parsers(commands)
    _add_run_parser(commands)
    _add_compare_parser(commands)
    _add_agreement_parser(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    started = time.perf_counter()
    args = build_parser().parse_args(argv)
    args.started = started
    show_warnings()
    try:
        with _sigterm_stops():
            code = args.func(args)
            sys.stdout.flush()  # here, so that a closed pipe is seen while it can be handled
        return code
    except BrokenPipeError:
        silence_stdout()
        return 141
    except HarnessError as error:
        for problem in getattr(error, "problems", ()):  # invalid gold: every problem, one a line
            print(problem, file=sys.stderr)
        print(f"error: {error}", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt as stop:
        terminated = isinstance(stop, Terminated)
        print("terminated" if terminated else "interrupted", file=sys.stderr)
        return 143 if terminated else 130
    except Exception as error:  # a bug: one line unless --debug
        if args.debug:
            raise
        print(f"internal error: {type(error).__name__}: {error} (rerun with --debug for the traceback)", file=sys.stderr)
        return 3


if __name__ == "__main__":
    sys.exit(main())
