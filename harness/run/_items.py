"""Evaluation items: what each task asks of a model, built from the gold set and the config.

A QA item is one gold question. A summarization item is one (article, style) pair whose
references are all the gold summaries of that style for that article.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from harness.backends import Request
from harness.gold import Gold
from harness.prompts import render_prompt


@dataclass(frozen=True)
class EvalItem:
    """One item of one task, with its rendered request and what it is scored against."""

    task: str  # "qa" or "summarization"
    id: str
    article_id: str
    group: str  # QA: question type; summarization: style
    references: tuple[str, ...]  # QA: accepted answers ([] if unanswerable); summarization: reference texts
    request: Request


def qa_items(gold: Gold, task, config_dir: Path) -> list[EvalItem]:
    items = []
    for qa in gold.qa:
        article = gold.articles[qa.article_id]
        system, prompt = render_prompt(
            task.prompt, config_dir, article=article.text, question=qa.question,
            abstain_phrase=task.abstain_phrase, title=article.meta.get("title", ""),
        )
        request = Request(
            id=qa.id, task="qa", prompt=prompt, system=system, article=article.text,
            article_id=article.id, question=qa.question,
        )
        items.append(EvalItem("qa", qa.id, article.id, qa.type, tuple(qa.answers), request))
    return items


def summarization_items(gold: Gold, task, config_dir: Path) -> list[EvalItem]:
    items = []
    for article in gold.articles.values():
        for style in task.styles:
            references = tuple(s.text for s in gold.summaries if s.article_id == article.id and s.style == style)
            if not references:
                continue  # nothing to score against
            system, prompt = render_prompt(
                task.prompt, config_dir, article=article.text, style=style,
                title=article.meta.get("title", ""),
            )
            item_id = f"{article.id}/{style}"
            request = Request(
                id=item_id, task="summarization", prompt=prompt, system=system,
                article=article.text, article_id=article.id, style=style,
            )
            items.append(EvalItem("summarization", item_id, article.id, style, references, request))
    return items


def build_items(gold: Gold, tasks, config_dir: Path, selected: list[str], limit: int | None) -> dict[str, list[EvalItem]]:
    """task name -> items, in gold order, the first `limit` of each task when given."""
    builders = {"qa": qa_items, "summarization": summarization_items}
    out = {}
    for name in selected:
        items = builders[name](gold, getattr(tasks, name), config_dir)
        out[name] = items[:limit] if limit is not None else items
    return out
