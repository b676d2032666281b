"""The extractive baseline: leading sentences for summaries, best-overlap sentence for QA."""

from __future__ import annotations

from typing import Any, Iterator, Literal, Sequence

from pydantic import Field

from harness.backends._base import Backend, ModelOptions, Request, Result
from harness.sentences import split_sentences
from harness.text import content_words


def lead_summary(article: str, count: int) -> str:
    """The first `count` sentences, one per line."""
    return "\n".join(split_sentences(article)[:count])


def best_overlap_sentence(article: str, question: str) -> str:
    """The article sentence sharing the most content words with the question (ties: earliest)."""
    wanted = content_words(question)
    best, best_score = "", -1
    for sentence in split_sentences(article):
        score = len(wanted & content_words(sentence))
        if score > best_score:
            best, best_score = sentence, score
    return best


class LeadModel(ModelOptions):
    """The extractive lead baseline (first sentences; best-overlap sentence for QA)."""

    backend: Literal["lead"] = Field(description="Backend name.")


class LeadBackend(Backend):
    """A Backend like any other, so the baseline goes through the same runner and report."""

    Config = LeadModel

    def identity(self) -> dict[str, Any]:
        return {"model_ref": "lead", "revision": None, "model_sha256": None}

    def generate(self, requests: Sequence[Request], generation: Any) -> Iterator[Result]:
        for request in requests:
            if request.overlap_query is not None:
                text = best_overlap_sentence(request.article, request.overlap_query)
            else:
                text = lead_summary(request.article, request.lead_sentences or 1)
            yield Result(id=request.id, text=text)
