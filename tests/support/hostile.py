"""Shared pieces of the hostile-input tests: a deterministic hypothesis profile, strategies for
hostile JSON values and byte mutations, and the checks every failure must pass (the harness's
own error, one line, the documented exit code, no traceback)."""

from __future__ import annotations

import functools
import inspect
import json
import os
import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from harness.cli import main

REPO = Path(__file__).resolve().parents[2]
GOLD = REPO / "gold"
ARTICLE = "kim-putin-talks"

# Deterministic in CI: the same examples on every run, no example database.
HOSTILE = settings(
    derandomize=True, database=None, deadline=None, max_examples=100,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                           HealthCheck.data_too_large],
)
# For properties that run a whole command (an evaluation run) per example.
HOSTILE_CLI = settings(HOSTILE, max_examples=30)

# Characters that break naive code: NUL, controls, lone surrogates, bidi overrides, line
# separators JSON allows raw, look-alike slashes, Markdown/HTML markup.
NASTY_CHARS = ["\0", "\x1b", "\r", "\n", "\t", "\x85", "\u2028", "\u2029", "\ud800", "\udfff",
               "\u202e", "\u200f", "\ufeff", "\uff0f", "\u2215", "|", "`", "<", ">", "&", "\\", '"']
NASTY_TEXT = st.text(st.one_of(st.characters(), st.sampled_from(NASTY_CHARS)), max_size=40)
NASTY_STRINGS = st.one_of(
    NASTY_TEXT,
    st.sampled_from(["", " ", "x" * 100_000, "../../etc/passwd", "/etc/passwd", "NaN", "1e999",
                     "<script>alert(1)</script>", "| a | b |", "0.5", "-1"]),
)
NUMBERS = st.one_of(
    st.integers(), st.sampled_from([0, -1, 2**63, 10**400, -(10**400)]),
    st.floats(allow_nan=True, allow_infinity=True), st.sampled_from([1e308, -1e308, 5e-324]),
)
JSON_VALUES = st.recursive(
    st.one_of(st.none(), st.booleans(), NUMBERS, NASTY_STRINGS),
    lambda inner: st.one_of(st.lists(inner, max_size=4),
                            st.dictionaries(NASTY_TEXT, inner, max_size=4)),
    max_leaves=12,
)


def dump_json(value: object, ascii_only: bool) -> bytes:
    """JSON text of any value: NaN/Infinity as Python writes them, lone surrogates escaped
    when `ascii_only`, else written raw with surrogateescape-free replacement bytes."""
    text = json.dumps(value, ensure_ascii=ascii_only, allow_nan=True)
    return text.encode("utf-8", errors="surrogatepass")


@st.composite
def mutated_bytes(draw, original: bytes) -> bytes:
    """`original` with one byte-level mutation: a flipped byte, truncation, inserted bytes
    (possibly invalid UTF-8), or a slice moved elsewhere."""
    kind = draw(st.sampled_from(["flip", "truncate", "insert", "splice"]))
    size = len(original)
    at = draw(st.integers(0, max(size - 1, 0)))
    if kind == "flip" and size:
        return original[:at] + bytes([original[at] ^ draw(st.integers(1, 255))]) + original[at + 1:]
    if kind == "truncate":
        return original[:at]
    if kind == "insert":
        junk = draw(st.one_of(st.binary(min_size=1, max_size=8),
                              st.sampled_from([b"\xff", b"\xc3", b"\xed\xa0\x80", b"\x00", b"\n", b"\r\n"])))
        return original[:at] + junk + original[at:]
    end = draw(st.integers(at, size))
    to = draw(st.integers(0, size))
    piece = original[at:end]
    rest = original[:at] + original[end:]
    return rest[:to] + piece + rest[to:]


@st.composite
def mutated_jsonl(draw, original: bytes) -> bytes:
    """A JSONL file with one mutation: a byte-level one, a line deleted or duplicated, or one
    field of one record set to a random JSON value (or removed)."""
    lines = original.split(b"\n")
    kind = draw(st.sampled_from(["bytes", "delete_line", "duplicate_line", "field", "field", "record"]))
    if kind == "bytes":
        return draw(mutated_bytes(original))
    index = draw(st.integers(0, max(len(lines) - 2, 0)))
    if kind == "delete_line":
        return b"\n".join(lines[:index] + lines[index + 1:])
    if kind == "duplicate_line":
        return b"\n".join(lines[:index + 1] + lines[index:])
    if kind == "record":
        lines[index] = dump_json(draw(JSON_VALUES), draw(st.booleans()))
        return b"\n".join(lines)
    record = json.loads(lines[index])
    key = draw(st.one_of(st.sampled_from(sorted(record)), NASTY_TEXT))
    if draw(st.integers(0, 4)) == 0:
        record.pop(key, None)
    else:
        record[key] = draw(JSON_VALUES)
    lines[index] = dump_json(record, draw(st.booleans()))
    return b"\n".join(lines)


