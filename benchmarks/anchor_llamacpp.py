"""llama.cpp in-process (llama-cpp-python) on the benchmark's prompts: a child-process worker.

Runs under whichever interpreter has llama-cpp-python installed (see bench_generation.py
--llamacpp-python); needs nothing of the harness. Reads a JSON job on stdin
({"gguf", "runs", "max_tokens", "threads", "messages": [[{role, content}, ...], ...]}) and
prints one JSON line: the median run (wall_s, processed, generated, texts), load_s, the
llama-cpp-python version and llama.cpp's system info (which CPU features the build uses).
Questions are answered one after another with greedy decoding, so llama.cpp's own reuse of the
previous prompt's prefix applies (questions of one article share it).
"""

from __future__ import annotations

import json
import os
import sys
import time
from typing import Any


def main() -> None:
    import llama_cpp
    from llama_cpp import Llama

    job = json.loads(sys.stdin.read())
    started = time.perf_counter()
    llm = Llama(model_path=job["gguf"], n_ctx=4096, n_threads=job["threads"],
                n_threads_batch=job["threads"], verbose=False)
    load_s = time.perf_counter() - started
    runs = sorted((_once(llm, job) for _ in range(job["runs"])), key=lambda r: r["wall_s"])
    info = llama_cpp.llama_print_system_info()
    print(json.dumps({**runs[len(runs) // 2], "load_s": load_s, "version": llama_cpp.__version__,
                      "system_info": info.decode() if isinstance(info, bytes) else str(info)}))


def _once(llm: Any, job: dict[str, Any]) -> dict[str, Any]:
    llm.reset()  # each run starts without a cached prefix, like the other paths
    processed = generated = 0
    texts = []
    started = time.perf_counter()
    for messages in job["messages"]:
        previous = list(llm._input_ids)
        out = llm.create_chat_completion(messages=messages, max_tokens=job["max_tokens"],
                                         temperature=0.0)
        prompt = out["usage"]["prompt_tokens"]
        reused = len(os.path.commonprefix([previous, list(llm._input_ids)[:prompt]]))
        processed += prompt - min(reused, prompt - 1)  # llama.cpp re-runs the last token
        generated += out["usage"]["completion_tokens"]
        texts.append(out["choices"][0]["message"]["content"] or "")
    return {"wall_s": time.perf_counter() - started, "processed": processed,
            "generated": generated, "texts": texts}


if __name__ == "__main__":
    main()
