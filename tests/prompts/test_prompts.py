"""Prompt templates: shipped templates, the `---` system/user convention, strictness, sandbox."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.errors import HarnessError
from harness.prompts import check_template, render_prompt, shipped_templates

ARTICLE = "Kim met Putin in Vladivostok.\n\nThe talks lasted three hours."


def test_shipped_templates():
    assert {"qa.jinja", "summarize.jinja"} <= set(shipped_templates())


def test_qa_template():
    system, user = render_prompt(
        "qa.jinja", None, article=ARTICLE, question="Where did they meet?", abstain_phrase="unanswerable"
    )
    assert system and "article" in system
    assert ARTICLE in user and "Where did they meet?" in user
    assert "reply exactly: unanswerable" in user
    assert "{{" not in user and "{%" not in user


def test_qa_template_uses_the_configured_abstain_phrase():
    _, user = render_prompt("qa.jinja", None, article=ARTICLE, question="Q?", abstain_phrase="not stated")
    assert "not stated" in user and "unanswerable" not in user


@pytest.mark.parametrize(
    "style, phrase",
    [("headline", "one headline"), ("one_sentence", "one sentence"), ("short", "3 to 5 sentences, one sentence per line")],
)
def test_summarize_template_styles(style, phrase):
    system, user = render_prompt("summarize.jinja", None, article=ARTICLE, style=style)
    assert system
    assert ARTICLE in user and phrase in user


def test_summarize_unknown_style_is_an_error():
    with pytest.raises(HarnessError, match="summarize.jinja"):
        render_prompt("summarize.jinja", None, article=ARTICLE, style="long")


def test_shipped_templates_are_short():
    for name in shipped_templates():
        source = (Path(__file__).resolve().parents[2] / "harness" / "prompts" / name).read_text()
        assert len(source.split()) < 80, name  # read by 135M-parameter models


def test_inline_template_without_separator_has_no_system():
    assert render_prompt("Q: {{ question }}", None, question="Why?") == (None, "Q: Why?")


def test_separator_splits_system_and_user():
    template = "Be brief.\n---\nArticle: {{ article }}\n"
    assert render_prompt(template, None, article="A.") == ("Be brief.", "Article: A.")


def test_empty_system_part_is_none():
    assert render_prompt("{{ '' }}\n---\nHi {{ title }}", None, title="T") == (None, "Hi T")


def test_separator_inside_the_article_does_not_split():
    system, user = render_prompt("Sys\n---\n{{ article }}", None, article="one\n---\ntwo")
    assert system == "Sys" and user == "one\n---\ntwo"


def test_undefined_field_is_an_error():
    with pytest.raises(HarnessError) as info:
        render_prompt("{{ article }} {{ questoin }}", None, article="A")
    assert "'questoin' is undefined" in info.value.message and "fields given: article" in info.value.message


def test_no_html_escaping():
    _, user = render_prompt("{{ article }}", None, article='A & B <said> "hi"')
    assert user == 'A & B <said> "hi"'


def test_sandbox_blocks_unsafe_attributes():
    with pytest.raises(HarnessError, match="sandbox"):
        render_prompt("{{ article.__class__.__mro__[1].__subclasses__() }}", None, article="A")


def test_syntax_error_names_template():
    with pytest.raises(HarnessError, match=r"inline prompt: line 1"):
        render_prompt("{{ article ", None, article="A")
    with pytest.raises(HarnessError, match=r"inline prompt"):
        check_template("{% if %}")


def test_template_file_relative_to_cwd(tmp_path, monkeypatch):
    (tmp_path / "p.jinja").write_text("S\n---\nQ: {{ question }}\n")
    monkeypatch.chdir(tmp_path)
    assert render_prompt("p.jinja", None, question="Who?") == ("S", "Q: Who?")


def test_template_file_relative_to_config_dir(tmp_path, monkeypatch):
    (tmp_path / "prompts").mkdir()
    (tmp_path / "prompts" / "p.jinja").write_text("Q: {{ question }}\n")
    monkeypatch.chdir(Path(__file__).resolve().parents[1])
    assert render_prompt("prompts/p.jinja", tmp_path, question="Who?") == (None, "Q: Who?")


def test_missing_template_file(tmp_path):
    with pytest.raises(HarnessError, match="'nope.jinja' not found: not a shipped template"):
        check_template("nope.jinja", tmp_path)
