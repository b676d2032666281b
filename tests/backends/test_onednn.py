"""cpu_matmul: onednn. OneDNNLinear computes what nn.Linear does (to float32 rounding) on every
input shape a model gives it; use_onednn_linears swaps every float32 CPU linear of a model and
leaves the model's outputs as they were; the transformers backend applies it when configured."""

from __future__ import annotations

import pytest

torch = pytest.importorskip("torch")
transformers = pytest.importorskip("transformers")
tokenizers = pytest.importorskip("tokenizers")

from harness.backends import _onednn  # noqa: E402  (needs torch)
from harness.backends.transformers import TransformersBackend, TransformersModel  # noqa: E402


def test_this_torch_has_onednn():
    assert _onednn.available()


@pytest.mark.parametrize("shape", [(7, 24), (3, 5, 24), (2, 1, 4, 24), (0, 24), (2, 0, 24)])
@pytest.mark.parametrize("bias", [True, False])
def test_onednn_linear_equals_nn_linear(shape, bias):
    torch.manual_seed(0)
    linear = torch.nn.Linear(24, 40, bias=bias)
    x = torch.randn(*shape) * 3
    want = linear(x)
    got = _onednn.OneDNNLinear(linear)(x)
    assert got.shape == want.shape == (*shape[:-1], 40)
    assert got.dtype == torch.float32
    torch.testing.assert_close(got, want, rtol=1e-5, atol=1e-5)


def test_a_non_contiguous_input_gives_the_same_product():
    torch.manual_seed(1)
    linear = torch.nn.Linear(16, 8)
    x = torch.randn(4, 10, 16)[:, ::3, :]  # a strided slice, as logits_to_keep makes
    assert not x.is_contiguous()
    torch.testing.assert_close(_onednn.OneDNNLinear(linear)(x), linear(x), rtol=1e-5, atol=1e-5)


def _tiny_llama():
    torch.manual_seed(0)
    config = transformers.LlamaConfig(vocab_size=300, hidden_size=64, intermediate_size=128,
                                      num_hidden_layers=2, num_attention_heads=4,
                                      num_key_value_heads=2, max_position_embeddings=512,
                                      tie_word_embeddings=True)
    return transformers.LlamaForCausalLM(config).eval()


def test_swapping_a_model_keeps_its_logits_and_greedy_tokens():
    model = _tiny_llama()
    linears = sum(isinstance(m, torch.nn.Linear) for m in model.modules())
    ids = torch.randint(3, 300, (2, 40))
    with torch.no_grad():
        want = model(input_ids=ids).logits
        greedy = model.generate(ids[:1], max_new_tokens=8, do_sample=False, pad_token_id=0)
    assert _onednn.use_onednn_linears(model) == linears == 2 * 7 + 1  # 7 per layer, the head
    assert not any(isinstance(m, torch.nn.Linear) for m in model.modules())
    with torch.no_grad():
        got = model(input_ids=ids).logits
        assert model.generate(ids[:1], max_new_tokens=8, do_sample=False, pad_token_id=0).tolist() == greedy.tolist()
    torch.testing.assert_close(got, want, rtol=1e-4, atol=1e-4)
    assert _onednn.use_onednn_linears(model) == 0  # nothing left to swap


def test_layers_that_are_not_float32_stay_as_they_are():
    model = torch.nn.Sequential(torch.nn.Linear(4, 4).to(torch.bfloat16), torch.nn.Linear(4, 4))
    assert _onednn.use_onednn_linears(model) == 1
    assert isinstance(model[0], torch.nn.Linear) and isinstance(model[1], _onednn.OneDNNLinear)


def test_the_backend_applies_cpu_matmul_onednn(tmp_path, monkeypatch):
    monkeypatch.setenv("HARNESS_CACHE_DIR", str(tmp_path / "cache"))
    directory = tmp_path / "tiny-llama"
    _tiny_llama().save_pretrained(directory)
    words = tokenizers.Tokenizer(tokenizers.models.WordLevel(vocab={"<unk>": 0, "a": 1}, unk_token="<unk>"))
    tokenizer = transformers.PreTrainedTokenizerFast(tokenizer_object=words, unk_token="<unk>", eos_token="<unk>")
    tokenizer.save_pretrained(directory)
    loaded = {}
    for choice in ("torch", "onednn"):
        config = TransformersModel(name="tiny", backend="transformers", model=str(directory), threads=1,
                                   cpu_matmul=choice)
        backend = TransformersBackend(config)
        backend.load()
        loaded[choice] = backend
    kinds = {choice: {type(m).__name__ for m in b.model.modules()} for choice, b in loaded.items()}
    assert "Linear" in kinds["torch"] and "OneDNNLinear" not in kinds["torch"]
    assert "OneDNNLinear" in kinds["onednn"] and "Linear" not in kinds["onednn"]
    ids = torch.randint(3, 300, (1, 30))
    with torch.no_grad():
        torch.testing.assert_close(loaded["onednn"].model(input_ids=ids).logits,
                                   loaded["torch"].model(input_ids=ids).logits, rtol=1e-4, atol=1e-4)
    # the choice changes rounding only: it is not part of the prediction cache's key
    assert loaded["torch"].config.output_options() == loaded["onednn"].config.output_options()
