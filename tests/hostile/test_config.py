"""Hostile config YAML: random text, mutated real configs, random structures and `--set` values.

`load_config` either returns a config or raises HarnessError whose every line names the config
file; `harness run` on a broken config exits 2 with no traceback.
"""

from __future__ import annotations

import copy

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from harness.config import EvalConfig, load_config
from harness.errors import HarnessError
from support.hostile import (
    GOLD, HOSTILE, HOSTILE_CLI, NASTY_STRINGS, NASTY_TEXT, NUMBERS, REPO, assert_no_crash, assert_one_line, fresh_dir,
    accepted, accepted_share, mutated_bytes, run_cli,
)

# The smallest real config: the lead baseline on the shipped gold, both tasks.
BASE = {
    "name": "hostile",
    "gold": str(GOLD),
    "tasks": {"qa": {"metrics": ["exact_match", "f1"]}, "summarization": {"styles": ["headline"]}},
    "models": [{"name": "lead", "backend": "lead", "generation": {"max_new_tokens": 32}}],
    "bootstrap": {"resamples": 20, "seed": 0},
}
SHIPPED = sorted((REPO / "configs").glob("*.yaml"))
YAML_SCALARS = st.one_of(st.none(), st.booleans(), NUMBERS, NASTY_STRINGS)
YAML_VALUES = st.recursive(
    YAML_SCALARS,
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(NASTY_TEXT, inner, max_size=3)),
    max_leaves=8,
)


def _load(path, overrides=()) -> EvalConfig | None:
    """load_config's result, or None after checking its error: HarnessError, each line naming the file."""
    try:
        return load_config(path, list(overrides))
    except HarnessError as error:
        assert error.exit_code == 2
        for line in str(error).split("\n"):
            assert line.startswith(str(path)), line[:300]
            assert_one_line(line)
        return None


def _write(tmp_path, data: bytes):
    path = fresh_dir(tmp_path) / "config.yaml"
    path.write_bytes(data)
    return path


PLAIN_TEXT = st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=30).filter(str.strip)
# Edits that keep BASE a valid config: (key path, value strategy).
VALID_EDITS = [
    (("bootstrap", "seed"), st.integers(0, 2**31)),
    (("bootstrap", "resamples"), st.integers(1, 50)),
    (("models", 0, "generation", "max_new_tokens"), st.integers(1, 8192)),
    (("models", 0, "generation", "stop"), st.lists(PLAIN_TEXT, max_size=3)),
    (("tasks", "qa", "abstain_phrase"), PLAIN_TEXT.filter(lambda t: any(c.isalnum() for c in t))),
    (("tasks", "qa", "metrics"), st.sampled_from([["f1"], ["exact_match"], ["f1", "exact_match"]])),
    (("tasks", "summarization", "styles"), st.sampled_from([["short"], ["headline", "one_sentence"]])),
    (("name",), st.from_regex(r"\A[A-Za-z0-9][A-Za-z0-9._-]{0,20}\Z")),
]


@st.composite
def valid_edit(draw) -> dict:
    """BASE with one edit that keeps it valid: a loader that refuses good configs fails on these."""
    data = copy.deepcopy(BASE)
    path, values = draw(st.sampled_from(VALID_EDITS))
    node = data
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = draw(values)
    return data


@st.composite
def mutated_structure(draw) -> dict:
    """BASE with one value somewhere (an existing key or a new one) replaced, or a key deleted."""
    data = copy.deepcopy(BASE)
    node, key = data, None
    while True:
        keys = list(range(len(node))) if isinstance(node, list) else sorted(node)
        if not keys:
            break
        key = draw(st.sampled_from(keys + ["<new>"]))
        if key == "<new>":
            key = draw(NASTY_TEXT) if isinstance(node, dict) else 0
            break
        if not isinstance(node[key], (dict, list)) or draw(st.booleans()):
            break
        node = node[key]
    if isinstance(node, dict) and key in node and draw(st.integers(0, 4)) == 0:
        del node[key]
    elif isinstance(node, list) and not node:
        node.append(draw(YAML_VALUES))
    else:
        node[key] = draw(YAML_VALUES)
    return data


