"""SQuAD-format JSON (v1.1 and v2.0) in and out of the gold set.

Import: one gold article per paragraph context, id `squad-<slug of the title>-p<paragraph
index, 3+ digits>`; one QA item per question, the SQuAD id kept as `source_id`; every answer
distinct after SQuAD normalization kept, the first as the canonical one; evidence the
sentence(s) of the context containing the first answer; type and reasoning `unlabeled`
(`unanswerable` for is_impossible, with the plausible answers). Export writes SQuAD v2.0.
docs/gold.md has the details.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from harness.errors import HarnessError, printable, shown
from harness.text import normalize_answer

from ._across import answer_occurs
from ._articles import ImportOptions, new_meta, slug
from ._model import Gold, sentence_spans
from ._rules import article_format, text_problem
from ._read import NotJSON, parse_json
from ._write import NewArticle, Pending

_OTHER_WHITESPACE = re.compile(r"[^\S ]")  # whitespace other than the space: one for one, offsets kept
_NOT_SPACE_OR_NEWLINE = re.compile(r"[^\S \n]")
_PARAGRAPH_ID = re.compile(r"(.+)-p(\d{3,})")  # an imported article: <base id>-p<paragraph index>
NOT_A_SPAN = -1  # the answer_start of an answer the context does not hold verbatim
LABELS = "harness"  # a question's own type, reasoning and evidence, in the harness's export


class _Malformed(Exception):
    """The file is not SQuAD JSON: `path` is the JSON path of the first wrong value."""

    def __init__(self, path: str, message: str):
        super().__init__(f"{path}: {message}")


def parse_squad(text: str, where: str, options: ImportOptions) -> tuple[list[NewArticle], list[Pending]]:
    """The new articles and QA items of a SQuAD JSON file; HarnessError (exit 2) naming the JSON
    path of the first malformed value."""
    try:
        root = parse_json(text)
    except NotJSON as error:
        raise HarnessError(f"nothing imported: {where}: {error.message}", exit_code=2) from None
    try:
        return _Importer(where, options).run(root)
    except _Malformed as error:
        raise HarnessError(f"nothing imported: {where}: {error}", exit_code=2) from None


class _Importer:
    def __init__(self, where: str, options: ImportOptions):
        self.where, self.options = where, options
        self.articles: list[NewArticle] = []
        self.pendings: list[Pending] = []
        self.bases: set[str] = set()
        self.question_ids: dict[str, str] = {}

    def run(self, root: object) -> tuple[list[NewArticle], list[Pending]]:
        entries = _get(root, "data", list, "")
        for i in range(len(entries)):
            entry, entries[i] = entries[i], None  # what an entry holds beyond its articles and items goes now
            path = f"data[{i}]"
            title = _get(entry, "title", str, path)
            base = self._base_id(title)
            for j, paragraph in enumerate(_get(entry, "paragraphs", list, path)):
                self._paragraph(paragraph, f"{path}.paragraphs[{j}]", f"{base}-p{j:03d}", title, j)
        return self.articles, self.pendings

    def _base_id(self, title: str) -> str:
        """squad-<slug>; when an earlier title of the file took it, the first of squad-<slug>-2,
        -3, ... that none took (titles "a", "a", "a-2": squad-a, squad-a-2, squad-a-2-2)."""
        base = candidate = f"squad-{slug(title)}"
        number = 1
        while candidate in self.bases:
            number += 1
            candidate = f"{base}-{number}"
        self.bases.add(candidate)
        return candidate

    def _paragraph(self, paragraph: object, path: str, article_id: str, title: str, index: int) -> None:
        context = _get(paragraph, "context", str, path)
        text, shift = _article_text(context)
        if not text.strip():
            raise _Malformed(f"{path}.context", "empty context")
        origin = (f"Imported with `harness gold import --format squad`: the context of paragraph {index} "
                  f"of the article titled '{title}'.")
        meta = new_meta(article_id, origin, title, self.options.source or "a SQuAD-format dataset",
                        license=self.options.license)
        self.articles.append(NewArticle(article_id, text, meta, f"{self.where} {path}"))
        spans = sentence_spans(text)
        for k, qa in enumerate(_get(paragraph, "qas", list, path)):
            record = self._question(qa, f"{path}.qas[{k}]", text, shift, spans)
            self.pendings.append(Pending(article_id, "qa", record, f"{self.where} {path}.qas[{k}]"))

    def _question(self, qa: object, path: str, text: str, shift: int, spans: list[tuple[int, int]]) -> dict:
        source_id = _get(qa, "id", str, path)
        if source_id in self.question_ids:
            raise _Malformed(f"{path}.id", f"'{shown(source_id)}' is also the id of {self.question_ids[source_id]}")
        self.question_ids[source_id] = path
        question = _get(qa, "question", str, path)
        answers = [_answer(a, f"{path}.answers[{n}]") for n, a in enumerate(_get(qa, "answers", list, path))]
        plausible = [_answer(a, f"{path}.plausible_answers[{n}]")
                     for n, a in enumerate(_get(qa, "plausible_answers", list, path, required=False) or [])]
        impossible = _get(qa, "is_impossible", bool, path, required=False)
        answers = [a for a in answers if normalize_answer(a[0])]  # as the official evaluation does
        labels = _labels(qa, path)
        if impossible or not answers:
            return {"question": question, "answers": [], "evidence": [], "type": "unanswerable",
                    "reasoning": labels["reasoning"] if labels else "unlabeled",
                    "plausible_answers": _distinct([t for t, _ in plausible], str), "source_id": source_id}
        canonical, start = answers[0]
        if start == NOT_A_SPAN and labels is None:
            raise _Malformed(f"{path}.answers[0].answer_start", "-1, but the first (canonical) answer must be a span "
                             f"of the context unless the question carries its '{LABELS}' labels")
        if start != NOT_A_SPAN and text[start - shift: start - shift + len(canonical)] != canonical:
            raise _Malformed(f"{path}.answers[0].answer_start",
                             f"the context does not read '{shown(canonical)}' at offset {start}")
        if labels:
            return {"question": question, "answers": _distinct([t for t, _ in answers], str), **labels,
                    "source_id": source_id}
        return {"question": question, "answers": _distinct([t for t, _ in answers], normalize_answer),
                "evidence": _evidence(text, spans, start - shift, canonical), "type": "unlabeled",
                "reasoning": "unlabeled", "source_id": source_id}


def _labels(qa: dict, path: str) -> dict | None:
    """The item's own type, reasoning and evidence, when the question carries them (an export of
    the harness's): checked as gold fields once the would-be set is."""
    labels = _get(qa, LABELS, dict, path, required=False)
    if labels is None:
        return None
    where = f"{path}.{LABELS}"
    evidence = _get(labels, "evidence", list, where)
    for n, span in enumerate(evidence):
        problem = text_problem(span) if isinstance(span, str) else "must be a string"
        if problem:
            raise _Malformed(f"{where}.evidence[{n}]", problem)
    return {"evidence": evidence, "type": _get(labels, "type", str, where),
            "reasoning": _get(labels, "reasoning", str, where)}


