"""Security properties: ids cannot escape the gold directory, YAML is only ever safe-loaded,
and model or gold text cannot break the Markdown tables of report.md."""

from __future__ import annotations

import json
import re

import pytest
import yaml
from hypothesis import event, given
from hypothesis import strategies as st
from support.reports import report_dict

from harness.gold import validate_gold
from harness.report import Report, render_markdown
from support.hostile import (
    ARTICLE, GOLD, HOSTILE, NASTY_TEXT, REPO, accepted, accepted_share, assert_no_crash, assert_one_line, copy_gold,
    error_lines, fresh_dir, run_cli, snapshot,
)

ESCAPING_IDS = [
    "../evil", "../../tmp/evil", "..", ".", "/tmp/evil", "/", f"{ARTICLE}/../evil", f"{ARTICLE}/", f"./{ARTICLE}",
    f"{ARTICLE}\0", f"{ARTICLE}\n", "\0", "evil\uff0fx", "..\uff0fevil", "\u202eevil", f"\u200f{ARTICLE}",
    f"{ARTICLE}\u200b", "x" * 5000, "Kim-Putin-Talks", "kim--putin", "-kim", "kim-", "", " ", "\\evil",
    "C:\\evil", "\ufeffkim", "ｋｉｍ", "\ud800",
]
IDS = [ascii(i)[:30] for i in ESCAPING_IDS]
CONTROL_OR_BIDI = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


# -- ids that try to leave the gold directory -------------------------------------------------

@pytest.fixture
def sandbox(tmp_path):
    """A gold copy inside an otherwise empty sandbox, with a decoy `evil` directory beside it."""
    gold = copy_gold(tmp_path)
    (gold.parent / "evil").mkdir()
    (gold.parent / "evil" / "article.txt").write_text("decoy\n")
    return gold


def _assert_rejected(capsys, argv, sandbox, codes=(1, 2)) -> None:
    before = snapshot(sandbox.parent)
    code, out, err = run_cli(capsys, argv)
    assert_no_crash(out, err)
    assert code in codes, (code, out, err)
    error_lines(err)
    assert snapshot(sandbox.parent) == before, "nothing may be written anywhere"


@pytest.mark.parametrize("article", ESCAPING_IDS, ids=IDS)
def test_add_qa_rejects_article_ids_that_escape_the_gold_directory(capsys, sandbox, article):
    _assert_rejected(capsys, ["gold", "add-qa", "--gold", sandbox, f"--article={article}", "--question",
                              "Who met whom?", "--answer", "Kim", "--evidence", "Kim", "--type", "person"], sandbox)


@pytest.mark.parametrize("article", ESCAPING_IDS, ids=IDS)
def test_add_summary_rejects_article_ids_that_escape_the_gold_directory(capsys, sandbox, article):
    _assert_rejected(capsys, ["gold", "add-summary", "--gold", sandbox, f"--article={article}",
                              "--style", "headline", "--text", "Kim meets Putin"], sandbox)


@pytest.mark.parametrize("article", ESCAPING_IDS, ids=IDS)
def test_import_rejects_article_ids_that_escape_the_gold_directory(capsys, sandbox, tmp_path, article):
    items = fresh_dir(tmp_path) / "items.jsonl"
    items.write_text(json.dumps({"article": article, "style": "headline", "text": "Kim meets Putin"}) + "\n")
    _assert_rejected(capsys, ["gold", "import", "--gold", sandbox, items], sandbox)


@pytest.mark.parametrize("item_id", ["../../evil", "/tmp/evil", f"{ARTICLE}-q999/../x", f"{ARTICLE}-q001\n",
                                     f"{ARTICLE}-q\uff11\uff12\uff13", f"{ARTICLE}-q072\0", f"{ARTICLE}-s001"],
                         ids=["dotdot", "absolute", "slash", "newline", "fullwidth-digits", "nul", "wrong-kind"])
def test_import_rejects_item_ids_that_are_not_plain_ids(capsys, sandbox, tmp_path, item_id):
    items = fresh_dir(tmp_path) / "items.jsonl"
    record = {"article": ARTICLE, "id": item_id, "question": "Who met Kim in Vladivostok this time?",
              "answers": ["Putin"], "evidence": "Putin", "type": "person"}
    items.write_text(json.dumps(record) + "\n")
    _assert_rejected(capsys, ["gold", "import", "--gold", sandbox, items], sandbox)


@HOSTILE
@given(article=NASTY_TEXT)
def test_any_article_id_that_is_not_a_plain_id_is_rejected(capsys, sandbox, article):
    if re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", article):
        return
    _assert_rejected(capsys, ["gold", "add-summary", "--gold", sandbox, f"--article={article}",
                              "--style", "headline", "--text", "Kim meets Putin"], sandbox)


