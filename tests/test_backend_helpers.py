"""Small pure helpers of the backends: prompts, stop strings, token counts, request bodies."""

from __future__ import annotations

from harness.backends import Request
from harness.backends._chat import chat_prompt, cut_at_stop, plain_prompt
from harness.backends.openai import backoff_delay, build_payload, parse_response
from harness.backends.transformers import completion_length
from harness.backends import GenerationOptions


class _TemplateTokenizer:
    chat_template = "x"

    def apply_chat_template(self, messages, tokenize, add_generation_prompt):
        assert tokenize is False and add_generation_prompt is True
        return "|".join(f"{m['role']}:{m['content']}" for m in messages) + "|assistant:"


def test_plain_prompt_and_chat_template():
    assert plain_prompt("Be brief.", "Q?") == "Be brief.\n\nQ?"
    assert plain_prompt(None, "Q?") == "Q?"
    assert chat_prompt(_TemplateTokenizer(), "S", "U") == ("system:S|user:U|assistant:", False)
    assert chat_prompt(_TemplateTokenizer(), None, "U") == ("user:U|assistant:", False)
    assert chat_prompt(object(), "S", "U") == ("S\n\nU", True)


def test_cut_at_the_earliest_stop_string():
    assert cut_at_stop("Paris.\nQuestion: next", ["Question:", "\n"]) == "Paris."
    assert cut_at_stop("Paris", ["\n", ""]) == "Paris"


def test_completion_length_counts_to_eos_and_drops_padding():
    assert completion_length([5, 6, 2, 2, 2], eos_ids={2}, pad_id=2) == 3
    assert completion_length([5, 6, 7], eos_ids={2}, pad_id=0) == 3
    assert completion_length([5, 0, 0], eos_ids={1}, pad_id=0) == 1


def test_completions_payload_and_response():
    request = Request(id="a-q001", task="qa", prompt="Q?", system="Be brief.")
    generation = GenerationOptions(max_new_tokens=9, temperature=0.7, top_p=0.9, seed=4)
    payload = build_payload("completions", "m", request, generation)
    assert payload == {"model": "m", "max_tokens": 9, "temperature": 0.7, "top_p": 0.9,
                       "seed": 4, "prompt": "Be brief.\n\nQ?"}
    body = {"choices": [{"text": " Paris", "finish_reason": "length"}]}
    result = parse_response("completions", "a-q001", body)
    assert (result.text, result.prompt_tokens, result.extra) == (" Paris", None,
                                                                  {"finish_reason": "length"})
    assert parse_response("chat", "a-q001", {"choices": []}).error.startswith("unexpected response")


def test_backoff_grows_and_is_capped():
    assert 0.25 <= backoff_delay(0) <= 0.5
    assert 2.0 <= backoff_delay(3) <= 4.0
    assert backoff_delay(30) <= 30.0


def test_missing_optional_package_gives_the_install_line():
    import pytest

    from harness.backends.transformers import _require
    from harness.errors import HarnessError

    with pytest.raises(HarnessError) as caught:
        _require("no_such_package_xyz")
    assert str(caught.value) == ("the transformers backend needs the 'no_such_package_xyz' "
                                 "package: pip install 'harness[transformers]'")
