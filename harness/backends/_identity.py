"""What identifies a transformers model's outputs before it is loaded: weights hashes."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from harness.backends._gguf import file_sha256


def weights_sha256(directory: Path) -> str | None:
    """sha256 of a local model's weights: the file's, or a hash over several files' hashes."""
    files = sorted(directory.glob("*.safetensors")) or sorted(directory.glob("*.bin"))
    if not files:
        return None
    hashes = [file_sha256(f) for f in files]
    if len(hashes) == 1:
        return hashes[0]
    listing = "".join(f"{f.name}:{h}\n" for f, h in zip(files, hashes))
    return hashlib.sha256(listing.encode()).hexdigest()


def model_identity(ref: str, revision: str | None) -> dict[str, Any]:
    """Identity of a hub id or local dir, without loading it (the runner asks before load)."""
    path = Path(ref).expanduser()
    if path.is_dir():
        directory = path.resolve()
        return {"model_ref": str(directory), "revision": revision,
                "model_sha256": weights_sha256(directory)}
    snapshot = _cached_snapshot(ref, revision)
    return {"model_ref": ref, "revision": snapshot.name if snapshot else revision,
            "model_sha256": weights_sha256(snapshot) if snapshot else None}


def _cached_snapshot(repo_id: str, revision: str | None) -> Path | None:
    """The hub cache's snapshot dir (named by commit hash) of a model downloaded before."""
    try:
        from huggingface_hub import try_to_load_from_cache

        found = try_to_load_from_cache(repo_id, "config.json", revision=revision)
    except Exception:  # an id the hub client rejects: from_pretrained will say why at load
        return None
    return Path(found).parent if isinstance(found, str) else None
