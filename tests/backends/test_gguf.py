"""Locating GGUF files (path, file inside an installed distribution, assemble()) and the
sha256 memo, on small real files; the real SmolLM2 file is in test_backend_transformers.py."""

from __future__ import annotations

import hashlib
import json

import pytest

from harness.backends._gguf import file_sha256, locate_gguf
from harness.files import cache_dir
from harness.backends.transformers import GGUFSource
from harness.errors import HarnessError


@pytest.fixture(autouse=True)
def harness_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("HARNESS_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache"


@pytest.fixture
def installed_dist(tmp_path, monkeypatch):
    """A tiny installed distribution 'tiny-gguf-pack' 2.0 whose assemble() writes a file."""
    site = tmp_path / "site"
    (site / "tiny_gguf_pack").mkdir(parents=True)
    (site / "tiny_gguf_pack" / "__init__.py").write_text(
        "def assemble(path):\n    open(path, 'wb').write(b'GGUF assembled')\n"
    )
    (site / "tiny_gguf_pack" / "model.gguf").write_bytes(b"GGUF shipped")
    info = site / "tiny_gguf_pack-2.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: tiny-gguf-pack\nVersion: 2.0\n")
    (info / "top_level.txt").write_text("tiny_gguf_pack\n")
    (info / "RECORD").write_text(
        "tiny_gguf_pack/__init__.py,,\ntiny_gguf_pack/model.gguf,,\n"
        "tiny_gguf_pack-2.0.dist-info/METADATA,,\n"
    )
    monkeypatch.syspath_prepend(str(site))
    return site


def test_file_inside_a_distribution(installed_dist):
    found = locate_gguf(GGUFSource(package="tiny-gguf-pack", file="model.gguf"))
    assert found.path.read_bytes() == b"GGUF shipped"
    assert (found.model_ref, found.revision) == ("pypi:tiny-gguf-pack/model.gguf", "2.0")


def test_assemble_writes_once_into_the_cache(installed_dist, harness_cache):
    source = GGUFSource(package="tiny-gguf-pack", assemble=True)
    found = locate_gguf(source)
    assert found.path == harness_cache / "gguf" / "tiny-gguf-pack-2.0.gguf"
    assert found.path.read_bytes() == b"GGUF assembled"
    assert (found.model_ref, found.revision) == ("pypi:tiny-gguf-pack", "2.0")
    found.path.write_bytes(b"kept")  # a second locate reuses the file
    assert locate_gguf(source).path.read_bytes() == b"kept"


@pytest.mark.parametrize(
    "source, message",
    [
        (GGUFSource(path="no/such.gguf"), "gguf.path: no such file"),
        (GGUFSource(package="no-such-dist-xyz", file="a.gguf"), "'no-such-dist-xyz' is not installed"),
        (GGUFSource(package="tiny-gguf-pack", file="other.gguf"), "not among the installed files"),
    ],
)
def test_errors_say_what_is_wrong(installed_dist, source, message):
    with pytest.raises(HarnessError, match=message):
        locate_gguf(source)


def test_sha256_is_memoized_by_path_size_and_mtime(tmp_path, harness_cache):
    path = tmp_path / "w.gguf"
    path.write_bytes(b"abc")
    assert file_sha256(path) == hashlib.sha256(b"abc").hexdigest()
    memo = json.loads((cache_dir() / "sha256.json").read_text())
    assert list(memo.values()) == [hashlib.sha256(b"abc").hexdigest()]
    path.write_bytes(b"abcd")  # new size: hashed again
    assert file_sha256(path) == hashlib.sha256(b"abcd").hexdigest()
