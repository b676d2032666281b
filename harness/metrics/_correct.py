"""`correct`: does the answer say what a gold answer says? A 0/1 verdict per item, decided by
the first rule below that applies, and recorded with that rule so a reader can check it.

1. unanswerable item: correct only when the model abstains;
2. an abstention on an answerable item is wrong;
3. an empty answer is wrong;
4. yes/no items: the polarity of the answer's leading yes or no decides;
5. the answer equals an accepted answer in canonical form (harness.metrics._answer_forms:
   numbers, dates, abbreviations, names, qualifiers); from here on, an accepted answer whose
   qualifier contradicts the answer's ("under" against "over") is not considered;
6. the answer lists three or more short guesses: wrong;
7. the accepted answers hold a number and the answer gives numbers of that kind (years, or
   other quantities) but none of them: wrong;
8. the answer contains an accepted answer as a whole phrase (canonical forms): wrong when an
   "or" stands next to it ("Moscow or Vladivostok"), correct when the rest of the answer is
   the question's own words and at most EXTRA_WORDS others ("They met in Hanoi.", "Kim's
   primary concern is improving his country's economy."), else not decided here;
9. the answer is a title and part of an accepted name ("President Xi" for "Xi Jinping"):
   correct;
10. the answer holds every content word of an accepted answer (stemmed), besides the
   question's own words and at most EXTRA_WORDS others: correct;
11. otherwise wrong.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass

from harness.metrics._answer_forms import Form, answer_form
from harness.metrics._numbers import is_year, numbers_in
from harness.text import STOP_WORDS

EXTRA_WORDS = 4  # content words an answer may add to an accepted answer and the question's words
_LIST_SEPARATOR = re.compile(r"\s*(?:,|;|/|\band\b|\bor\b)\s*", re.IGNORECASE)


@dataclass(frozen=True)
class Verdict:
    """A 0/1 verdict and the rule that decided it, in words."""

    correct: bool
    rule: str

    @property
    def value(self) -> float:
        return float(self.correct)


def judge(answer: str, references: Sequence[str], question: str, abstained: bool) -> Verdict:
    """The verdict for one extracted answer (see the module doc for the rules, in order)."""
    if not references:
        if abstained:
            return Verdict(True, "abstains on a question the article does not answer")
        return Verdict(False, "answers a question the article does not answer")
    if abstained:
        return Verdict(False, "abstains, but the article answers the question")
    form = answer_form(answer)
    if not form.tokens:
        return Verdict(False, "empty answer")
    if _polarity(references[0]) is not None:
        return _yes_no(answer, references[0])
    forms = {reference: answer_form(reference) for reference in references}
    for reference, gold in forms.items():
        if _equal(form, gold):
            return Verdict(True, f"equals '{reference}' (canonical form)")
    return _beyond_equal(answer, form, forms, question)


def _beyond_equal(answer: str, form: Form, forms: dict[str, Form], question: str) -> Verdict:
    if _guess_list(answer, forms):
        return Verdict(False, "lists several guesses")
    number = _number_mismatch(form, forms, question)
    if number:
        return Verdict(False, number)
    asked = _content(answer_form(question).tokens)
    forms = {reference: gold for reference, gold in forms.items() if not _conflicting(form, gold)}
    for reference, gold in forms.items():
        where = _find(form.tokens, gold.tokens)
        if where is None:
            continue
        if _or_beside(form.tokens, where, len(gold.tokens)) and "or" not in gold.tokens:
            return Verdict(False, f"hedges between '{reference}' and another answer")
        if _extra(form, gold, asked) <= EXTRA_WORDS:
            return Verdict(True, f"contains '{reference}'")
    for reference, gold in forms.items():
        if form.titled and len(form.tokens) <= 2 and set(form.tokens) < set(gold.tokens):
            return Verdict(True, f"a title and part of the name '{reference}'")
    for reference, gold in forms.items():
        wanted = _content(gold.tokens)
        if wanted and wanted <= _content(form.tokens) and _extra(form, gold, asked) <= EXTRA_WORDS:
            return Verdict(True, f"has every content word of '{reference}'")
    return Verdict(False, "matches no accepted answer")


def _polarity(text: str) -> str | None:
    """"yes" or "no" when the text begins with one (Yes, he does / No.), else None."""
    words = re.findall(r"[^\W_]+", text.lower())
    return words[0] if words and words[0] in ("yes", "no") else None


def _yes_no(answer: str, gold: str) -> Verdict:
    said = _polarity(answer)
    if said is None:
        return Verdict(False, "gives no yes or no to a yes/no question")
    return Verdict(said == _polarity(gold), f"answers '{said}' to a yes/no question")


def _equal(form: Form, gold: Form) -> bool:
    return form.tokens == gold.tokens and not _conflicting(form, gold)


def _conflicting(form: Form, gold: Form) -> bool:
    """"over 10,000" and "under 10,000" differ; a qualifier on one side only does not."""
    return bool(form.qualifiers and gold.qualifiers and not form.qualifiers & gold.qualifiers)


def _guess_list(answer: str, forms: dict[str, Form]) -> bool:
    """Three or more short items ("Moscow, Beijing, Vladivostok") where no accepted answer is a list."""
    parts = [p for p in _LIST_SEPARATOR.split(answer) if p.strip()]
    short = all(len(p.split()) <= 4 for p in parts)
    return len(parts) >= 3 and short and not any(len(_LIST_SEPARATOR.split(r)) >= 3 for r in forms)


def _number_mismatch(form: Form, forms: dict[str, Form], question: str) -> str | None:
    """The gold's numbers are missing and other numbers of the same kind stand instead."""
    asked = set(numbers_in(answer_form(question).tokens))
    given = [n for n in numbers_in(form.tokens) if n not in asked]
    for kind in (is_year, lambda n: not is_year(n)):
        wanted = {n for gold in forms.values() for n in numbers_in(gold.tokens) if kind(n)}
        said = [n for n in given if kind(n)]
        if wanted and said and not wanted & set(said):
            return f"gives {', '.join(said)} where the article says {', '.join(sorted(wanted))}"
    return None


def _find(tokens: tuple[str, ...], phrase: tuple[str, ...]) -> int | None:
    """Where `phrase` starts as a run of whole tokens of `tokens`, or None."""
    width = len(phrase)
    return next((i for i in range(len(tokens) - width + 1) if width and tokens[i:i + width] == phrase), None)


def _or_beside(tokens: tuple[str, ...], start: int, width: int) -> bool:
    """An "or" (or "either") within three tokens of the phrase at tokens[start:start + width]."""
    near = tokens[max(0, start - 3):start] + tokens[start + width:start + width + 3]
    return "or" in near or "either" in near


def _extra(form: Form, gold: Form, asked: set[str]) -> int:
    """Content words of the answer that are neither the gold's nor the question's."""
    return len(_content(form.tokens) - _content(gold.tokens) - asked)


def _content(tokens: Sequence[str]) -> set[str]:
    return {_stem(t) for t in tokens if t not in STOP_WORDS}


@functools.lru_cache(maxsize=1 << 16)
def _stem(word: str) -> str:
    return _stemmer().stem(word)


@functools.lru_cache(maxsize=1)
def _stemmer():
    from nltk.stem import porter

    return porter.PorterStemmer()