def _dump(data) -> bytes:
    try:
        return yaml.safe_dump(data, allow_unicode=True).encode("utf-8", errors="surrogatepass")
    except yaml.YAMLError:
        return b"not: [yaml"


# A valid config with a YAML comment of any text appended: most such files must load.
COMMENTED = st.builds(lambda text: _dump(BASE).decode("utf-8", "surrogatepass") + "# " + text.replace("\n", " "),
                      st.text(max_size=60))


@accepted_share(0.2)
@HOSTILE
@given(text=st.one_of(st.text(max_size=200), st.binary(max_size=200).map(lambda b: b.decode("latin-1")), COMMENTED))
def test_random_text_is_a_config_or_a_one_line_error_per_problem(tmp_path, text):
    accepted(_load(_write(tmp_path, text.encode("utf-8", errors="surrogatepass"))) is not None)


@accepted_share(0.25)
@HOSTILE
@given(data=st.data(), shipped=st.sampled_from(SHIPPED))
def test_mutated_shipped_configs_never_raise_anything_else(tmp_path, data, shipped):
    accepted(_load(_write(tmp_path, data.draw(mutated_bytes(shipped.read_bytes())))) is not None)


@accepted_share(0.25)
@HOSTILE
@given(data=st.one_of(mutated_structure(), valid_edit()))
def test_random_structures_are_validated_not_crashed_on(tmp_path, data):
    accepted(_load(_write(tmp_path, _dump(data))) is not None)


HOSTILE_OVERRIDES = st.tuples(
    st.one_of(NASTY_TEXT, st.sampled_from(
        ["models.0.name", "models.9.name", "models.-1", "models.²", "tasks.qa.metrics.0", "name.x", "bootstrap.seed"])),
    st.one_of(NASTY_TEXT, st.sampled_from(["[", "!!python/object:os.system ls", "&a [*a]", "1e999", ".nan"])))
GOOD_OVERRIDES = st.one_of(
    st.tuples(st.just("bootstrap.seed"), st.integers(0, 10**6).map(str)),
    st.tuples(st.just("models.0.generation.max_new_tokens"), st.integers(1, 8192).map(str)),
    st.tuples(st.just("tasks.qa.metrics.0"), st.sampled_from(["f1", "exact_match"])),
    st.tuples(st.just("models.0.name"), st.from_regex(r"\A[A-Za-z0-9][A-Za-z0-9._-]{0,20}\Z")),
)


@accepted_share(0.25)
@HOSTILE
@given(override=st.one_of(HOSTILE_OVERRIDES, GOOD_OVERRIDES))
def test_set_overrides_are_validated_not_crashed_on(tmp_path, override):
    key, value = override
    accepted(_load(_write(tmp_path, _dump(BASE)), [f"{key}={value}"]) is not None)


@pytest.mark.parametrize("text", [
    "!!python/object/apply:os.system ['touch pwned']",
    "name: !!python/name:os.system\n",
    "[" * 2000,
    "{a: " * 2000,
    # a billion laughs: aliases that would expand to 10**9 strings
    "a: &a [x,x,x,x,x,x,x,x,x,x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [" + ",".join([f"*{chr(97 + i)}"] * 10) + "]\n" for i in range(8)),
    "\ufeffname: bom\n",
    "name: x\n\0",
    "name: 'lead\nsecond'\n",
], ids=["python-tag", "python-name", "deep-list", "deep-map", "billion-laughs", "bom", "nul", "newline"])
def test_hostile_yaml_is_a_config_error_never_a_crash_or_a_hang(tmp_path, text):
    assert _load(_write(tmp_path, text.encode("utf-8"))) is None
    assert not (REPO / "pwned").exists()


