"""A plugin as a third party would write one: a backend that echoes the question (what an
extractive baseline is asked to match; else the article's first line) with a prefix, and a QA
metric that says whether the answer is short."""

from typing import Literal

from pydantic import Field

from harness.backends import Backend, ModelOptions, Result
from harness.tasks import Metric


class EchoModel(ModelOptions):
    backend: Literal["echo"] = Field(description="Backend name.")
    prefix: str = Field(default="", description="Put before every answer.")


class EchoBackend(Backend):
    Config = EchoModel

    def identity(self):
        return {"model_ref": f"echo:{self.config.prefix}", "revision": None, "model_sha256": None}

    def generate(self, requests, generation):
        for request in requests:
            if request.overlap_query is not None:
                text = request.overlap_query
            else:
                text = request.article.split("\n")[0]
            yield Result(request.id, self.config.prefix + text)


def _short(answer, options) -> float:
    return float(len(answer.text.split()) <= 3)


SHORT_ANSWER = Metric("short_answer", "qa", "1 when the answer has at most three words", _short)
