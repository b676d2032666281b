"""Disk full and unusable output directories: a one-line error with exit 2, old report files
whole, no temporary files left behind, and a run that ran out of space resumable.

Tests run as root, where permissions stop nothing, so an unwritable directory is a path under a
regular file, and a full disk is ENOSPC raised by os.write / os.fsync for the files concerned.
"""

from __future__ import annotations

import errno
import os
import pytest

from harness.cli import main
from harness.errors import HarnessError
from harness.files import write_atomic
from harness.run._runlog import RUN_LOG_NAME
from support.faults import N_ITEMS, read_jsonl, run_harness, write_config

LEAD = [{"name": "lead", "backend": "lead"}]
REPORT_FILES = ("report.json", "report.md", "report.html", "predictions.jsonl")


def _disk_full() -> OSError:
    return OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


def _fd_path(fd: int) -> str:
    return os.readlink(f"/proc/self/fd/{fd}")


@pytest.fixture(autouse=True)
def cache_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("HARNESS_CACHE_DIR", str(tmp_path / "cache"))


def fail_temp_file_fsync(monkeypatch) -> None:
    """From now on, fsync of any temporary file fails with ENOSPC, as on a full disk."""
    real = os.fsync

    def fsync(fd):
        if _fd_path(fd).endswith(".tmp"):
            raise _disk_full()
        return real(fd)

    monkeypatch.setattr(os, "fsync", fsync)


@pytest.mark.parametrize("below", ["file", "missing-under-file"])
def test_output_path_that_cannot_be_a_directory_is_a_one_line_error(tmp_path, below):
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("x")
    out = blocker if below == "file" else blocker / "out"
    done = run_harness("run", write_config(tmp_path, LEAD), "--output", out, cache=tmp_path / "cache")
    assert done.returncode == 2
    assert done.stderr.splitlines() == [f"error: {out}: cannot use as output directory: "
                                        f"{'File exists' if below == 'file' else 'Not a directory'}"]
    assert blocker.read_text() == "x"


def test_write_atomic_on_a_full_disk_keeps_the_old_file(tmp_path, monkeypatch):
    path = tmp_path / "report.json"
    path.write_bytes(b'{"old": true}\n')
    fail_temp_file_fsync(monkeypatch)
    with pytest.raises(HarnessError) as caught:
        write_atomic(path, '{"new": true}\n' * 1000)
    assert str(caught.value) == f"{path}: cannot write: No space left on device; the previous file is unchanged"
    assert path.read_bytes() == b'{"old": true}\n'
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.json"]


def test_a_rerun_on_a_full_disk_leaves_the_previous_report_files_whole(tmp_path, monkeypatch, capsys):
    config, out = write_config(tmp_path, LEAD), tmp_path / "out"
    assert main(["run", str(config), "--output", str(out)]) == 0
    before = {name: (out / name).read_bytes() for name in REPORT_FILES}
    capsys.readouterr()
    fail_temp_file_fsync(monkeypatch)

    assert main(["run", str(config), "--output", str(out)]) == 2
    message = capsys.readouterr().err.strip().splitlines()[-1]
    assert message.startswith(f"error: {out}/predictions.jsonl: cannot write: No space left on device")
    assert {name: (out / name).read_bytes() for name in REPORT_FILES} == before
    assert not [p for p in out.iterdir() if p.name.endswith(".tmp")]


def test_disk_full_while_appending_to_the_run_log_then_resume(tmp_path, monkeypatch, capsys):
    config = write_config(tmp_path, LEAD)
    assert main(["run", str(config), "--output", str(tmp_path / "clean"), "--no-cache"]) == 0
    out = tmp_path / "out"
    real_write, writes = os.write, []

    def write(fd, data):  # the third batch gets 30 bytes onto the disk, then the disk is full
        if not _fd_path(fd).endswith(RUN_LOG_NAME):
            return real_write(fd, data)
        writes.append(len(data))
        if len(writes) < 3:
            return real_write(fd, data)
        if len(writes) == 3:
            return real_write(fd, bytes(data)[:30])
        raise _disk_full()

    monkeypatch.setattr(os, "write", write)
    capsys.readouterr()
    assert main(["run", str(config), "--output", str(out), "--no-cache"]) == 2
    monkeypatch.setattr(os, "write", real_write)
    message = capsys.readouterr().err.strip().splitlines()[-1]
    assert message == (f"error: {out / RUN_LOG_NAME}: cannot append to the run log: No space left on device; "
                       "finished predictions up to here are kept: fix it, then rerun with --resume")
    assert not (out / "report.json").exists()
    assert not (out / RUN_LOG_NAME).read_bytes().endswith(b"\n")  # the torn line is there

    assert main(["run", str(config), "--output", str(out), "--resume", "--no-cache"]) == 0
    log = read_jsonl(out / RUN_LOG_NAME)
    assert len(log) == len({r["id"] for r in log}) == N_ITEMS
    assert read_jsonl(out / "predictions.jsonl") == read_jsonl(tmp_path / "clean" / "predictions.jsonl")