def test_alias_bomb_inside_a_valid_config_is_rejected(tmp_path):
    """Anchors inside an `evaluate` module's kwargs (any mapping is allowed there) that would
    expand to 10**8 strings when the config is hashed or written to the report."""
    levels = ["l0: &l0 [a,a,a,a,a,a,a,a,a,a]"] + [
        f"l{i}: &l{i} [" + ",".join([f"*l{i - 1}"] * 10) + "]" for i in range(1, 8)]
    text = _dump(BASE).decode().replace("    metrics:\n    - exact_match", (
        "    extra_metrics:\n    - name: bomb\n      path: nowhere\n      kwargs:\n"
        + "".join(f"        {level}\n" for level in levels) + "    metrics:\n    - exact_match"))
    assert "*l6" in text
    assert _load(_write(tmp_path, text.encode())) is None


@pytest.mark.parametrize("name", ["lead\n", "lead\nsecond", "../escape", "/abs", "le ad", "lead\0"])
def test_model_and_config_names_cannot_carry_line_breaks_or_paths(tmp_path, name):
    data = copy.deepcopy(BASE)
    data["models"][0]["name"] = name
    assert _load(_write(tmp_path, _dump(data))) is None
    data = copy.deepcopy(BASE) | {"name": name}
    assert _load(_write(tmp_path, _dump(data))) is None


@accepted_share(0.2)
@HOSTILE_CLI
@given(data=st.one_of(mutated_structure(), valid_edit()))
def test_harness_run_on_a_broken_config_exits_2(tmp_path, capsys, monkeypatch, data):
    monkeypatch.setenv("HARNESS_CACHE_DIR", str(tmp_path / "cache"))
    config = _write(tmp_path, _dump(data))
    out_dir = config.parent / "out"
    code, out, err = run_cli(capsys, ["run", config, "--output", out_dir, "--limit", "2", "--no-cache"])
    assert_no_crash(out, err)
    if _load(config) is None:
        assert code == 2, out + err
        lines = err.rstrip("\n").split("\n")
        assert lines[0].startswith(f"error: {config}")
        for line in lines:
            assert str(config) in line
            assert_one_line(line)
        assert not out_dir.exists() or not any(out_dir.iterdir())
    else:
        assert code in (0, 2), out + err
    accepted(code == 0)


@pytest.mark.parametrize("prompt", ["x" * 5000, "dir/" * 2000 + "p.jinja", "a\0b", "/etc/passwd\n", "../" * 50],
                         ids=["long-name", "long-path", "nul", "newline", "dotdot"])
def test_hostile_prompt_references_are_config_errors(tmp_path, prompt):
    data = copy.deepcopy(BASE)
    data["tasks"]["qa"]["prompt"] = prompt
    assert _load(_write(tmp_path, _dump(data))) is None


@pytest.mark.parametrize("where", ["stop", "key", "override"])
def test_a_lone_surrogate_anywhere_in_a_config_is_an_error_not_a_crash(tmp_path, capsys, monkeypatch, where):
    """YAML's "\\ud800" escape makes a string Python cannot hash as UTF-8 or write to a report."""
    monkeypatch.setenv("HARNESS_CACHE_DIR", str(tmp_path / "cache"))
    text = _dump(BASE).decode()
    if where == "stop":
        text = text.replace("max_new_tokens: 32", 'max_new_tokens: 32\n    stop: ["\\ud800"]')
    elif where == "key":
        text += '"\\udfff": 1\n'
    config = _write(tmp_path, text.encode())
    overrides = ['models.0.generation.stop=["\\ud800"]'] if where == "override" else []
    assert _load(config, overrides) is None
    argv = ["run", config, "--output", config.parent / "out", "--limit", "1", "--no-cache"]
    code, out, err = run_cli(capsys, argv + [f"--set={o}" for o in overrides])
    assert_no_crash(out, err)
    assert code == 2
