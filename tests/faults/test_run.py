"""`harness run` under faults of its surroundings: two runs in one output directory, SIGTERM,
an output directory inside the gold directory, a dead server behind a CI gate, control
characters from a server, and a huge article with --limit.

Each runs the real command as a subprocess (or in-process through harness.cli.main), against
the lead baseline, a predictions file or the stand-in OpenAI-compatible server on loopback.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys

import pytest

from harness.cli import main
from harness.run._runlog import RUN_LOG_NAME
from support.faults import (
    CONTROL_CHARS, GOLD, StandInServer, fault_model, free_port, harness_command, harness_env, openai_model,
    read_jsonl, run_harness, start_harness, wait_for_log_lines, write_config,
)

N_QA = sum(1 for path in GOLD.glob("*/qa.jsonl") for line in path.read_text().splitlines() if line.strip())

# -- one run at a time in an output directory ------------------------------------------------------


@pytest.mark.slow
def test_a_second_run_or_a_resume_in_a_live_runs_output_directory_is_refused(tmp_path):
    cache = tmp_path / "cache"
    with StandInServer(delay=0.3) as server:  # every QA item, one at a time: the first run lasts 20 s or more
        config = write_config(tmp_path, [openai_model("a", server.base_url, max_concurrency=1)], {"qa": {}})
        out = tmp_path / "out"
        first = start_harness("run", config, "--output", out, "--no-cache", cache=cache)
        wait_for_log_lines(out / RUN_LOG_NAME, 1, first)
        refused = [run_harness("run", config, "--output", out, "--limit", "5", "--no-cache", cache=cache),
                   run_harness("run", config, "--output", out, "--resume", "--no-cache", cache=cache)]
        assert first.poll() is None, "the first run ended before the others were tried"
        server.delay = 0.0
        stdout, stderr = first.communicate(timeout=60)
        again = run_harness("run", config, "--output", out, "--limit", "5", "--no-cache", cache=cache)
    expected = (f"error: {out}: another harness run (pid {first.pid}) is using this output directory; "
                "wait for it to finish, or choose another --output")
    for done in refused:
        assert done.returncode == 2 and done.stderr.splitlines() == [expected], done.stderr
    assert first.returncode == 0, stderr
    assert again.returncode == 0, again.stderr  # the lock went with the first run
    assert server.requests == N_QA + 5  # the refused runs sent nothing


# -- SIGTERM ---------------------------------------------------------------------------------------


@pytest.mark.slow
def test_sigterm_stops_with_exit_143_and_a_resume_command_that_works(tmp_path):
    with StandInServer(delay=0.5) as server:
        config = write_config(tmp_path, [openai_model("a", server.base_url, max_concurrency=2)], {"qa": {}})
        out = tmp_path / "out"
        process = start_harness("run", config, "--output", out, "--no-cache", cache=tmp_path / "cache")
        wait_for_log_lines(out / RUN_LOG_NAME, 8, process)
        process.send_signal(signal.SIGTERM)
        stdout, stderr = process.communicate(timeout=30)
        assert process.returncode == 143, stderr
        message = stderr.strip().splitlines()[-1]
        assert message.startswith("error: terminated (SIGTERM); finished predictions are saved in "), message
        assert "Traceback" not in stderr
        resume = shlex.split(message.split("continue with: ", 1)[1])
        assert resume == ["harness", "run", str(config), "--output", str(out), "--resume"]
        kept = len(read_jsonl(out / RUN_LOG_NAME))
        server.delay = 0.0
        resumed = run_harness(*resume[1:], "--no-cache", cache=tmp_path / "cache")
    assert resumed.returncode == 0, resumed.stderr
    timing = json.loads((out / "report.json").read_text())["models"][0]["timing"]
    assert timing["resumed"] == kept >= 8 and timing["resumed"] + timing["generated"] == N_QA


# -- --output inside the gold directory --------------------------------------------------------------


def _tree(root) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*"))


@pytest.mark.parametrize("where", ["inside", "itself", "through-a-link"])
def test_an_output_directory_inside_the_gold_directory_is_refused_before_anything_is_written(tmp_path, where):
    gold = tmp_path / "gold"
    shutil.copytree(GOLD, gold)
    (tmp_path / "link").symlink_to(gold)
    config = write_config(tmp_path, [{"name": "lead", "backend": "lead"}], {"qa": {}})
    config.write_text(config.read_text().replace(str(GOLD), str(gold)))
    out = {"inside": gold / "reports", "itself": gold, "through-a-link": tmp_path / "link" / "out"}[where]
    before = _tree(gold)
    done = run_harness("run", config, "--output", out, "--limit", "2", cache=tmp_path / "cache")
    assert done.returncode == 2
    assert done.stderr.splitlines() == [
        f"error: output directory {out} is inside the gold directory {gold}; choose one outside it (--output DIR)"]
    assert _tree(gold) == before


# -- a CI gate on failed items ---------------------------------------------------------------------


def test_a_dead_server_fails_the_run_with_exit_1_and_the_report_is_still_written(tmp_path):
    dead = f"http://127.0.0.1:{free_port()}/v1"  # nothing listens there
    config = write_config(tmp_path, [openai_model("dead", dead, max_retries=0), {"name": "lead", "backend": "lead"}],
                          {"qa": {}})
    done = run_harness("run", config, "--output", tmp_path / "out", "--limit", "3", cache=tmp_path / "cache")
    assert done.returncode == 1, done.stderr
    assert done.stderr.splitlines()[-1] == (
        "error: model dead failed 3 of 3 qa items; a model that fails every item of a task fails the run "
        "(set a limit with --max-failed N|FRACTION)")
    report = json.loads((tmp_path / "out" / "report.json").read_text())
    assert [m["tasks"]["qa"]["failed"] for m in report["models"]] == [3, 0]
    allowed = run_harness("run", config, "--output", tmp_path / "out", "--limit", "3", "--max-failed", "1.0",
                          cache=tmp_path / "cache")
    assert allowed.returncode == 0, allowed.stderr


@pytest.mark.parametrize("max_failed, code", [(None, 0), ("0", 1), ("1", 1), ("2", 0), ("0.3", 1), ("0.4", 0),
                                              ("1.0", 0)])
def test_max_failed_counts_or_fractions_of_each_tasks_items(tmp_path, monkeypatch, capsys, max_failed, code):
    monkeypatch.setenv("HARNESS_CACHE_DIR", str(tmp_path / "cache"))
    ids = [json.loads(line)["id"] for line in (GOLD / "kim-putin-talks" / "qa.jsonl").read_text().splitlines()[:3]]
    replay = tmp_path / "replay.jsonl"  # 3 of the 5 items: 2 fail
    replay.write_text("".join(json.dumps({"id": i, "prediction": "Putin"}) + "\n" for i in ids))
    config = write_config(tmp_path, [{"name": "replay", "backend": "predictions", "path": str(replay)}], {"qa": {}})
    extra = [] if max_failed is None else ["--max-failed", max_failed]
    assert main(["run", str(config), "--output", str(tmp_path / "out"), "--limit", "5", *extra]) == code
    err = capsys.readouterr().err
    gate = [line for line in err.splitlines() if line.startswith("error: model replay failed 2 of 5 qa items")]
    assert len(gate) == (code == 1)
    assert (tmp_path / "out" / "report.json").exists()


@pytest.mark.parametrize("value", ["abc", "1.5", "-1", "", "0.1.2", "1e-3"])
def test_a_bad_max_failed_is_a_usage_error_before_anything_runs(tmp_path, monkeypatch, capsys, value):
    monkeypatch.setenv("HARNESS_CACHE_DIR", str(tmp_path / "cache"))
    config = write_config(tmp_path, [{"name": "lead", "backend": "lead"}], {"qa": {}})
    assert main(["run", str(config), "--output", str(tmp_path / "out"), "--max-failed", value]) == 2
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 1 and err[0].startswith("error: --max-failed: expected a number of items"), err
    assert not (tmp_path / "out").exists()


# -- control characters from a server ----------------------------------------------------------------

RAW = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


@pytest.mark.slow
def test_control_characters_from_a_server_reach_report_html_only_as_visible_escapes(tmp_path):
    with StandInServer() as server:
        config = write_config(tmp_path, [fault_model("control-chars", server.base_url)])
        done = run_harness("run", config, "--output", tmp_path / "out", "--limit", "2", cache=tmp_path / "cache")
    assert done.returncode == 0, done.stderr
    predictions = read_jsonl(tmp_path / "out" / "predictions.jsonl")
    assert {p["prediction"] for p in predictions} == {CONTROL_CHARS}  # kept as they came in the data file
    page = (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    assert not RAW.search(page), ascii(RAW.search(page).group())
    for shown in ("\\u0000", "\\u001b", "\\u0007", "\\u007f", "\\u0085", "\\u202e", "\\u2066"):
        assert shown in page, shown


# -- memory: a huge article with --limit ---------------------------------------------------------------

ARTICLE_BYTES = 30_000_000


# Run by a small parent of its own: a child's ru_maxrss starts from the memory of the process it
# was forked from (the pages it shares until exec), and pytest's may be larger than the run's.
MEASURE = ("import os, subprocess, sys; child = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL); "
           "_, status, usage = os.wait4(child.pid, 0); print(os.waitstatus_to_exitcode(status), usage.ru_maxrss)")


def _peak_rss_bytes(config, out, cache) -> int:
    """Peak resident memory of one `harness run --limit 2` subprocess."""
    done = subprocess.run([sys.executable, "-c", MEASURE,
                           *harness_command("run", config, "--output", out, "--limit", "2", "--no-cache")],
                          cwd=GOLD.parent, env=harness_env(cache), capture_output=True, text=True, timeout=120)
    code, kilobytes = map(int, done.stdout.split())
    assert code == 0, done.stderr
    return kilobytes * 1024  # kilobytes on Linux


def _gold_copy(root, article_bytes: int | None = None):
    """The shipped gold without its reference summaries (their paraphrase check against every
    sentence of the article takes minutes on a huge one), the article grown to `article_bytes`."""
    shutil.copytree(GOLD, root)
    for summaries in root.glob("*/summaries.jsonl"):
        summaries.unlink()
    article = root / "kim-putin-talks" / "article.txt"
    if article_bytes is not None:
        text = article.read_text(encoding="utf-8").rstrip("\n")
        filler = " ".join(["A paragraph that only makes the article long."] * 20)
        article.write_text(text + "\n\n" + "\n\n".join([filler] * (article_bytes // (len(filler) + 2))) + "\n",
                           encoding="utf-8")
    return article


@pytest.mark.slow
@pytest.mark.skipif(not hasattr(os, "wait4"), reason="needs wait4's per-child rusage")
def test_memory_of_a_limited_run_grows_with_the_items_it_runs_not_with_the_article(tmp_path):
    _gold_copy(tmp_path / "small")
    article = _gold_copy(tmp_path / "big", ARTICLE_BYTES)
    ids = [json.loads(line)["id"] for line in (GOLD / "kim-putin-talks" / "qa.jsonl").read_text().splitlines()[:2]]
    replay = tmp_path / "replay.jsonl"
    replay.write_text("".join(json.dumps({"id": i, "prediction": "Putin"}) + "\n" for i in ids))
    peaks = {}
    for name in ("small", "small", "big"):  # the small run twice: its lower peak is the base
        (tmp_path / f"config-{name}").mkdir(exist_ok=True)
        config = write_config(tmp_path / f"config-{name}",
                              [{"name": "replay", "backend": "predictions", "path": str(replay)}], {"qa": {}})
        config.write_text(config.read_text().replace(str(GOLD), str(tmp_path / name)))
        peak = _peak_rss_bytes(config, tmp_path / f"out-{name}", tmp_path / "cache")
        peaks[name] = min(peak, peaks.get(name, peak))
    size = article.stat().st_size
    # The gold set holds the article, and loading and validating it takes a few copies for a
    # moment: 6.7 article sizes here, the run's whole peak; the run adds one prompt at a time to
    # key the items, then the 2 prompts of the group it generates. Before the fix, every
    # selected prompt was held at once and keyed through a JSON copy of it: 9.4.
    over = peaks["big"] - peaks["small"]
    assert over < 8 * size, f"{over / size:.1f} article sizes over the small run's {peaks['small'] >> 20} MB"
