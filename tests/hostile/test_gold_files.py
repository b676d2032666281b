"""Gold files that are not plain files: FIFOs, devices, links out of the gold directory, files
over the size cap, a UTF-8 byte order mark. Each is one clear Problem, and nothing blocks.

Commands that could hang or exhaust memory on such a file run as subprocesses with a timeout
(and a memory limit), so a hang is a failed test, not a stuck one.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest
import yaml

from harness.gold import GoldInvalid, gold_hash, import_items, validate_gold
from support.hostile import ARTICLE, GOLD, REPO, assert_no_crash, assert_one_line, copy_gold, fresh_dir, run_cli

QA_FILE = f"{ARTICLE}/qa.jsonl"
BOM_MESSAGE = "starts with a UTF-8 byte order mark; save the file as UTF-8 without BOM"
NOT_REGULAR = "not a regular file ({}); gold files must be regular files"
MEMORY_LIMIT = 3 << 30  # the review's MemoryError appeared under a 3 GB cap
SECRET = "SECRET-7f3a-outside-the-gold-directory"


def harness(*args, timeout: float = 60, env: dict | None = None, memory: int | None = MEMORY_LIMIT):
    """`harness ARGS` as a subprocess of this checkout, under a memory limit; a hang fails the test."""
    def limit_memory():
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    full_env = {**os.environ, "PYTHONPATH": str(REPO), **(env or {})}
    try:
        return subprocess.run([sys.executable, "-m", "harness.cli", *map(str, args)], capture_output=True,
                              text=True, timeout=timeout, env=full_env, preexec_fn=limit_memory if memory else None)
    except subprocess.TimeoutExpired:
        pytest.fail(f"`harness {' '.join(map(str, args))}` hung for {timeout} s")


def one_problem(result: subprocess.CompletedProcess, path: Path, message: str) -> None:
    """`gold validate` exited 1 listing exactly this problem, without a traceback."""
    assert_no_crash(result.stdout, result.stderr)
    assert result.returncode == 1, result.stdout + result.stderr
    assert result.stdout.splitlines()[:-1] == [f"{path}: {message}"], result.stdout


def regular_files(root: Path) -> dict[str, bytes]:
    """The regular files under `root` (a FIFO is left unread), for before/after comparisons."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and not p.is_symlink()}


def lead_config(tmp_path: Path, gold: Path) -> Path:
    config = {"name": "leak", "gold": str(gold), "tasks": {"qa": {}, "summarization": {"styles": ["headline"]}},
              "models": [{"name": "lead", "backend": "lead"}], "bootstrap": {"resamples": 20}}
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(config))
    return path


# -- not regular files -----------------------------------------------------------------------------

@pytest.fixture
def fifo_gold(tmp_path) -> Path:
    gold = copy_gold(tmp_path)
    (gold / QA_FILE).unlink()
    os.mkfifo(gold / QA_FILE)
    return gold


def test_a_fifo_is_a_problem_for_validate_not_a_hang(fifo_gold):
    one_problem(harness("gold", "validate", "--gold", fifo_gold), fifo_gold / QA_FILE,
                NOT_REGULAR.format("a named pipe"))


def test_a_fifo_stops_harness_run_with_exit_1_not_a_hang(fifo_gold, tmp_path):
    result = harness("run", lead_config(tmp_path, fifo_gold), "--output", tmp_path / "out", "--no-cache",
                     env={"HARNESS_CACHE_DIR": str(tmp_path / "cache")}, timeout=120, memory=None)
    assert_no_crash(result.stdout, result.stderr)
    assert result.returncode == 1, result.stderr
    assert result.stderr.splitlines()[-1].startswith(
        f"error: invalid gold set: {fifo_gold / QA_FILE}: {NOT_REGULAR.format('a named pipe')}"), result.stderr
    assert not (tmp_path / "out" / "report.json").exists()