def test_symlinked_article_directory_is_not_written_through(capsys, sandbox, tmp_path):
    outside = fresh_dir(tmp_path)
    for name in ("article.txt", "meta.json"):
        (outside / name).write_bytes((sandbox / ARTICLE / name).read_bytes())
    (sandbox / "linked").symlink_to(outside, target_is_directory=True)
    before = snapshot(outside)
    code, out, err = run_cli(capsys, ["gold", "add-summary", "--gold", sandbox, "--article", "linked",
                                      "--style", "headline", "--text", "Kim meets Putin"])
    assert_no_crash(out, err)
    assert code in (1, 2)
    assert snapshot(outside) == before


@pytest.mark.parametrize("name", ["Kim", "kim putin", "kim\uff0fputin", "\u202ekim", "kim\nputin", "-kim", "kim_putin"],
                         ids=["upper", "space", "fullwidth-solidus", "bidi", "newline", "leading-hyphen", "underscore"])
def test_validation_rejects_article_directories_with_odd_names(tmp_path, capsys, name):
    gold = copy_gold(tmp_path)
    (gold / ARTICLE).rename(gold / name)
    problems = validate_gold(gold)
    assert any("article directory name" in p.message for p in problems)
    code, out, err = run_cli(capsys, ["gold", "validate", "--gold", gold])
    assert_no_crash(out, err)
    assert code == 1
    for line in out.rstrip("\n").split("\n"):
        assert_one_line(line)


# -- YAML ---------------------------------------------------------------------------------------

def test_the_package_only_ever_safe_loads_yaml():
    unsafe = re.compile(r"yaml\.(load|load_all|full_load|full_load_all|unsafe_load|unsafe_load_all)\s*\(|"
                        r"Loader\s*=|UnsafeLoader|FullLoader|yaml\.Loader\b")
    offenders = [f"{path.relative_to(REPO)}:{number}: {line.strip()}"
                 for path in sorted((REPO / "harness").rglob("*.py"))
                 for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
                 if unsafe.search(line)]
    assert offenders == []


def test_a_yaml_tag_that_would_run_code_is_an_error(tmp_path, capsys):
    marker = tmp_path / "pwned"
    config = tmp_path / "config.yaml"
    config.write_text(f"name: !!python/object/apply:os.system ['touch {marker}']\n")
    code, out, err = run_cli(capsys, ["run", config])
    assert_no_crash(out, err)
    assert code == 2 and "not allowed" in err
    assert not marker.exists()
    with pytest.raises(yaml.YAMLError):
        yaml.safe_load(config.read_text())


# -- Markdown tables ------------------------------------------------------------------------------

HOSTILE_PREDICTIONS = [
    "a | b | c", "line one\nline two\n\n| fake | row |", "`code` and ``` fences", "<script>alert(1)</script>",
    "\\| escaped pipe", "[link](javascript:alert(1))", "![img](x)", "# heading", "&#124; entity", "\r\nCRLF",
    "\0nul\x1b[2Jclear", "\u202eevil", "\u2028separator", "*bold* _it_", "|", "\\", "",
]


def _unescaped_pipes(line: str) -> int:
    """`|` characters not preceded by an odd number of backslashes (GFM column separators)."""
    return len(re.findall(r"(?<!\\)(?:\\\\)*\|", line))


def table_rows_are_intact(markdown: str) -> bool:
    """Every table row has as many unescaped `|` as its header, and every table ends cleanly."""
    lines = markdown.split("\n")
    for index, line in enumerate(lines):
        if line.startswith("|---") or line.startswith("|--"):
            header = lines[index - 1]
            columns = _unescaped_pipes(header)
            for row in lines[index + 1:]:
                if not row:
                    break
                assert row.startswith("| ") and row.endswith(" |"), repr(row)
                assert _unescaped_pipes(row) == columns, (repr(header), repr(row))
    return True


def _report_with(predictions: list[str], tmp_path, capsys, monkeypatch) -> str:
    """report.md of a real run replaying `predictions` for the first QA items and every summary."""
    from harness.gold import load_gold
    monkeypatch.setenv("HARNESS_CACHE_DIR", str(tmp_path / "cache"))
    gold = load_gold(GOLD)
    ids = [q.id for q in gold.qa][:len(predictions)] + [f"{ARTICLE}/headline"]
    lines = [json.dumps({"id": i, "prediction": p}, ensure_ascii=False) for i, p in zip(ids, predictions + ["|x|"])]
    directory = fresh_dir(tmp_path)
    (directory / "preds.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    config = {"name": "md", "gold": str(GOLD), "tasks": {"qa": {}, "summarization": {"styles": ["headline"]}},
              "models": [{"name": "replay", "backend": "predictions", "path": str(directory / "preds.jsonl")}],
              "bootstrap": {"resamples": 20}}
    (directory / "config.yaml").write_text(yaml.safe_dump(config))
    code, out, err = run_cli(capsys, ["run", directory / "config.yaml", "--output", directory / "out", "--no-cache",
                                      "--limit", str(len(predictions))])
    assert_no_crash(out, err)
    assert code == 0, err
    return (directory / "out" / "report.md").read_text(encoding="utf-8")


