"""The lead baseline: leading sentences for summaries, best-overlap sentence for QA."""

from __future__ import annotations

from pathlib import Path

from harness.backends import Request, create_backend
from harness.backends.lead import best_overlap_sentence, content_words, lead_summary
from harness.backends import GenerationOptions
from harness.backends.lead import LeadModel

ARTICLE = (
    "Kim Jong Un arrived in Vladivostok on Wednesday. He met Russian President Vladimir Putin.\n\n"
    "The summit took place on Russky Island. Kim traveled by armored train.\n\n"
    "Analysts expect few concrete results."
)


def test_a_lead_summary_is_the_first_sentences_one_a_line():
    first = "Kim Jong Un arrived in Vladivostok on Wednesday."
    assert lead_summary(ARTICLE, 1) == first
    assert lead_summary(ARTICLE, 3) == "\n".join(
        [first, "He met Russian President Vladimir Putin.", "The summit took place on Russky Island."]
    )


def test_short_article_gives_what_there_is():
    assert lead_summary("Only one sentence here.", 3) == "Only one sentence here."
    assert lead_summary("", 1) == ""


def test_qa_picks_the_sentence_with_most_question_words():
    assert best_overlap_sentence(ARTICLE, "How did Kim travel? By train?") == (
        "Kim traveled by armored train."
    )
    assert best_overlap_sentence(ARTICLE, "Where did the summit take place?") == (
        "The summit took place on Russky Island."
    )


def test_qa_ties_and_no_overlap_pick_the_earliest_sentence():
    assert best_overlap_sentence(ARTICLE, "Kim?") == "Kim Jong Un arrived in Vladivostok on Wednesday."
    assert best_overlap_sentence(ARTICLE, "zebra xylophone") == (
        "Kim Jong Un arrived in Vladivostok on Wednesday."
    )


def test_stop_words_and_case_are_ignored():
    assert content_words("What is THE Summit of the Leaders?") == {"summit", "leaders"}


def test_backend_through_the_registry_on_the_real_gold_article():
    gold = Path(__file__).resolve().parents[2] / "gold" / "kim-putin-talks" / "article.txt"
    article = gold.read_text(encoding="utf-8")
    backend = create_backend(LeadModel(name="lead", backend="lead"))
    backend.load()
    requests = [
        Request(id="kim-putin-talks/short", task="summarization", prompt="", article=article,
                article_id="kim-putin-talks", lead_sentences=3),
        Request(id="kim-putin-talks-q001", task="qa", prompt="", article=article,
                article_id="kim-putin-talks", overlap_query="Who will Kim Jong Un meet?"),
    ]
    results = {r.id: r for r in backend.generate(requests, GenerationOptions())}
    assert len(results["kim-putin-talks/short"].text.split("\n")) == 3
    assert results["kim-putin-talks/short"].text.startswith("When North Korean leader Kim")
    assert results["kim-putin-talks-q001"].text in article and results["kim-putin-talks-q001"].error is None
    assert backend.identity() == {"model_ref": "lead", "revision": None, "model_sha256": None}


def test_sentences_option_sets_the_lead_length_whatever_the_request_asks():
    backend = create_backend(LeadModel(name="lead-1", backend="lead", sentences=1))
    requests = [Request(id=f"a/{n}", task="summarization", prompt="", article=ARTICLE, article_id="a",
                        lead_sentences=n) for n in (3, 1)]
    results = {r.id: r.text for r in backend.generate(requests, GenerationOptions())}
    assert results == {"a/3": "Kim Jong Un arrived in Vladivostok on Wednesday.",
                       "a/1": "Kim Jong Un arrived in Vladivostok on Wednesday."}
    assert lead_summary(ARTICLE, 2).split("\n") == [
        "Kim Jong Un arrived in Vladivostok on Wednesday.", "He met Russian President Vladimir Putin."]


def test_sentences_option_must_be_a_positive_whole_number():
    import pydantic
    import pytest

    for bad in (0, -1, "three", 1.5):
        with pytest.raises(pydantic.ValidationError):
            LeadModel(name="lead", backend="lead", sentences=bad)