def _article_text(context: str) -> tuple[str, int]:
    """The context as article.txt, and how many leading characters were cut. A context already
    in the article.txt format (an export of an article with several paragraphs) is kept as it
    is; any other becomes one paragraph: line breaks and other whitespace become spaces one for
    one, so answer offsets still hold."""
    if not _NOT_SPACE_OR_NEWLINE.search(context) and not article_format("", context + "\n"):
        return context + "\n", 0
    flat = _OTHER_WHITESPACE.sub(" ", context)
    stripped = flat.lstrip(" ")
    return stripped.rstrip(" ") + "\n", len(flat) - len(stripped)


def _evidence(text: str, spans: list[tuple[int, int]], start: int, answer: str) -> list[str]:
    """The sentence(s) the answer lies in; when the answer starts inside a word there, the answer
    itself as a second span, so the canonical answer occurs in the evidence."""
    end = start + len(answer)
    touched = [(s, e) for s, e in spans if s < end and e > start]
    sentence = text[touched[0][0]: touched[-1][1]] if touched else answer
    return [sentence] if answer_occurs(answer, sentence) else [sentence, answer]


def _answer(value: object, path: str) -> tuple[str, int]:
    answer_text = _get(value, "text", str, path)
    start = _get(value, "answer_start", int, path)
    if start < NOT_A_SPAN:
        raise _Malformed(f"{path}.answer_start", f"must be a whole number >= 0 (or -1: not a span), got {start}")
    return answer_text, start


def _distinct(texts: list[str], key) -> list[str]:
    """The texts in order, each the first of those with the same key."""
    seen: set[str] = set()
    kept = []
    for text in texts:
        if key(text) not in seen:
            seen.add(key(text))
            kept.append(text)
    return kept