def fresh_dir(parent: Path) -> Path:
    """A new empty directory per hypothesis example (tmp_path is shared by all of them)."""
    return Path(tempfile.mkdtemp(dir=parent))


def copy_gold(parent: Path) -> Path:
    """A private copy of the shipped gold set; returns its root."""
    root = fresh_dir(parent) / "gold"
    shutil.copytree(GOLD, root)
    return root


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file and directory under `root` (directories as b"<dir>") for before/after checks."""
    found = {}
    for current, dirs, files in os.walk(root):
        for name in dirs:
            found[os.path.relpath(os.path.join(current, name), root)] = b"<dir>"
        for name in files:
            path = os.path.join(current, name)
            found[os.path.relpath(path, root)] = b"<link>" if os.path.islink(path) else Path(path).read_bytes()
    return found


def run_cli(capsys, argv: list[str]) -> tuple[int, str, str]:
    """harness.cli.main in-process: (exit code, stdout, stderr); argparse exits count too."""
    capsys.readouterr()  # drop output of earlier examples
    try:
        code = main([str(a) for a in argv])
    except SystemExit as stop:
        code = stop.code if isinstance(stop.code, int) else 2
    out, err = capsys.readouterr()
    return code, out, err


def assert_no_crash(out: str, err: str) -> None:
    """No traceback and no 'internal error' (exit 3) in anything the command printed."""
    for text in (out, err):
        assert "Traceback" not in text, text[-2000:]
        assert "internal error" not in text, text[-2000:]


def assert_one_line(message: str) -> None:
    """A message a terminal shows as one line: no line breaks, nothing unprintable or unencodable."""
    assert message, "empty message"
    assert "\n" not in message and "\r" not in message, repr(message[:300])
    assert all(c.isprintable() for c in message), repr(message[:300])
    message.encode("utf-8")  # no lone surrogates


def error_lines(err: str) -> list[str]:
    """The stderr lines of a failed command, the last one being `error: ...`."""
    lines = err.rstrip("\n").split("\n")
    assert lines and lines[-1].startswith("error: "), err[-2000:]
    for line in lines:
        assert_one_line(line)
    return lines


class Outcomes:
    """How a property test's generated inputs were handled. A property "accepted or cleanly
    refused" also holds for code that refuses everything, so such a test also requires that
    a fair share of its inputs was accepted (see accepted_share)."""

    def __init__(self) -> None:
        self.accepted = self.refused = 0

    def add(self, accepted: bool) -> None:
        if accepted:
            self.accepted += 1
        else:
            self.refused += 1

    def assert_accepted_share(self, minimum: float) -> None:
        total = self.accepted + self.refused
        assert total and self.accepted / total >= minimum, (
            f"only {self.accepted} of {total} generated inputs were accepted (want >= {minimum:.0%})")


_RECORDING: list[Outcomes] = []


def accepted_share(minimum: float):
    """Put over a @given test whose body calls `accepted(flag)` once per example: after all the
    examples ran, at least `minimum` of them must have been accepted."""
    def decorate(test):
        @functools.wraps(test)
        def wrapper(*args, **kwargs):
            outcomes = Outcomes()
            _RECORDING.append(outcomes)
            try:
                test(*args, **kwargs)
            finally:
                _RECORDING.pop()
            if os.environ.get("HARNESS_SHOW_SHARES"):
                print(f"\n{test.__name__}: {outcomes.accepted} accepted, {outcomes.refused} refused")
            outcomes.assert_accepted_share(minimum)

        wrapper.__signature__ = inspect.signature(test)  # the fixtures pytest must pass, as @given left them
        return wrapper

    return decorate


def accepted(flag: bool) -> bool:
    """Record how the current example of an accepted_share test ended; returns `flag`."""
    _RECORDING[-1].add(bool(flag))
    return flag
