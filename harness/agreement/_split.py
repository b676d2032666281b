"""The development / held-out split of judged answers, by question.

A question's part is fixed by a hash of the question text (lower-cased, whitespace collapsed)
with the salt SALT: the first 8 bytes of SHA-256 as a number, modulo 3; 0 and 1 are "dev"
(two thirds), 2 is "heldout". Every answer to one question falls in the same part, and the
split does not depend on the file's order or on which other questions it holds. The rules of
`correct` were developed on the dev part of EVOUNA-NQ only.
"""

from __future__ import annotations

import hashlib

SALT = "harness-agreement-split-v1"
SPLITS = ("dev", "heldout")


def split_of(question: str) -> str:
    """"dev" or "heldout" for a question (see the module doc)."""
    key = " ".join(question.lower().split())
    digest = hashlib.sha256(f"{SALT}\n{key}".encode("utf-8", "surrogatepass")).digest()
    return "heldout" if int.from_bytes(digest[:8], "big") % 3 == 2 else "dev"
