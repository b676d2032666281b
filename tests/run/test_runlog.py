"""The run log on --resume: a line that is not JSON, in the middle of the log, and a record
edited by hand are misses (their items are generated again), never a stop, never reused
(issue 23, item 13)."""

from __future__ import annotations

import json

from harness.run._runlog import RUN_LOG_NAME, RunLog, read_run_log


def _record(number: int, prediction: str = "Tokyo") -> dict:
    return {"model": "m", "task": "qa", "id": f"item-{number}", "prediction": prediction, "completion_tokens": 3}


def _log(tmp_path, records: list[dict]):
    path = tmp_path / RUN_LOG_NAME
    log = RunLog(path)
    log.append_batch(records)
    log.close()
    return path


def test_records_come_back_as_they_were_appended(tmp_path):
    records = [_record(1), _record(2, "Ōsaka \u2028 line")]
    assert list(read_run_log(_log(tmp_path, records)).values()) == records


def test_a_line_that_is_not_json_in_the_middle_is_a_miss_not_a_stop(tmp_path):
    path = _log(tmp_path, [_record(1), _record(2), _record(3)])
    lines = path.read_bytes().split(b"\n")
    lines[1] = b"this is not json {"
    path.write_bytes(b"\n".join(lines))
    assert sorted(read_run_log(path)) == [("m", "qa", "item-1"), ("m", "qa", "item-3")]


def test_a_prediction_edited_by_hand_is_a_miss(tmp_path):
    path = _log(tmp_path, [_record(1), _record(2)])
    edited = [json.loads(line) for line in path.read_text().splitlines()]
    edited[0]["prediction"] = "Kyoto"
    path.write_text("".join(json.dumps(line) + "\n" for line in edited))
    assert list(read_run_log(path)) == [("m", "qa", "item-2")]


def test_a_record_without_a_checksum_or_not_a_record_is_a_miss(tmp_path):
    path = _log(tmp_path, [_record(1)])
    with open(path, "a") as file:
        file.write(json.dumps(_record(2)) + "\n")
        file.write("[1, 2]\n" + json.dumps({"model": 5, "task": "qa", "id": "x"}) + "\n")
    assert list(read_run_log(path)) == [("m", "qa", "item-1")]
