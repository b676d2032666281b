"""The shipped summarization gold (gold-cnndm/, gold-xsum/, the CNN/DailyMail articles in gold/)
and the configs that use it: valid, licensed, as many documents as documented."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.config import enabled_tasks, load_config
from harness.gold import load_gold, validate_gold
from harness.tasks import task

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def _in_repo(monkeypatch):
    monkeypatch.chdir(REPO)


def _styled_items(config_path: str):
    """The items of every enabled task that has summary styles, with the gold they come from."""
    config = load_config(config_path)
    gold = load_gold(config.gold)
    items = [item for name, options in enabled_tasks(config).items()
             for item in task(name).items(gold, options, None) if "style" in item.fields]
    return config, gold, items


@pytest.mark.parametrize("directory, articles, references, style, licence", [
    ("gold-cnndm", 100, 1100, "short", "MIT"),
    ("gold-xsum", 500, 500, "one_sentence", "research use only"),
])
def test_imported_sets_validate_and_keep_their_licence(directory, articles, references, style, licence):
    assert validate_gold(REPO / directory) == []
    gold = load_gold(REPO / directory)
    assert (len(gold.articles), len(gold.summaries), len(gold.qa)) == (articles, references, 0)
    assert {s.style for s in gold.summaries} == {style} and {s.source for s in gold.summaries} == {"written"}
    assert all(licence in a.meta["license"] for a in gold.articles.values())


@pytest.mark.parametrize("config_path, model, sentences, documents, style", [
    ("configs/summaries-cnndm.yaml", "lead-3", 3, 100, "short"),
    ("configs/summaries-xsum.yaml", "lead-1", 1, 500, "one_sentence"),
])
def test_summaries_configs_score_every_document_against_a_lead_baseline(config_path, model, sentences, documents,
                                                                         style):
    config, gold, items = _styled_items(config_path)
    (lead,) = [m for m in config.models if m.name == model]
    assert lead.sentences == sentences
    assert {m.name for m in config.models} == {model, "smollm2-135m-instruct", "gemma-3-270m"}
    assert len(items) == documents and {i.fields["style"] for i in items} == {style}
    cnn = [i for i in items if i.article_id == "cnn-test-404f859482d47c127868964a9a39d1a7645dd2e9"]
    assert not cnn or len(cnn[0].references) == 11


def test_the_default_evaluation_summarizes_at_least_20_documents():
    _, gold, items = _styled_items("configs/default.yaml")
    documents = {i.article_id for i in items}
    assert len(documents) >= 20 and "kim-putin-talks" in documents
    imported = [a for a in gold.articles.values() if a.id != "kim-putin-talks"]
    assert imported and all("SummEval" in a.meta["source"] and "MIT" in a.meta["license"] for a in imported)
    assert {i.fields["style"] for i in items if i.article_id != "kim-putin-talks"} == {"short"}
