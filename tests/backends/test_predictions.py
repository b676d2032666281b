"""The predictions backend: replaying a JSONL file of predictions made elsewhere."""

from __future__ import annotations

import hashlib
import json

import pytest

from harness.backends import Request, create_backend
from harness.backends import GenerationOptions
from harness.backends.predictions import PredictionsModel
from harness.errors import HarnessError


def _backend(path):
    backend = create_backend(PredictionsModel(name="replay", backend="predictions", path=str(path)))
    backend.load()
    return backend


def _request(item_id):
    return Request(id=item_id, task="qa", prompt="")


def test_replays_predictions_and_reports_missing_items(tmp_path):
    path = tmp_path / "preds.jsonl"
    rows = [{"id": "a-q001", "prediction": "Putin"}, {"id": "a/headline", "prediction": "Kim\nmeets"}]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows) + "\n", encoding="utf-8")
    backend = _backend(path)
    requests = [_request("a-q001"), _request("a/headline"), _request("a-q002")]
    results = {r.id: r for r in backend.generate(requests, GenerationOptions())}

    assert results["a-q001"].text == "Putin" and results["a-q001"].error is None
    assert results["a/headline"].text == "Kim\nmeets"
    assert results["a-q002"].text is None
    assert results["a-q002"].error == f"missing from predictions file {path}"
    identity = backend.identity()
    assert identity["model_sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
    assert identity["model_ref"] == str(path)


@pytest.mark.parametrize(
    "line, message",
    [
        ("{not json", "not valid JSON"),
        ("[1, 2]", "expected an object"),
        ('{"id": "a-q001"}', '"id" and "prediction" must both be strings'),
        ('{"id": "a-q001", "prediction": 3}', '"id" and "prediction" must both be strings'),
        ('{"id": "a-q000", "prediction": "x"}', "duplicate id 'a-q000'"),
    ],
)
def test_bad_line_names_path_and_line(tmp_path, line, message):
    path = tmp_path / "preds.jsonl"
    path.write_text('{"id": "a-q000", "prediction": "ok"}\n\n' + line + "\n", encoding="utf-8")
    with pytest.raises(HarnessError) as caught:
        _backend(path)
    assert str(caught.value).startswith(f"{path}:3: ")
    assert message in str(caught.value)


def test_unreadable_file_is_a_harness_error(tmp_path):
    with pytest.raises(HarnessError, match="cannot read predictions file"):
        _backend(tmp_path / "absent.jsonl")
