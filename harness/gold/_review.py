"""`harness gold review`: a checklist report per article, for a person deciding whether the
article's gold data is good enough, and a verdict against the documented targets:

- at least 25% of the questions are unanswerable;
- at least 20 answerable items are not lookups, when the article has 80 items or more;
- at least 4 written references per summary style;
- every content paragraph (more than 6 words; shorter ones are headings) has a question.

The rest of the report informs without deciding: type and reasoning mix, aliases, cloze-like
questions, each reference's closeness to an article sentence and its words the article lacks.
"""

from __future__ import annotations

import re
import statistics
import string
from collections import Counter
from dataclasses import dataclass

from harness.errors import HarnessError, shown

from ._across import paraphrase_score
from ._articles import PLACEHOLDER_SOURCE, PLACEHOLDER_TITLE
from ._model import Article, Gold, QAItem, SummaryRef, sentence_spans
from ._rules import IMPORTED_ONLY, MAX_PARAPHRASE_ROUGE2, QA_TYPES, REASONING, STYLES
from ._stats import covered_paragraphs, items_by_article, percent, tally

MIN_UNANSWERABLE_SHARE = 0.25
MIN_NON_LOOKUP, NON_LOOKUP_FROM_ITEMS = 20, 80
MIN_WRITTEN_PER_STYLE = 4
HEADING_MAX_WORDS = 6
CLOZE_FLAG = 0.75
_PUNCTUATION = str.maketrans({c: " " for c in string.punctuation})


@dataclass(frozen=True)
class Target:
    """One documented target: met or not, and the figures that decide it."""

    name: str
    met: bool
    detail: str


@dataclass(frozen=True)
class ArticleReview:
    """The report on one article: its lines, and the targets with their outcome."""

    article_id: str
    lines: tuple[str, ...]
    targets: tuple[Target, ...]

    @property
    def passed(self) -> bool:
        return all(t.met for t in self.targets)


@dataclass(frozen=True)
class Review:
    """The reviews of the articles asked for; `passed` when every article meets every target."""

    articles: tuple[ArticleReview, ...]

    @property
    def passed(self) -> bool:
        return all(a.passed for a in self.articles)

    def text(self) -> str:
        """The whole report, ending with the verdict line."""
        lines = [line for a in self.articles for line in (*a.lines, *_checklist(a), "")]
        met = sum(a.passed for a in self.articles)
        lines.append(f"verdict: {'PASS' if self.passed else 'FAIL'}: {met} of {len(self.articles)} "
                     "articles meet every target")
        return "\n".join(lines)


def review_gold(gold: Gold, article_id: str | None = None) -> Review:
    """Review one article, or every article of the set."""
    if article_id is not None and article_id not in gold.articles:
        raise HarnessError(f"unknown article '{shown(article_id)}' (known: {', '.join(gold.articles)})", exit_code=2)
    items = items_by_article(gold)
    summaries: dict[str, list[SummaryRef]] = {}
    for summary in gold.summaries:
        summaries.setdefault(summary.article_id, []).append(summary)
    ids = [article_id] if article_id is not None else list(gold.articles)
    return Review(tuple(review_article(gold.articles[i], items.get(i, []), summaries.get(i, [])) for i in ids))


def review_article(article: Article, items: list[QAItem], summaries: list[SummaryRef]) -> ArticleReview:
    answerable = [q for q in items if q.answers]
    coverage = covered_paragraphs(article, answerable)
    lines = [f"review of {article.id} (\"{shown(article.meta['title'])}\")"]
    lines += _qa_lines(items, answerable)
    lines += _paragraph_lines(article, coverage)
    sentences = sentence_spans(article.text)
    lines += _cloze_lines(article, answerable, sentences)
    lines += _reference_lines(article, summaries, [article.text[a:b] for a, b in sentences])
    lines += _meta_lines(article)
    targets = (_unanswerable_target(items), _non_lookup_target(items, answerable),
               _references_target(summaries), _coverage_target(article, coverage))
    return ArticleReview(article.id, tuple(lines), targets)