def test_a_fifo_refuses_add_qa_at_once_instead_of_hanging_with_the_lock_held(fifo_gold):
    before = regular_files(fifo_gold)
    args = ["gold", "add-qa", "--gold", fifo_gold, "--article", ARTICLE, "--question", "Who met whom?",
            "--answer", "Putin", "--evidence", "Putin", "--type", "person"]
    result = harness(*args)
    assert_no_crash(result.stdout, result.stderr)
    assert result.returncode == 1, result.stderr
    assert result.stderr.splitlines()[-1] == ("error: not added: the gold set is already invalid, gold files "
                                              f"unchanged: {fifo_gold / QA_FILE}: {NOT_REGULAR.format('a named pipe')}")
    assert regular_files(fifo_gold) == before and stat.S_ISFIFO(os.lstat(fifo_gold / QA_FILE).st_mode)


def test_a_device_file_is_a_problem(tmp_path):
    gold = copy_gold(tmp_path)
    (gold / QA_FILE).unlink()
    try:
        os.mknod(gold / QA_FILE, 0o600 | stat.S_IFCHR, os.makedev(1, 5))  # /dev/zero's numbers
    except PermissionError:
        pytest.skip("creating a device file needs CAP_MKNOD")
    one_problem(harness("gold", "validate", "--gold", gold), gold / QA_FILE, NOT_REGULAR.format("a character device"))


def test_a_file_swapped_for_a_fifo_while_being_read_never_hangs(tmp_path):
    """qa.jsonl is renamed back and forth between a regular file and a FIFO while a child validates
    it 200 times: the child sees both, and each read ends (the type is checked on the open file)."""
    gold = copy_gold(tmp_path)
    folder = gold / ARTICLE
    os.link(folder / "qa.jsonl", folder / ".regular")
    os.mkfifo(folder / ".fifo")
    stop = threading.Event()

    def swap():
        while not stop.is_set():
            for source in (".fifo", ".regular"):
                os.link(folder / source, folder / ".next")
                os.replace(folder / ".next", folder / "qa.jsonl")
    swapper = threading.Thread(target=swap)
    swapper.start()
    child = ("import sys\nfrom harness.gold import validate_gold\n"
             "print(sorted({bool(validate_gold(sys.argv[1])) for _ in range(200)}))")
    try:
        result = subprocess.run([sys.executable, "-c", child, str(gold)], capture_output=True, text=True,
                                timeout=120, env={**os.environ, "PYTHONPATH": str(REPO)})
    except subprocess.TimeoutExpired:
        pytest.fail("validation hung on a file swapped for a FIFO")
    finally:
        stop.set()
        swapper.join()
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[False, True]", "both the regular file and the FIFO were seen"


# -- the size cap --------------------------------------------------------------------------------

def test_files_over_the_cap_are_a_problem_and_the_cap_is_configurable(tmp_path, monkeypatch):
    gold = copy_gold(tmp_path)
    largest = max((p for p in (gold / ARTICLE).iterdir()), key=lambda p: p.stat().st_size)
    size = largest.stat().st_size
    monkeypatch.setenv("HARNESS_GOLD_MAX_FILE_BYTES", str(size))
    assert validate_gold(gold) == []
    monkeypatch.setenv("HARNESS_GOLD_MAX_FILE_BYTES", str(size - 1))
    expected = (f"larger than the cap of {size - 1} bytes (set HARNESS_GOLD_MAX_FILE_BYTES to raise it)")
    assert [(p.path, p.message) for p in validate_gold(gold)] == [(str(largest), expected)]


@pytest.mark.parametrize("value", ["lots", "0", "-5", "1.5"])
def test_a_bad_cap_is_a_usage_error(tmp_path, capsys, monkeypatch, value):
    monkeypatch.setenv("HARNESS_GOLD_MAX_FILE_BYTES", value)
    code, out, err = run_cli(capsys, ["gold", "validate", "--gold", GOLD])
    assert code == 2 and out == ""
    assert err == f"error: HARNESS_GOLD_MAX_FILE_BYTES must be a positive whole number of bytes, got '{value}'\n"


