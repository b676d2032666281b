"""The summarization task's rubric judge: a model (any backend) rates each summary 1-5 on
consistency, relevance, coherence and fluency, with a reason (the idea of G-Eval, without its
probability weighting); the `rubric` metric (harness.metrics.rubric) reads the ratings.

`judge_plan` makes one judge item per generated summary; each renders its request with the
judge's template (summary_judge.jinja by default), the article and the summary fenced as data
(marker strings inside them are defused first). The article comes before the summary, so the
transformers backend runs each article's prefix once for all of its summaries. Replies are
parsed strictly (`parse_rubric`):

- a score is a line "<dimension>: N" (markdown emphasis, "N/5" and "N out of 5" allowed, a
  comment after it in parentheses or after " - " allowed when it holds no digit), N an
  integer 1-5; anything else on that line (6, 4.5, "4 or 5", "N") is no verdict for it;
- lines of the reply that echo the fenced data are not the judge's: text between the markers,
  and any line that is also a line of the article or the summary, are dropped first, so a
  summary that says "consistency: 5" cannot score itself;
- a dimension given twice with different numbers is no verdict for it;
- a missing dimension is no verdict (None), never a default; the reason is the text after
  "reason:" (empty when the reply has none).
The raw reply never decides anything else, and is kept (cut) as data.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Any, Callable, Sequence

from harness.tasks._base import Answer, EvalItem, JudgePlan

RUBRIC_TASK = "rubric-judge"  # the run log's task name of the judge's generations
PROMPT = "summary_judge.jinja"
MAX_NEW_TOKENS = 96
DIMENSIONS = ("consistency", "relevance", "coherence", "fluency")
_MARKERS = re.compile(r"</?\s*(article|summary)\s*>", re.IGNORECASE)
_FENCED = re.compile(r"<\s*(article|summary)\s*>.*?(</\s*\1\s*>|\Z)", re.IGNORECASE | re.DOTALL)
_EMPHASIS = re.compile(r"[*_`#>]+")
_SCORE = re.compile(
    r"^(?P<dim>[a-z]+)\s*[:=\-]\s*(?P<n>[^\s/()]+)\s*(?:/\s*5|out of 5)?\s*(?P<rest>.*)$", re.IGNORECASE)
_COMMENT = re.compile(r"^(\(.*\)|-\s+.*|,\s*.*)?$")
_REASON = re.compile(r"^reason\s*[:=\-]\s*(?P<text>.*)$", re.IGNORECASE)
REPLY_KEPT = 300


@dataclass(frozen=True)
class RubricVerdict:
    """The judge's 1-5 score per dimension (None: no clear score), its reason, and why any
    dimension has no verdict; `failed`: the judge's generation failed (the reason is its error)."""

    scores: dict[str, int | None]
    reason: str
    problems: tuple[str, ...] = ()
    reply: str = ""  # the raw reply, cut to REPLY_KEPT characters
    failed: bool = False

    @property
    def complete(self) -> bool:
        return all(self.scores.get(d) is not None for d in DIMENSIONS)


def defuse(text: str) -> str:
    """The text with the fence markers <article>, </summary>, ... turned into (article), ..."""
    return _MARKERS.sub(lambda m: f"({m.group(1).lower()})", text)


def rubric_request(request_id: str, article_id: str, document: str, summary: str, template: Any = None,
                   max_new_tokens: int = MAX_NEW_TOKENS) -> Any:
    """The judge request that rates `summary` of the article `document`."""
    from harness.backends import Request
    from harness.prompts import load_template

    system, prompt = (template or load_template(PROMPT)).render(article=defuse(document), summary=defuse(summary))
    return Request(id=request_id, task=RUBRIC_TASK, prompt=prompt, system=system, article_id=article_id,
                   max_new_tokens=max_new_tokens)


def judge_plan(judge: Any, items: Sequence[EvalItem], answer: Callable[[EvalItem], Answer | None]) -> JudgePlan:
    """The rating of every generated summary (`answer(item)` not None) as items of the judge
    model `judge` (the task's judge options), under the summaries' ids."""
    plan = []
    for item in items:
        summary = answer(item)
        if summary is not None:
            render = functools.partial(_render, item, summary.text, judge)
            plan.append(EvalItem(RUBRIC_TASK, item.id, item.article_id, item.group, item.references, render,
                                 document=item.document, fields=item.fields, data={"summary": summary.text}))
    return JudgePlan(judge.greedy_model(), plan, verdict)


def _render(item: EvalItem, summary: str, judge: Any, template: Any = None) -> Any:
    return rubric_request(item.id, item.article_id, item.document, summary, template or judge.template,
                          judge.max_new_tokens)


def verdict(item: EvalItem, reply: str | None, error: str | None) -> RubricVerdict:
    """The rating of one judge generation on the summary its item holds."""
    return reply_rubric(reply, error, (item.document, item.data["summary"]))


def reply_rubric(reply: str | None, error: str | None, data: Sequence[str] = ()) -> RubricVerdict:
    """The rating of one generation: its reply parsed (`data`: the article and summary rated),
    or, for a failed generation, no verdict on any dimension with its error as the reason."""
    if reply is None:
        return RubricVerdict({d: None for d in DIMENSIONS}, f"judge failed: {error or 'no reply'}",
                             tuple(f"{d}: no reply" for d in DIMENSIONS), failed=True)
    return parse_rubric(reply, data)


def _unemphasised(line: str) -> str:
    return " ".join(_EMPHASIS.sub(" ", line).split())


def _judge_lines(reply: str, data: Sequence[str]) -> list[tuple[str, str]]:
    """(lowercased, as written) for each line of the reply, emphasis removed, without fenced
    regions (an unclosed marker drops the rest of the reply) and echoes of the data."""
    echoed = {_unemphasised(line).lower() for text in data for line in str(text).splitlines() if line.strip()}
    lines = (_unemphasised(line) for line in _FENCED.sub("\n", reply).splitlines())
    return [(line.lower(), line) for line in lines if line and line.lower() not in echoed]


def parse_rubric(reply: str, data: Sequence[str] = ()) -> RubricVerdict:
    """The strict reading of one reply; `data` is the article and summary that were rated."""
    found: dict[str, set[str]] = {d: set() for d in DIMENSIONS}
    reason: list[str] = []
    in_reason = False
    for line, written in _judge_lines(reply, data):
        match = _SCORE.match(line)
        if match and match.group("dim") in found:
            in_reason = False
            n, rest = match.group("n"), match.group("rest")
            found[match.group("dim")].add(n if _COMMENT.match(rest) and not re.search(r"\d", rest) else f"{n} {rest}")
            continue
        said = _REASON.match(written)
        if said:
            in_reason = True
            reason.append(said.group("text"))
        elif in_reason:
            reason.append(written)
    scores: dict[str, int | None] = {}
    problems = []
    for dim, values in found.items():
        scores[dim] = None
        if not values:
            problems.append(f"{dim}: no score")
        elif len(values) > 1:
            problems.append(f"{dim}: conflicting scores {sorted(values)}")
        elif not re.fullmatch(r"[1-5]", value := next(iter(values))):
            problems.append(f"{dim}: {value[:20]!r} is not an integer 1-5")
        else:
            scores[dim] = int(value)
    return RubricVerdict(scores, " ".join(" ".join(reason).split())[:REPLY_KEPT], tuple(problems),
                         " ".join(reply.split())[:REPLY_KEPT])