# -- the report ----------------------------------------------------------------------------------

def _qa_lines(items: list[QAItem], answerable: list[QAItem]) -> list[str]:
    unanswerable = [q for q in items if not q.answers]
    aliases = [len(q.answers) - 1 for q in answerable]
    alias_line = (f"min {min(aliases)}, median {statistics.median(aliases):g}, max {max(aliases)}; "
                  f"{aliases.count(0)} with none") if aliases else "no answerable items"
    return [
        f"QA items: {len(items)} ({len(answerable)} answerable, {len(unanswerable)} unanswerable: "
        f"{percent(len(unanswerable), len(items))})",
        "  by type: " + tally(Counter(q.type for q in items), QA_TYPES),
        "  by reasoning, answerable: " + tally(Counter(q.reasoning for q in answerable), REASONING),
        "  by reasoning, unanswerable: " + tally(Counter(q.reasoning for q in unanswerable), REASONING),
        f"  aliases per answerable item: {alias_line}",
        f"  unanswerable items without plausible answers: {sum(not q.plausible_answers for q in unanswerable)}",
    ]


def _paragraph_lines(article: Article, coverage: list[int]) -> list[str]:
    cells = [f"P{i + 1}:{'-' if not is_content(p) else count}" for i, (p, count)
             in enumerate(zip(article.paragraphs, coverage))]
    lines = ["items per paragraph (answerable items' evidence; '-' a heading, which needs none):"]
    lines += ["  " + " ".join(cells[i: i + 12]) for i in range(0, len(cells), 12)]
    return lines


def _cloze_lines(article: Article, answerable: list[QAItem], sentences: list[tuple[int, int]]) -> list[str]:
    scores = sorted(((cloze_score(q, _evidence_sentences(article, q, sentences)), q.id) for q in answerable),
                    reverse=True)
    top = ", ".join(f"{_short(i)} {s:.2f}" for s, i in scores[:3]) or "none"
    flagged = ", ".join(_short(i) for s, i in scores if s >= CLOZE_FLAG) or "none"
    return ["cloze-like questions (the largest share of an evidence sentence's words, other than the answer's, "
            f"that the question repeats; flagged at >= {CLOZE_FLAG}):", f"  highest: {top}; flagged: {flagged}"]


def cloze_score(item: QAItem, sentences: list[str]) -> float:
    """The largest share of a sentence's distinct words (other than the canonical answer's) that
    the question repeats: near 1, the question is that sentence with the answer blanked out."""
    answer, question = _words(item.answers[0] if item.answers else ""), _words(item.question)
    shares = [len(question & rest) / len(rest) for rest in (_words(s) - answer for s in sentences) if rest]
    return max(shares, default=0.0)


def _evidence_sentences(article: Article, item: QAItem, sentences: list[tuple[int, int]]) -> list[str]:
    """The article sentences that the item's evidence spans (first occurrences) overlap."""
    found = []
    for span in item.evidence:
        start = article.text.find(span)
        end = start + len(span)
        found += [article.text[a:b] for a, b in sentences if start >= 0 and a < end and b > start]
    return found


def _reference_lines(article: Article, summaries: list[SummaryRef], sentences: list[str]) -> list[str]:
    known = set(_stems(article.text))
    lines = [f"references (max ROUGE-2 F1 of a line against an article sentence, flagged at >= "
             f"{MAX_PARAPHRASE_ROUGE2}; words the article does not have):"]
    for style in STYLES:
        refs = [s for s in summaries if s.style == style]
        sources = Counter(s.source for s in refs)
        lines.append(f"  {style}: " + (", ".join(f"{n} {source}" for source, n in sorted(sources.items())) or "none"))
        for ref in refs:
            score = paraphrase_score(ref.text, sentences)
            flag = "  FLAGGED" if score >= MAX_PARAPHRASE_ROUGE2 and ref.source == "written" else ""
            new = ", ".join(novel_words(ref.text, known)) or "none"
            lines.append(f"    {_short(ref.id)} {ref.source:<15} {score:.3f}{flag}  new words: {new}")
    return lines


