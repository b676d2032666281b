"""`rubric`: a model (any backend) rates a summary 1-5 on consistency, relevance, coherence and
fluency, with a reason (the idea of G-Eval, without its probability weighting).

`rubric_requests` renders one judge request per summary with summary_judge.jinja, the article
and the summary fenced as data (marker strings inside them are defused first). The article
comes before the summary, so the transformers backend runs each article's prefix once for all
of its summaries. `rubric_scores` parses the replies strictly:

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

import re
from dataclasses import dataclass, field
from typing import Any, Sequence

from harness.tasks.summarization import NAME as TASK

RUBRIC_TASK = "rubric-judge"  # the run log's task name of the judge's generations
PROMPT = "summary_judge.jinja"
MAX_NEW_TOKENS = 96
DIMENSIONS = ("consistency", "relevance", "coherence", "fluency")
PARTS = (*DIMENSIONS, "mean")
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
    dimension has no verdict."""

    scores: dict[str, int | None]
    reason: str
    problems: tuple[str, ...] = ()
    reply: str = ""  # the raw reply, cut to REPLY_KEPT characters
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def complete(self) -> bool:
        return all(self.scores.get(d) is not None for d in DIMENSIONS)


def defuse(text: str) -> str:
    """The text with the fence markers <article>, </summary>, ... turned into (article), ..."""
    return _MARKERS.sub(lambda m: f"({m.group(1).lower()})", text)


def rubric_requests(answers: Sequence[Any], template: Any = None) -> list[Any]:
    """One judge request per summary (answer.text, answer.document), id answer.id."""
    from harness.backends import Request
    from harness.prompts import load_template

    template = template or load_template(PROMPT)
    requests = []
    for answer in answers:
        system, prompt = template.render(article=defuse(str(answer.document)),
                                         summary=defuse(str(answer.text)))
        requests.append(Request(id=str(answer.id), task=RUBRIC_TASK, prompt=prompt, system=system,
                                article_id=str(answer.article_id), max_new_tokens=MAX_NEW_TOKENS))
    return requests


def _plain(line: str) -> str:
    return " ".join(_EMPHASIS.sub(" ", line).split()).lower()


def _judge_lines(reply: str, data: Sequence[str]) -> list[tuple[str, str]]:
    """(lowercased, as written) for each line of the reply, emphasis removed, without fenced
    regions (an unclosed marker drops the rest of the reply) and echoes of the data."""
    echoed = {_plain(line) for text in data for line in str(text).splitlines() if line.strip()}
    lines = (" ".join(_EMPHASIS.sub(" ", line).split()) for line in _FENCED.sub("\n", reply).splitlines())
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


def rubric_scores(replies: Sequence[str | None], answers: Sequence[Any] = (),
                  errors: Sequence[str | None] = ()) -> list[RubricVerdict]:
    """One verdict per reply, in order; a None reply (a failed generation) has no verdict on
    any dimension, its error as the reason. `answers` (the rated ones, same order) lets the
    parser drop echoes of their article and summary."""
    verdicts = []
    for index, reply in enumerate(replies):
        answer = answers[index] if index < len(answers) else None
        if reply is None:
            error = errors[index] if index < len(errors) else None
            verdicts.append(RubricVerdict({d: None for d in DIMENSIONS}, f"judge failed: {error or 'no reply'}",
                                          tuple(f"{d}: no reply" for d in DIMENSIONS)))
            continue
        data = (str(answer.document), str(answer.text)) if answer is not None else ()
        verdicts.append(parse_rubric(reply, data))
    return verdicts


def parts_of(verdict: RubricVerdict) -> dict[str, float | None]:
    """The metric's parts: each dimension's 1-5 score (None: no verdict), and their mean when
    all four have one (else None)."""
    parts: dict[str, float | None] = {d: (None if verdict.scores[d] is None else float(verdict.scores[d]))
                                      for d in DIMENSIONS}
    parts["mean"] = sum(parts[d] for d in DIMENSIONS) / len(DIMENSIONS) if verdict.complete else None
    return parts


def score(answer: Any, options: Any = None) -> dict[str, float | None]:
    """The parts of the verdict the runner attached to the answer (answer.rubric)."""
    verdict = getattr(answer, "rubric", None)
    if verdict is None:  # the runner sets it when the config has a rubric judge
        raise RuntimeError("the rubric metric is scored from the verdicts of the rubric judge")
    return parts_of(verdict)


DESCRIPTION = "a model judge's 1-5 ratings of consistency, relevance, coherence and fluency (summary_judge.jinja)"


def __getattr__(name: str) -> Any:
    """RUBRIC, the registered metric object, built on first use (the metric contract's class)."""
    if name != "RUBRIC":
        raise AttributeError(name)
    from harness.tasks._base import Metric

    metric = Metric("rubric", TASK, DESCRIPTION, score=score, parts=PARTS, value_part="mean")
    globals()["RUBRIC"] = metric
    return metric