_SHAPE_NAMES = {list: "a list", str: "a string", bool: "true or false", int: "a whole number", dict: "an object"}


def _get(obj: object, key: str, shape: type, path: str, required: bool = True) -> Any:
    """obj[key], of the given JSON shape; _Malformed naming the JSON path otherwise."""
    where = f"{path}.{key}" if path else key
    if not isinstance(obj, dict):
        raise _Malformed(path or "(top level)", "expected a JSON object")
    if key not in obj:
        if required:
            raise _Malformed(where, "missing")
        return None
    value = obj[key]
    if not isinstance(value, shape) or (shape is int and isinstance(value, bool)):
        raise _Malformed(where, f"must be {_SHAPE_NAMES[shape]}, got {shown(json.dumps(value)[:40])}")
    problem = text_problem(value.replace("\r", "\n")) if shape is str else None  # a context's CR is a line break
    if problem:
        raise _Malformed(where, problem)
    return value


# -- export --------------------------------------------------------------------------------------

def export_squad(gold: Gold) -> dict:
    """The gold QA items as SQuAD v2.0 JSON, in the order that gives every article its id back on
    import: one entry per base id (the article id without its -pNNN), its paragraphs in p order,
    the entries in natural order of their base ids (squad-a, squad-a-2, squad-a-10). qas in file
    order (id: the source_id, else the gold id), each with its type, reasoning and evidence
    under LABELS, which import reads back."""
    by_article: dict[str, list] = {}
    for item in gold.qa:
        by_article.setdefault(item.article_id, []).append(item)
    groups: dict[str, list[tuple[int, str]]] = {}  # base id -> (paragraph index, article id)
    for article_id in gold.articles:
        match = _PARAGRAPH_ID.fullmatch(article_id)
        base, index = (match.group(1), int(match.group(2))) if match else (article_id, 0)
        groups.setdefault(base, []).append((index, article_id))
    data = []
    for base in sorted(groups, key=_natural):
        paragraphs = []
        for _, article_id in sorted(groups[base]):
            context = gold.articles[article_id].text.rstrip("\n")
            paragraphs.append({"context": context,
                               "qas": [_squad_qa(item, context) for item in by_article.get(article_id, [])]})
        title = gold.articles[sorted(groups[base])[0][1]].meta["title"]
        data.append({"title": title, "paragraphs": paragraphs})
    return {"version": "v2.0", "data": data}


def check_export_output(output: Path, gold_dir: Path) -> None:
    """HarnessError (exit 2) for an export file that lies inside the gold directory (it would
    overwrite or add gold files), is a directory, or whose directory does not exist."""
    where = printable(str(output))
    try:
        target, root = output.resolve(), Path(gold_dir).resolve()
    except (OSError, RuntimeError):  # a link loop
        raise HarnessError(f"cannot write {where}: the path cannot be resolved (a link loop?)") from None
    if target == root or root in target.parents:
        raise HarnessError(f"output file {where} is inside the gold directory {printable(str(gold_dir))}; "
                           "choose one outside it (--output FILE)")
    if target.is_dir():
        raise HarnessError(f"cannot write {where}: it is a directory; give a file name (--output FILE)")
    if not target.parent.is_dir():
        raise HarnessError(f"cannot write {where}: the directory {printable(str(output.parent))} does not exist")


def _squad_qa(item: Any, context: str) -> dict:
    qa = {"question": item.question, "id": item.source_id or item.id,
          "answers": [{"text": a, "answer_start": _start(a, item, context, n == 0)} for n, a in enumerate(item.answers)],
          "is_impossible": not item.answers}
    if not item.answers:
        qa["plausible_answers"] = [{"text": t, "answer_start": context.find(t)} for t in item.plausible_answers]
    qa[LABELS] = {"type": item.type, "reasoning": item.reasoning, "evidence": list(item.evidence)}
    return qa


def _start(answer: str, item: Any, context: str, canonical: bool) -> int:
    """Where an answer stands in the context: the canonical one inside its first evidence span,
    an alias at its first occurrence; -1 when it does not occur verbatim."""
    if canonical and item.evidence and answer in item.evidence[0]:
        return context.find(item.evidence[0]) + item.evidence[0].find(answer)
    return context.find(answer)


def _natural(article_id: str) -> list:
    """Sort key: digit runs compare as numbers (p999 before p1000)."""
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", article_id)]
