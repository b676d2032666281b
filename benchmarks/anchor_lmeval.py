"""lm-evaluation-harness (`hf` backend, `generate_until`) on the benchmark's prompts: a worker.

Runs under an interpreter with `lm-eval[hf]` installed (see bench_generation.py
--lmeval-python); needs nothing of the harness. Reads a JSON job on stdin:
{"model_dir": a transformers model folder (the harness's converted GGUF weights), "dtype",
"threads", "batch_sizes": [...], "max_tokens", "until": [end-of-turn text], "prompts": [the
harness's rendered chat text, special tokens written out], "prompt_ids": [the harness's token
ids, to check lm-eval tokenizes the same]}. Prints one JSON line: per batch size, wall_s and
the texts, plus the lm-eval version and whether the token ids matched.

The prompts go in as lm-eval's contexts unchanged, and `until` is the end-of-turn token: with
lm-eval's default stop ("\\n\\n") answers would be cut.
"""

from __future__ import annotations

import json
import sys
import time
from typing import Any


def main() -> None:
    import torch
    from lm_eval import __version__
    from lm_eval.api.instance import Instance
    from lm_eval.models.huggingface import HFLM

    job = json.loads(sys.stdin.read())
    torch.set_num_threads(job["threads"])
    out: dict[str, Any] = {"version": __version__, "runs": {}}
    for size in job["batch_sizes"]:
        lm = HFLM(pretrained=job["model_dir"], batch_size=size, device="cpu", dtype=job["dtype"])
        out["same_token_ids"] = all(lm.tok_encode(p) == ids
                                    for p, ids in zip(job["prompts"], job["prompt_ids"]))
        options = {"until": job["until"], "max_gen_toks": job["max_tokens"], "do_sample": False}
        requests = [Instance(request_type="generate_until", doc={}, arguments=(p, dict(options)),
                             idx=i) for i, p in enumerate(job["prompts"])]
        started = time.perf_counter()
        texts = lm.generate_until(requests, disable_tqdm=True)
        out["runs"][str(size)] = {"wall_s": time.perf_counter() - started, "texts": texts}
        del lm
    print(json.dumps(out))


if __name__ == "__main__":
    main()
