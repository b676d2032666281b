"""Small pure helpers of the backends: prompts, stop strings, token counts, request bodies."""

from __future__ import annotations

import pytest

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


def test_mask_key_masks_the_key_and_any_start_of_it_of_eight_characters_or_more():
    from harness.backends.openai import mask_key

    key = "sk-abcdefghijklmnop"
    assert mask_key(f"Bearer {key}; again {key}.", key) == "Bearer ***; again ***."
    assert mask_key(f"cut: {key[:8]}| {key[:12]}x", key) == "cut: ***| ***x"
    assert mask_key(f"short: {key[:7]}", key) == f"short: {key[:7]}"  # too short to tell from text
    assert mask_key(f"{key}{key[:9]}", key) == "******"
    assert mask_key("anything", None) == "anything"


def test_retry_after_reads_seconds_and_http_dates():
    from email.utils import formatdate

    from harness.backends.openai import retry_after_s

    assert retry_after_s("3") == 3.0 and retry_after_s(" 1.5 ") == 1.5 and retry_after_s("-4") == 0.0
    assert retry_after_s(formatdate(1000.0 + 7, usegmt=True), now=1000.0) == 7.0
    assert retry_after_s("Wed, 21 Oct 2015 07:28:00 -0000", now=1445412480.0 + 5) == 0.0  # past: at once
    assert retry_after_s(None) is None and retry_after_s("soon") is None and retry_after_s("nan") is None


def _chat(message: dict, finish: str = "stop", **body) -> dict:
    return {"choices": [{"message": message, "finish_reason": finish}], **body}


@pytest.mark.parametrize("api, body, text, error", [
    ("chat", _chat({"content": [{"type": "text", "text": "Pa"}, {"type": "text", "text": "ris"}]}), "Paris", None),
    ("chat", _chat({"content": []}), "", None),
    ("chat", _chat({"content": ""}, usage=None), "", None),
    ("chat", _chat({"content": [{"type": "image_url"}]}), None,
     "unexpected response: a part of message.content of type image_url, not text"),
    ("chat", _chat({"content": [{"type": "refusal", "refusal": "No."}]}), None, "refused: No."),
    ("chat", _chat({"content": "Paris", "refusal": "No."}), None, "refused: No."),
    ("chat", _chat({"content": "Par"}, "content_filter"), None,
     "refused: the server's content filter stopped the answer (finish_reason content_filter)"),
    ("completions", {"choices": [{"text": None, "finish_reason": "content_filter"}]}, None,
     "refused: the server's content filter stopped the answer (finish_reason content_filter)"),
    ("chat", _chat({"content": None}), None, "unexpected response: message.content is null, not text"),
    ("chat", _chat({"content": {"a": 1}}), None, "unexpected response: message.content is dict {'a': 1}, not text"),
    ("chat", {"choices": [{"message": "Paris"}]}, None, "unexpected response: choices[0].message is not an object"),
    ("completions", {"choices": [{"text": ["Paris"]}]}, None,
     "unexpected response: choices[0].text is list ['Paris'], not text"),
    ("chat", _chat({"content": "Paris"}, usage=[1]), None, "unexpected response: usage is list, not an object"),
    ("chat", _chat({"content": "Paris"}, usage={"completion_tokens": -1}), None,
     "unexpected response: usage.completion_tokens is int -1, not a whole number"),
    ("chat", _chat({"content": "Paris"}, usage={"prompt_tokens": True}), None,
     "unexpected response: usage.prompt_tokens is bool True, not a whole number"),
    ("chat", [1, 2], None, "unexpected response: no choices[0] object"),
])
def test_a_response_is_text_or_a_one_line_reason(api, body, text, error):
    result = parse_response(api, "a-q001", body)
    assert (result.text, result.error) == (text, error)


def test_a_stop_string_counts_only_once_the_output_has_begun():
    from harness.backends._chat import cut_at_stop, has_stop

    assert cut_at_stop("\n Kim meets Putin\nmore", ["\n"]) == "Kim meets Putin"
    assert not has_stop("\n ", ["\n"]) and has_stop("\nKim\n", ["\n"])
    assert cut_at_stop("no stop here", ["###"]) == "no stop here"
