"""How long scoring 10,000 items takes: ROUGE (all four types, 3 references each) and SQuAD.

Usage: python benchmarks/bench_metrics.py [--items N] [--runs R] [--no-stemmer] [--tokenizer unicode]
Each run starts with cold ROUGE caches (scorers and memoized tokens); the median of the runs
is printed with items per second.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from pathlib import Path

from harness.metrics import clear_rouge_caches, rouge_item_scores
from harness.metrics.exact_match_f1 import EXACT_MATCH, F1
from harness.sentences import split_sentences
from harness.tasks._abstention import is_abstention, says_abstain_phrase
from harness.tasks._extraction import extract_answer
from harness.tasks.qa import QAAnswer
from harness.tasks.summarization import ROUGE_TYPES

_WORDS = ("Russia North Korean laborers workers expelled expelling 10,000 sanctions U.N. resolution 2017 "
          "talks Kim Putin Vladivostok summit nuclear economic ties year end government officials said "
          "the a of in by under more than after before will would Monday agreed").split()


_ARTICLE = Path(__file__).resolve().parent.parent / "gold" / "kim-putin-talks" / "article.txt"


def _vocabulary() -> list[str]:
    """The first gold article's running text (natural word frequencies), else a small list."""
    try:
        words = _ARTICLE.read_text(encoding="utf-8").split()
    except OSError:
        words = []
    return words if len(words) > 100 else _WORDS


def _sentence(rng: random.Random, words: list[str]) -> str:
    """A window of running text: realistic vocabulary and overlap between texts."""
    length = rng.randint(8, 22)
    start = rng.randrange(len(words) - length)
    return " ".join(words[start : start + length]).rstrip(".") + "."


def make_items(n: int, seed: int = 0):
    rng, words = random.Random(seed), _vocabulary()
    summaries = [
        (" ".join(_sentence(rng, words) for _ in range(rng.randint(1, 3))),
         ["\n".join(_sentence(rng, words) for _ in range(rng.randint(1, 3))) for _ in range(3)])
        for _ in range(n)
    ]
    questions = [
        (f"The answer is: {rng.choice(words)} {rng.choice(words)}.",
         [] if rng.random() < 0.1 else [" ".join(rng.choice(words) for _ in range(rng.randint(1, 4))) for _ in range(3)])
        for _ in range(n)
    ]
    return summaries, questions


def score_all(summaries, questions, use_stemmer: bool, tokenizer: str) -> tuple[float, float]:
    """Seconds spent on (ROUGE, QA)."""
    start = time.perf_counter()
    for prediction, references in summaries:
        rouge_item_scores(split_sentences(prediction), references, ROUGE_TYPES, use_stemmer, tokenizer)
    middle = time.perf_counter()
    for raw, answers in questions:
        answer = extract_answer(raw)
        scoring = QAAnswer("", "", "", answer, raw, tuple(answers), "",
                           abstained=is_abstention(answer, "unanswerable"),
                           said_phrase=says_abstain_phrase(answer, "unanswerable"))
        EXACT_MATCH.score(scoring, None)
        F1.score(scoring, None)
    return middle - start, time.perf_counter() - middle


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-stemmer", action="store_true")
    parser.add_argument("--tokenizer", choices=["default", "unicode"], default="default")
    args = parser.parse_args()
    summaries, questions = make_items(args.items)
    parts = []
    for _ in range(args.runs):
        clear_rouge_caches()
        parts.append(score_all(summaries, questions, not args.no_stemmer, args.tokenizer))
    times = [rouge + qa for rouge, qa in parts]
    median = statistics.median(times)
    rouge_median = statistics.median(rouge for rouge, _ in parts)
    qa_median = statistics.median(qa for _, qa in parts)
    print(f"scored {args.items} summarization items (3 references, {', '.join(ROUGE_TYPES)}, "
          f"stemmer={'off' if args.no_stemmer else 'on'}, tokenizer={args.tokenizer}) "
          f"+ {args.items} QA items (extraction, EM, F1)")
    print(f"runs: {', '.join(f'{t:.2f}s' for t in times)}; median {median:.2f}s; "
          f"{args.items / median:,.0f} items/s (each item = one summary + one question)")
    print(f"ROUGE median {rouge_median:.2f}s ({args.items / rouge_median:,.0f} summaries/s); "
          f"QA median {qa_median:.3f}s ({args.items / qa_median:,.0f} questions/s)")


if __name__ == "__main__":
    main()