def test_hostile_predictions_cannot_break_the_report_md_tables(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr("harness.report._tables.WORST_ITEMS", 100)  # show every item, not the worst 5
    markdown = _report_with(HOSTILE_PREDICTIONS, tmp_path, capsys, monkeypatch)
    assert table_rows_are_intact(markdown)
    assert "<script>" not in markdown and "&lt;script&gt;" in markdown
    assert not CONTROL_OR_BIDI.search(markdown), ascii(CONTROL_OR_BIDI.search(markdown).group())
    worst = markdown.split("items by exact_match")[1].split("\n\n")[1].split("\n")
    assert len(worst) == 2 + len(HOSTILE_PREDICTIONS), "one row per prediction, none split or merged"


@HOSTILE
@given(text=NASTY_TEXT, model=NASTY_TEXT)
def test_any_text_in_any_cell_keeps_report_md_tables_intact(text, model):
    """render_markdown on a minimal report whose model name, gold and prediction are hostile."""
    metric = {"value": 0.5, "ci_low": 0.25, "ci_high": 0.75}
    report = Report.model_validate(report_dict([{"name": model, "tasks": {"qa": {
        "n": 1, "failed": 0, "metrics": {"exact_match": metric}, "values": {text: metric},
        "breakdowns": {text: {text: {"n": 1, "metrics": {"exact_match": metric}}}}, "items": []}}}],
        tasks={"qa": {"title": text, "group_label": text, "item_field": "question"}}))
    predictions = [{"model": model, "task": "qa", "id": text, "fields": {"question": text},
                    "prediction": text, "references": [text, text], "error": None, "scores": {"exact_match": 0.0},
                    "reasons": {"exact_match": text}}]
    markdown = render_markdown(report, predictions)
    assert table_rows_are_intact(markdown)
    assert not CONTROL_OR_BIDI.search(markdown), ascii(markdown[-300:])


# -- text that cannot be written as UTF-8 ---------------------------------------------------------

@pytest.mark.parametrize("question", ["Who \udcff met Kim?", "\ud800", "Who met\0 Kim?", "Who met \x1b[2J Kim?"],
                         ids=["argv-undecodable-byte", "lone-surrogate", "nul", "escape-sequence"])
def test_add_qa_refuses_text_that_is_not_text_and_writes_nothing(capsys, sandbox, question):
    """A non-UTF-8 byte on the command line arrives as a lone surrogate (surrogateescape)."""
    _assert_rejected(capsys, ["gold", "add-qa", "--gold", sandbox, f"--article={ARTICLE}", "--question", question,
                              "--answer", "Putin", "--evidence", "Putin", "--type", "person"], sandbox)


def test_import_refuses_a_lone_surrogate_and_writes_nothing(capsys, sandbox, tmp_path):
    items = fresh_dir(tmp_path) / "items.jsonl"
    items.write_text('{"article": "%s", "style": "headline", "text": "Kim \\ud800 Putin"}\n' % ARTICLE)
    _assert_rejected(capsys, ["gold", "import", "--gold", sandbox, items], sandbox, codes=(1,))


# Well-formed new questions (no near-duplicate of a gold one): a fair share of additions must succeed.
PLAIN_QUESTIONS = st.from_regex(r"\AWho (?:met|told|warned|called|visited) [A-Z][a-z]{3,9} (?:in|about|before) [A-Z][a-z]{3,9}\?\Z")


@accepted_share(0.2)
@HOSTILE
@given(question=st.one_of(NASTY_TEXT, PLAIN_QUESTIONS, PLAIN_QUESTIONS),
       answer=st.one_of(st.just("Putin"), st.just("Putin"), NASTY_TEXT),
       evidence=st.one_of(st.just("Putin"), st.just("Putin"), NASTY_TEXT),
       kind=st.one_of(st.just("person"), st.sampled_from(["person", "other"]), st.sampled_from(["unanswerable", "yes_no"]),
                      NASTY_TEXT))
def test_whatever_add_qa_accepts_leaves_a_valid_gold_set(tmp_path, capsys, question, answer, evidence, kind):
    gold = copy_gold(tmp_path)
    before = snapshot(gold.parent)
    code, out, err = run_cli(capsys, ["gold", "add-qa", "--gold", gold, f"--article={ARTICLE}",
                                      f"--question={question}", f"--answer={answer}", f"--evidence={evidence}",
                                      f"--type={kind}"])
    assert_no_crash(out, err)
    event(f"exit {code}")
    accepted(code == 0)
    if code == 0:
        assert validate_gold(gold) == []
        assert out.startswith("added: ") and out.count("\n") == 1
        assert json.loads(out.removeprefix("added: "))["question"] == question.strip()
    else:
        assert code in (1, 2)
        error_lines(err)
        assert snapshot(gold.parent) == before