def _meta_lines(article: Article) -> list[str]:
    meta = article.meta
    listed = {t["paragraph"] for t in meta["truncated"]}
    open_ended = [str(i + 1) for i, p in enumerate(article.paragraphs)
                  if is_content(p) and not re.search(r"[.!?:][\"')\]\u201d\u2019]*$", p) and i + 1 not in listed]
    placeholders = [name for name, value in (("title", PLACEHOLDER_TITLE), ("source", PLACEHOLDER_SOURCE))
                    if meta[name] == value]
    return [f"meta: truncated sentences listed: {len(listed)}; paragraphs ending mid-sentence but not listed: "
            f"{', '.join(open_ended) or 'none'}; placeholder fields: {', '.join(placeholders) or 'none'}"]


def _checklist(review: ArticleReview) -> list[str]:
    met = sum(t.met for t in review.targets)
    lines = [f"  [{'pass' if t.met else 'FAIL'}] {t.name}: {t.detail}" for t in review.targets]
    return ["targets:", *lines, f"{review.article_id}: {'PASS' if review.passed else 'FAIL'} "
            f"({met} of {len(review.targets)} targets met)"]


# -- the targets ---------------------------------------------------------------------------------

def _unanswerable_target(items: list[QAItem]) -> Target:
    count = sum(not q.answers for q in items)
    share = count / len(items) if items else 0.0
    return Target("unanswerable share", share >= MIN_UNANSWERABLE_SHARE,
                  f"{count} of {len(items)} ({percent(count, len(items))}; at least {MIN_UNANSWERABLE_SHARE:.0%})")


def _non_lookup_target(items: list[QAItem], answerable: list[QAItem]) -> Target:
    count = sum(q.reasoning not in ("lookup", IMPORTED_ONLY) for q in answerable)
    needed = len(items) >= NON_LOOKUP_FROM_ITEMS
    return Target("answerable items that are not lookups (unlabeled ones do not count)", not needed or count >= MIN_NON_LOOKUP,
                  f"{count} (at least {MIN_NON_LOOKUP} when an article has {NON_LOOKUP_FROM_ITEMS} items or more; "
                  f"this one has {len(items)})")


def _references_target(summaries: list[SummaryRef]) -> Target:
    written = Counter(s.style for s in summaries if s.source == "written")
    detail = ", ".join(f"{style} {written[style]}" for style in STYLES)
    return Target("written references per style", all(written[s] >= MIN_WRITTEN_PER_STYLE for s in STYLES),
                  f"{detail} (at least {MIN_WRITTEN_PER_STYLE} each)")


def _coverage_target(article: Article, coverage: list[int]) -> Target:
    content = [i for i, p in enumerate(article.paragraphs) if is_content(p)]
    missing = [str(i + 1) for i in content if not coverage[i]]
    detail = f"{len(content) - len(missing)} of {len(content)} content paragraphs"
    return Target("content paragraphs with a question", not missing,
                  detail + (f"; none for paragraph {', '.join(missing)}" if missing else ""))


# -- words ---------------------------------------------------------------------------------------

def is_content(paragraph: str) -> bool:
    """A content paragraph has more than 6 words; a shorter one is a heading ("WHY NOW?")."""
    return len(paragraph.split()) > HEADING_MAX_WORDS


def novel_words(text: str, known_stems: set[str]) -> list[str]:
    """The words of `text` (lower-case, two characters or more) whose Porter stem no word of the
    article has, in order."""
    found: list[str] = []
    for word in re.findall(r"[a-z0-9]{2,}", text.lower()):
        stems = _stems(word)
        if stems and stems[0] not in known_stems and word not in found:
            found.append(word)
    return found


def _stems(text: str) -> tuple[str, ...]:
    from harness.gold._overlap import stemmed_tokens

    return stemmed_tokens(text)


def _words(text: str) -> set[str]:
    return set(text.lower().translate(_PUNCTUATION).split())


def _short(item_id: str) -> str:
    """q007 for kim-putin-talks-q007."""
    return item_id.rsplit("-", 1)[-1]
