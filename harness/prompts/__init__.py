"""Prompt templates: Jinja2 (sandboxed, strict about undefined fields, no HTML escaping).

Convention: a line that is exactly `---` splits a template into a system part (above) and a
user part (below). A template without such a line is all user message and has no system part.
The split is made on the template source, before rendering, so an article that contains a
`---` line cannot move text between the two parts. Each part is rendered and stripped of
leading and trailing whitespace; a system part that renders empty counts as none.

Fields a template may use are the ones its task passes: article, title, and for QA question,
abstain_phrase and examples (few-shot: a list of {question, answer}); for summaries style; for
the QA judge question, answers (the accepted answers) and prediction. Using a field that is not
passed is an error, not an empty string.

Template references (the `prompt` of a task in a config), tried in this order:
1. inline: the text contains "{{" or "{%";
2. shipped: the name of a file in harness/prompts/ (qa.jinja, summarize.jinja);
3. a file path: absolute, or relative to the current directory, or else relative to the
   directory of the config file (`config_dir`).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

import jinja2
from jinja2.sandbox import SandboxedEnvironment

from harness.errors import HarnessError

PROMPTS_DIR = Path(__file__).parent
SEPARATOR = re.compile(r"^---[ \t]*$", re.MULTILINE)

_ENV = SandboxedEnvironment(
    undefined=jinja2.StrictUndefined,
    autoescape=False,
    keep_trailing_newline=True,
    trim_blocks=True,
    lstrip_blocks=True,
)


def shipped_templates() -> list[str]:
    """Names of the templates in harness/prompts/."""
    return sorted(p.name for p in PROMPTS_DIR.glob("*.jinja"))


def _is_inline(template_ref: str) -> bool:
    return "{{" in template_ref or "{%" in template_ref


def _is_file(path: Path) -> bool:
    """Path.is_file, but a name the OS refuses (too long, NUL) is simply not a file."""
    try:
        return path.is_file()
    except (OSError, ValueError):
        return False


def load_template_source(template_ref: str, config_dir: str | Path | None = None) -> tuple[str, str]:
    """(label, source) of a template reference; the label names it in error messages."""
    if _is_inline(template_ref):
        return "inline prompt", template_ref
    shipped = PROMPTS_DIR / template_ref
    if "/" not in template_ref and "\\" not in template_ref and _is_file(shipped):
        return template_ref, shipped.read_text(encoding="utf-8")
    candidates = [Path(template_ref)]
    if config_dir is not None and not Path(template_ref).is_absolute():
        candidates.append(Path(config_dir) / template_ref)
    for candidate in candidates:
        if _is_file(candidate):
            try:
                return str(candidate), candidate.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                raise HarnessError(f"prompt template {candidate}: cannot read: {exc}") from None
    where = " or ".join(str(c) for c in candidates)
    raise HarnessError(
        f"prompt template {template_ref!r} not found: not a shipped template "
        f"({', '.join(shipped_templates())}) and no file {where}"
    )


@functools.lru_cache(maxsize=64)
def _compile(label: str, source: str) -> tuple[jinja2.Template | None, jinja2.Template]:
    parts = SEPARATOR.split(source, maxsplit=1)
    try:
        if len(parts) == 1:
            return None, _ENV.from_string(parts[0])
        return _ENV.from_string(parts[0]), _ENV.from_string(parts[1])
    except jinja2.TemplateSyntaxError as exc:
        raise HarnessError(f"prompt template {label}: line {exc.lineno}: {exc.message}") from None


@dataclass(frozen=True)
class Template:
    """A resolved, compiled template: render it once per item."""

    label: str  # names the template in error messages
    system: jinja2.Template | None
    user: jinja2.Template

    def render(self, **fields: object) -> tuple[str | None, str]:
        """(system, user); system is None when the template has no `---` line or renders empty."""
        system = _render(self.label, self.system, fields) if self.system is not None else None
        return (system or None), _render(self.label, self.user, fields)


def load_template(template_ref: str, config_dir: str | Path | None = None) -> Template:
    """Resolve a template reference and compile it; HarnessError if either fails."""
    label, source = load_template_source(template_ref, config_dir)
    return Template(label, *_compile(label, source))


def check_template(template_ref: str, config_dir: str | Path | None = None) -> None:
    """Raise HarnessError if the reference does not resolve or the template does not compile."""
    load_template(template_ref, config_dir)


def _render(label: str, template: jinja2.Template, fields: dict[str, object]) -> str:
    try:
        return template.render(**fields).strip()
    except jinja2.UndefinedError as exc:
        allowed = ", ".join(sorted(fields)) or "none"
        raise HarnessError(f"prompt template {label}: {exc.message}; fields given: {allowed}") from None
    except jinja2.exceptions.SecurityError as exc:
        raise HarnessError(f"prompt template {label}: not allowed in a sandboxed template: {exc}") from None
    except jinja2.TemplateError as exc:
        raise HarnessError(f"prompt template {label}: {exc}") from None


def render_prompt(
    template_ref: str, config_dir: str | Path | None = None, **fields: object
) -> tuple[str | None, str]:
    """Render a template into (system, user); system is None when the template has no `---` line."""
    return load_template(template_ref, config_dir).render(**fields)