def test_dev_zero_as_an_import_file_stops_at_the_default_cap(tmp_path):
    gold = copy_gold(tmp_path)
    result = harness("gold", "import", "--gold", gold, "/dev/zero")
    assert_no_crash(result.stdout, result.stderr)
    assert result.returncode == 2, result.stderr
    assert result.stderr == ("error: cannot read import file /dev/zero: larger than the cap of 67108864 bytes "
                             "(set HARNESS_GOLD_MAX_FILE_BYTES to raise it)\n")


def test_an_import_file_may_be_a_pipe(tmp_path):
    """Unlike gold files, an import file may be a pipe (`harness gold import <(...)`): it is read
    before the gold directory is locked."""
    gold = copy_gold(tmp_path)
    item = {"article": ARTICLE, "question": "Which leader hosted the talks?", "answers": ["Putin"],
            "evidence": ["Putin"], "type": "person"}
    fifo = fresh_dir(tmp_path) / "items.jsonl"
    os.mkfifo(fifo)

    def write():
        with open(fifo, "wb") as pipe:
            pipe.write(json.dumps(item).encode() + b"\n")
    writer = threading.Thread(target=write)
    writer.start()
    result = harness("gold", "import", "--gold", gold, "--dry-run", fifo)
    writer.join(timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("would add: ") and '"question": "Which leader hosted the talks?"' in result.stdout


# -- links out of the gold directory ---------------------------------------------------------------

def test_dev_zero_behind_a_link_is_refused_without_reading_it(tmp_path):
    gold = copy_gold(tmp_path)
    summaries = gold / ARTICLE / "summaries.jsonl"
    summaries.unlink()
    summaries.symlink_to("/dev/zero")
    one_problem(harness("gold", "validate", "--gold", gold), summaries,
                "resolves to /dev/zero, outside the gold directory; only links that stay inside it are followed")


@pytest.fixture
def leak(tmp_path) -> tuple[Path, Path]:
    """A gold copy whose article.txt links to a file outside it: a secret, then the real text
    (a valid article: before the fix it validated, and the lead baseline's headline carried the
    secret into predictions.jsonl and both reports)."""
    gold = copy_gold(tmp_path)
    outside = fresh_dir(tmp_path) / "private.txt"
    outside.write_text(f"{SECRET}. " + (GOLD / ARTICLE / "article.txt").read_text())  # in the lead summary
    (gold / ARTICLE / "article.txt").unlink()
    (gold / ARTICLE / "article.txt").symlink_to(outside)
    return gold, outside


def test_an_article_linked_out_of_the_gold_directory_is_refused(leak, capsys):
    gold, outside = leak
    message = f"resolves to {outside}, outside the gold directory; only links that stay inside it are followed"
    assert [(p.path, p.message) for p in validate_gold(gold)] == [(str(gold / ARTICLE / "article.txt"), message)]
    code, out, err = run_cli(capsys, ["gold", "validate", "--gold", gold])
    assert code == 1 and out.splitlines()[0] == f"{gold / ARTICLE / 'article.txt'}: {message}"
    with pytest.raises(GoldInvalid):
        gold_hash(gold)


def test_harness_run_never_sees_text_linked_from_outside(leak, tmp_path, capsys, monkeypatch):
    gold, _ = leak
    monkeypatch.setenv("HARNESS_CACHE_DIR", str(tmp_path / "cache"))
    output = tmp_path / "out"
    code, out, err = run_cli(capsys, ["run", lead_config(tmp_path, gold), "--output", output, "--no-cache"])
    assert_no_crash(out, err)
    assert code == 1 and "outside the gold directory" in err, err
    written = [p.read_bytes() for p in output.rglob("*") if p.is_file()] if output.exists() else []
    assert not any(SECRET.encode() in data for data in written) and SECRET not in out + err


def test_an_article_directory_linked_out_of_the_gold_directory_is_refused(tmp_path):
    gold = copy_gold(tmp_path)
    outside = fresh_dir(tmp_path) / ARTICLE
    shutil.move(gold / ARTICLE, outside)
    (gold / ARTICLE).symlink_to(outside, target_is_directory=True)
    problems = [(p.path, p.message) for p in validate_gold(gold)]
    linked = (str(gold / ARTICLE), f"resolves to {outside}, outside the gold directory; "
                                   "only links that stay inside it are followed")
    assert linked in problems  # the other articles stay; with none left, "no articles" is said too
    assert set(problems) - {linked} <= {(str(gold), "no articles: expected directories gold/<article-id>/")}


def test_links_that_stay_inside_the_gold_directory_are_followed(tmp_path):
    """The article directory and its article.txt are both links, to places inside gold/ (dot
    directories, which are not gold data themselves): same set, same hash."""
    gold = copy_gold(tmp_path)
    (gold / ".store").mkdir()
    shutil.move(gold / ARTICLE / "article.txt", gold / ".store" / "article.txt")
    (gold / ARTICLE / "article.txt").symlink_to("../.store/article.txt")
    shutil.move(gold / ARTICLE, gold / ".article")
    (gold / ARTICLE).symlink_to(".article", target_is_directory=True)
    assert validate_gold(gold) == []
    assert gold_hash(gold) == gold_hash(GOLD)


def test_a_link_loop_inside_an_article_is_one_problem(tmp_path):
    gold = copy_gold(tmp_path)
    (gold / ARTICLE / "again").symlink_to("..", target_is_directory=True)
    assert [(p.path, p.message) for p in validate_gold(gold)] == [
        (str(gold / ARTICLE / "again"), "a link to a directory that contains it (a loop)")]


# -- byte order marks ------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["article.txt", "meta.json", "qa.jsonl", "summaries.jsonl"])
def test_a_byte_order_mark_is_refused_in_every_gold_file(tmp_path, capsys, name):
    gold = copy_gold(tmp_path)
    path = gold / ARTICLE / name
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert [str(p) for p in validate_gold(gold)] == [f"{path}:1: {BOM_MESSAGE}"]
    code, out, err = run_cli(capsys, ["gold", "validate", "--gold", gold])
    assert code == 1 and out.splitlines()[0] == f"{path}:1: {BOM_MESSAGE}"


def test_a_byte_order_mark_is_refused_in_an_import_file(tmp_path, monkeypatch):
    gold = copy_gold(tmp_path)
    monkeypatch.chdir(gold.parent)
    items = gold.parent / "items.jsonl"
    items.write_bytes(b"\xef\xbb\xbf" + json.dumps({"article": ARTICLE, "style": "headline",
                                                    "text": "Kim meets Putin"}).encode() + b"\n")
    before = regular_files(gold)
    with pytest.raises(GoldInvalid) as caught:
        import_items(gold, items)
    assert caught.value.exit_code == 1
    assert caught.value.message == f"nothing imported: items.jsonl:1: {BOM_MESSAGE}"
    assert regular_files(gold) == before


# -- numbers Python will not convert ---------------------------------------------------------------

def test_a_number_with_thousands_of_digits_is_a_problem(tmp_path, capsys):
    gold = copy_gold(tmp_path)
    qa = gold / QA_FILE
    qa.write_bytes(qa.read_bytes() + b'{"id": ' + b"1" * 5000 + b"}\n")
    line = qa.read_bytes().count(b"\n")
    problems = [str(p) for p in validate_gold(gold)]
    assert problems == [f"{qa}:{line}: not JSON that can be read: a number with too many digits"]
    code, out, err = run_cli(capsys, ["gold", "validate", "--gold", gold])
    assert_no_crash(out, err)
    assert code == 1
    for text in out.splitlines():
        assert_one_line(text)

