"""The seq2seq path of the transformers backend, on a tiny random T5 saved to a temp dir."""

from __future__ import annotations

import pytest

from harness.backends import Request, create_backend
from harness.backends import GenerationOptions
from harness.backends.transformers import TransformersModel
from harness.errors import HarnessError

WORDS = "the a summit talks leader who met where when what in on at of and".split()


def _tiny_tokenizer():
    from tokenizers import Tokenizer, models, pre_tokenizers, processors
    from transformers import PreTrainedTokenizerFast

    vocab = {w: i for i, w in enumerate(["<pad>", "</s>", "<unk>", *WORDS])}
    tok = Tokenizer(models.WordLevel(vocab=vocab, unk_token="<unk>"))
    tok.pre_tokenizer = pre_tokenizers.Whitespace()
    tok.post_processor = processors.TemplateProcessing(
        single="$A </s>", special_tokens=[("</s>", 1)]
    )
    return PreTrainedTokenizerFast(
        tokenizer_object=tok, pad_token="<pad>", eos_token="</s>", unk_token="<unk>"
    )


@pytest.fixture(scope="module")
def tiny_t5_dir(tmp_path_factory):
    import torch
    from transformers import T5Config, T5ForConditionalGeneration

    directory = tmp_path_factory.mktemp("tiny-t5")
    tokenizer = _tiny_tokenizer()
    config = T5Config(
        vocab_size=len(tokenizer), d_model=32, d_ff=64, d_kv=16, num_heads=2, num_layers=2,
        num_decoder_layers=2, pad_token_id=0, eos_token_id=1, decoder_start_token_id=0,
    )
    torch.manual_seed(0)
    T5ForConditionalGeneration(config).save_pretrained(directory)
    tokenizer.save_pretrained(directory)
    return directory


def test_tiny_t5_loads_as_seq2seq_and_generates(tiny_t5_dir, tmp_path, monkeypatch):
    monkeypatch.setenv("HARNESS_CACHE_DIR", str(tmp_path / "cache"))
    config = TransformersModel(
        name="tiny-t5", backend="transformers", model=str(tiny_t5_dir), batch_size=2, threads=1
    )
    backend = create_backend(config)
    identity = backend.identity()
    assert identity["model_ref"] == str(tiny_t5_dir.resolve())
    assert len(identity["model_sha256"]) == 64
    backend.load()
    assert backend.identity() == identity
    requests = [
        Request(id="a-q001", task="qa", prompt="who met in the summit", overlap_query="who met"),
        Request(id="a/headline", task="summarization", prompt="the leader met", lead_sentences=1),
        Request(id="a/short", task="summarization", prompt="talks", system="the summit"),
    ]
    results = {r.id: r for r in backend.generate(requests, GenerationOptions(max_new_tokens=5))}

    assert set(results) == {"a-q001", "a/headline", "a/short"}
    for result in results.values():
        assert result.error is None
        assert isinstance(result.text, str)
        assert result.prompt_tokens >= 2
        assert 0 <= result.completion_tokens <= 5  # random weights may emit pad/eos at once
    assert any(result.text for result in results.values())
    info = backend.runtime_info()
    assert info["model_class"] == "T5ForConditionalGeneration"
    assert info["device"] == "cpu" and info["dtype"] == "float32" and info["threads"] == 1
    backend.close()


def test_prompt_longer_than_context_is_an_item_error(tiny_t5_dir, tmp_path, monkeypatch):
    monkeypatch.setenv("HARNESS_CACHE_DIR", str(tmp_path / "cache"))
    config = TransformersModel(
        name="tiny-t5", backend="transformers", model=str(tiny_t5_dir), threads=1, max_context=5
    )
    backend = create_backend(config)
    backend.load()
    requests = [
        Request(id="long", task="qa", prompt="who met in the summit and where"),
        Request(id="short", task="qa", prompt="who met"),
    ]
    results = {r.id: r for r in backend.generate(requests, GenerationOptions(max_new_tokens=2))}

    assert results["long"].text is None
    assert "exceeds the model's context of 5 tokens" in results["long"].error
    assert results["long"].prompt_tokens == 8
    assert results["short"].error is None and isinstance(results["short"].text, str)


def test_unavailable_hub_model_is_a_harness_error(tmp_path, monkeypatch, caplog):
    import huggingface_hub.constants

    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_OFFLINE", True)  # read at import
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    config = TransformersModel(name="hub", backend="transformers", model="no-such-org/no-such-model",
                               trust_remote_code=True, threads=1)
    with pytest.raises(HarnessError, match="model hub: cannot load 'no-such-org/no-such-model'"):
        create_backend(config).load()
    assert [r.levelname for r in caplog.records if "trust_remote_code is on" in r.getMessage()] == ["WARNING"]
