"""The likelihood metric: per-token log-probabilities with a shared prefix equal the plain
computation (one forward pass over prefix + continuation, plain transformers), on a tiny random
Llama and (slow) on the real SmolLM2 through the backend; the parts, the 0-1 mapping and the
verdict follow their definitions."""

from __future__ import annotations

import math
from types import SimpleNamespace

import pytest

from harness.metrics import likelihood


def reference_logprobs(model, prefix, continuation):
    """Plain transformers: one forward pass over prefix + continuation, log softmax (float32)
    at each position before a continuation token, read at that token."""
    import torch

    ids = torch.tensor([list(prefix) + list(continuation)])
    with torch.no_grad():
        logits = model(input_ids=ids).logits[0].float()
    logprobs = torch.log_softmax(logits, dim=-1)
    start = len(prefix)
    return [logprobs[start - 1 + j, token].item() for j, token in enumerate(continuation)]


def test_shared_prefix_scores_equal_one_forward_pass_each_on_a_small_random_llama():
    torch = pytest.importorskip("torch")
    transformers = pytest.importorskip("transformers")
    from harness.backends._prefix import TokenCounts
    from harness.backends._scoring import score_separately, score_shared_prefix

    torch.manual_seed(0)
    config = transformers.LlamaConfig(vocab_size=300, hidden_size=64, intermediate_size=128,
                                      num_hidden_layers=2, num_attention_heads=4,
                                      num_key_value_heads=2, max_position_embeddings=512)
    model = transformers.LlamaForCausalLM(config).eval()
    prefix = torch.randint(3, 300, (50,)).tolist()
    continuations = [torch.randint(3, 300, (n,)).tolist() for n in (7, 1, 12, 7, 3, 0, 9)]
    counts = TokenCounts()
    shared = score_shared_prefix(model, prefix, continuations, 3, counts)
    separate = score_separately(model, prefix, continuations, TokenCounts())
    for got, alone, continuation in zip(shared, separate, continuations):
        want = reference_logprobs(model, prefix, continuation) if continuation else []
        assert len(got) == len(continuation)
        assert got == pytest.approx(want, abs=1e-4) and alone == pytest.approx(want, abs=1e-4)
    assert counts.shared_prefixes == 1 and counts.passes[0] == (1, 49, 0, 0)  # the prefix, once
    # 6 non-empty rows in batches of 3, each row its continuation plus the last prefix token
    assert counts.processed == 49 + sum(len(c) + 1 for c in continuations if c)


def test_parts_follow_their_definitions():
    parts = likelihood.parts_of([-1.0, -2.0, -3.0], [-3.0, -3.0, -3.0])
    assert parts["logprob"] == -2.0 and parts["logprob_alone"] == -3.0 and parts["tokens"] == 3.0
    assert parts["pmi"] == 1.0
    assert parts["score"] == pytest.approx(1 / (1 + math.exp(-(1.0 - likelihood.THRESHOLD) / likelihood.SCALE)))
    assert parts["faithful"] == float(1.0 >= likelihood.THRESHOLD)
    assert likelihood.verdict(parts).correct == (1.0 >= likelihood.THRESHOLD)


def test_the_unit_score_is_monotone_and_half_at_the_threshold():
    t = likelihood.THRESHOLD
    assert likelihood.to_unit(t) == 0.5
    values = [likelihood.to_unit(t + d) for d in (-800.0, -2.0, -0.1, 0.0, 0.1, 2.0, 800.0)]
    assert values == sorted(values) and 0.0 <= values[0] < values[-1] <= 1.0


def test_an_empty_summary_scores_zero_and_is_not_faithful():
    parts = likelihood.parts_of([], [])
    assert parts["score"] == 0.0 and parts["faithful"] == 0.0 and parts["tokens"] == 0.0
    assert likelihood.verdict(parts).correct is False


def test_summary_text_is_one_line():
    assert likelihood.summary_text(SimpleNamespace(text="One.\nTwo  three.\n")) == "One. Two three."


def test_import_does_not_load_torch():
    import subprocess
    import sys

    code = "import sys, harness.metrics.likelihood, harness.metrics.rubric; print('torch' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True).stdout.strip() == "False"


ARTICLE = ("The city council voted 7-2 on Tuesday to close the Elm Street bridge for six months of "
           "repairs, starting in June. Engineers found cracks in two of its steel supports last year. "
           "Mayor Ana Ruiz said buses will be rerouted over the Oak Street bridge while the work lasts.")


@pytest.mark.slow
def test_smollm2_scores_equal_the_reference_and_one_prefill_per_article(shared_model_cache, monkeypatch):
    """The real bundled SmolLM2: the metric's log-probabilities (oneDNN linear layers) equal one
    plain forward pass of plain transformers over the chat prompt + summary; one article prefill
    for all its summaries."""
    from harness.backends.transformers import TransformersBackend

    monkeypatch.setenv("HARNESS_CACHE_DIR", str(shared_model_cache))
    monkeypatch.setattr(likelihood, "_backend", None)
    summaries = ["The council voted to close the Elm Street bridge for repairs.",
                 "The council voted to open a new Elm Street bridge in June.",
                 "Buses will use the Oak Street bridge during six months of repairs.", ""]
    answers = [SimpleNamespace(text=s, document=ARTICLE, id=f"a/{i}", article_id="a") for i, s in enumerate(summaries)]
    model = likelihood.backend()
    before = model.counts.shared_prefixes
    given, alone = likelihood.token_logprobs(answers)
    assert model.counts.shared_prefixes - before == 2  # the article once, the article-free prompt once
    assert model.config.cpu_matmul == "onednn"
    plain = TransformersBackend(model.config.model_copy(update={"cpu_matmul": "torch"}))
    plain.load()  # the reference: plain transformers, torch's own float32 linear layers
    prefix = model._prompt_ids(SimpleNamespace(system=None, prompt=likelihood.article_prompt(model, ARTICLE)))
    for text, logprobs in zip(summaries[:3], given):
        tokens = model.tokenizer(text, add_special_tokens=False)["input_ids"]
        assert logprobs == pytest.approx(reference_logprobs(plain.model, prefix, tokens), abs=2e-4)
    assert given[3] == [] and alone[3] == []
    parts = likelihood.score_many(answers)
    assert parts[3]["score"] == 0.0 and parts[3]["faithful"] == 0.0
    separate = likelihood.token_logprobs(answers, shared=False)
    for a, b in zip(given, separate[0]):
        assert a == pytest.approx(b, abs=2e-4)
