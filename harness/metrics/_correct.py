"""`correct`: does the answer say what a gold answer says? A 0/1 verdict per item, decided by
the first rule below that applies, and recorded with that rule so a reader can check it.
Answers and accepted answers are compared in canonical form (harness.metrics._answer_forms).

1. unanswerable item: correct only when the model abstains;
2. empty answer: wrong;
3. yes/no items: the answer's leading yes or no decides; without one, a statement that takes
   up the question's words means "no" when it is negated and "yes" otherwise;
4. the answer equals an accepted answer in canonical form, or does once spaces are ignored
   ("Chong-jin" = "Chongjin"): correct, even when it sounds like an abstention ("Unclear.");
5. an abstention on an answerable item: wrong;
   (from here on an accepted answer whose qualifier contradicts the answer's, "under" against
   "over", is not considered)
6. three or more short items ("Moscow, Beijing, Vladivostok") where no accepted answer is a
   list: wrong, a list of guesses;
7. the accepted answers hold a number and the answer gives numbers of that kind (years, or
   other quantities) but none of them, or the same number in another unit ("19 months" for
   "19 years"): wrong;
8. the answer holds an accepted answer as a whole phrase:
   - with "or"/"either" within three words of it ("Moscow or Vladivostok"): wrong, a hedge;
   - short (at most SHORT_LIST words) and joined by "and" to something the accepted answer
     does not hold ("China and Japan" for "China"): wrong, another candidate;
   - otherwise, in an answer of at most SENTENCE_WORDS words (one sentence): correct;
9. a title and part of an accepted name ("President Xi" for "Xi Jinping"): correct;
10. every content word of an accepted answer (stemmed; negations count) within a run of the
    answer a few words longer than that answer, and besides the question's own words at most
    EXTRA_WORDS others: correct;
11. at least MOST_WORDS of the content words of an accepted answer of three or more, the same
    negations, in an answer at most three words longer: correct ("a desire to notch a win" for
    "a strong desire to notch a win": three of four);
12. otherwise wrong.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence

from harness.metrics._answer_forms import Form, answer_form
from harness.metrics._numbers import is_year, number_value, numbers_in
from harness.tasks import Verdict
from harness.text import STOP_WORDS

SENTENCE_WORDS = 60  # an answer this long or shorter is one sentence around its answer
SHORT_LIST = 6  # "China and Japan": words of a short answer that names two candidates
EXTRA_WORDS = 4  # content words rule 10 allows beyond an accepted answer and the question
MOST_WORDS = 0.75  # share of an accepted answer's content words that rule 11 asks for
NEGATIONS = frozenset({"not", "no", "never", "nor", "neither", "without", "none"})
SOURCE_WORDS = frozenset({"articl", "text", "passag", "stori", "report", "say", "state"})  # stems: "the article says"
UNITS = frozenset(
    "second seconds minute minutes hour hours day days week weeks month months year years decade decades "
    "century centuries ton tons tonne tonnes kilogram kilograms kilometer kilometers kilometre kilometres "
    "mile miles meter meters metre metres percent dollar dollars won rubles ruble yuan euros euro".split()
)
_LIST_SEPARATOR = re.compile(r"\s*(?:,|;|/|\band\b|\bor\b)\s*", re.IGNORECASE)


def judge(answer: str, references: Sequence[str], question: str, abstained: bool) -> Verdict:
    """The verdict for one extracted answer (see the module doc for the rules, in order)."""
    if not references:
        if abstained:
            return Verdict(True, "abstains on a question the article does not answer")
        return Verdict(False, "answers a question the article does not answer")
    form = answer_form(answer)
    if not form.tokens:
        return Verdict(False, "empty answer")
    if _polarity(references[0]) is not None:
        return _yes_no(answer, references[0], question, abstained)
    forms = {reference: answer_form(reference) for reference in references}
    for reference, gold in forms.items():
        if _equal(form, gold):
            return Verdict(True, f"equals '{reference}' (canonical form)")
    if abstained:
        return Verdict(False, "abstains, but the article answers the question")
    return _beyond_equal(answer, form, forms, question)


def _beyond_equal(answer: str, form: Form, forms: dict[str, Form], question: str) -> Verdict:
    forms = {reference: gold for reference, gold in forms.items() if not _conflicting(form, gold)}
    if _guess_list(answer, forms):
        return Verdict(False, "lists several guesses")
    asked = answer_form(question)
    number = _number_mismatch(form, forms, asked)
    if number:
        return Verdict(False, number)
    for reference, gold in forms.items():
        found = _contained(answer, form, reference, gold)
        if found is not None:
            return found
    for reference, gold in forms.items():
        if form.titled and len(form.tokens) <= 2 and set(form.tokens) < set(gold.tokens):
            return Verdict(True, f"a title and part of the name '{reference}'")
    for reference, gold in forms.items():
        wanted = _content(gold.tokens)
        extra = _content(form.tokens) - wanted - _content(asked.tokens)
        if wanted and _within(form.tokens, wanted, len(gold.tokens) + 3) and len(extra) <= EXTRA_WORDS:
            return Verdict(True, f"has every content word of '{reference}'")
    for reference, gold in forms.items():
        wanted, said = _content(gold.tokens), _content(form.tokens)
        if (len(wanted) >= 3 and len(wanted & said) >= MOST_WORDS * len(wanted)
                and wanted & NEGATIONS == said & NEGATIONS and len(form.tokens) <= len(gold.tokens) + 3):
            return Verdict(True, f"has most content words of '{reference}'")
    return Verdict(False, "matches no accepted answer")


def _contained(answer: str, form: Form, reference: str, gold: Form) -> Verdict | None:
    """Rule 8 for one accepted answer; None when the answer does not hold it or is too long."""
    where = _find(form.tokens, gold.tokens)
    if where is None or len(form.tokens) > SENTENCE_WORDS:
        return None
    if _or_beside(form.tokens, where, len(gold.tokens)) and "or" not in gold.tokens:
        return Verdict(False, f"hedges between '{reference}' and another answer")
    rest = form.tokens[:where] + form.tokens[where + len(gold.tokens):]
    if len(form.tokens) <= SHORT_LIST and "and" in rest and "and" not in gold.tokens:
        return Verdict(False, f"names another candidate beside '{reference}'")
    return Verdict(True, f"contains '{reference}'")


def _polarity(text: str) -> str | None:
    """"yes" or "no" when the text begins with one (Yes, he does / No.), else None."""
    words = re.findall(r"[^\W_]+", text.lower())
    return words[0] if words and words[0] in ("yes", "no") else None


def _yes_no(answer: str, gold: str, question: str, abstained: bool) -> Verdict:
    said = _polarity(answer)
    if said is not None:
        return Verdict(said == _polarity(gold), f"answers '{said}' to a yes/no question")
    if abstained:
        return Verdict(False, "abstains, but the article answers the question")
    words = answer_form(answer).tokens
    if not _content(words) & (_content(answer_form(question).tokens) - NEGATIONS - SOURCE_WORDS):
        return Verdict(False, "gives no yes or no to a yes/no question")
    said = "no" if NEGATIONS & set(words) or any(w.endswith("nt") for w in words) else "yes"
    return Verdict(said == _polarity(gold), f"a statement about the question that means '{said}'")


def _equal(form: Form, gold: Form) -> bool:
    same = form.tokens == gold.tokens or "".join(form.tokens) == "".join(gold.tokens)
    return same and not _conflicting(form, gold)


def _conflicting(form: Form, gold: Form) -> bool:
    """"over 10,000" and "under 10,000" differ; a qualifier on one side only does not."""
    return bool(form.qualifiers and gold.qualifiers and not form.qualifiers & gold.qualifiers)


def _guess_list(answer: str, forms: dict[str, Form]) -> bool:
    """Three or more short items ("Moscow, Beijing, Vladivostok") where no accepted answer is a list."""
    parts = [p for p in _LIST_SEPARATOR.split(answer) if p.strip()]
    short = all(len(p.split()) <= 4 for p in parts)
    return len(parts) >= 3 and short and not any(len(_LIST_SEPARATOR.split(r)) >= 3 for r in forms)


def _number_mismatch(form: Form, forms: dict[str, Form], asked: Form) -> str | None:
    """Why the answer's numbers are not the gold's (none of them, or another unit), or None."""
    every = set(numbers_in(form.tokens))
    given = [n for n in numbers_in(form.tokens) if n not in numbers_in(asked.tokens)]
    for kind in (is_year, lambda n: not is_year(n)):
        wanted = {n for gold in forms.values() for n in numbers_in(gold.tokens) if kind(n)}
        said = [n for n in given if kind(n)]
        if wanted and said and not wanted & every:
            return f"gives {', '.join(said)} where the article says {', '.join(sorted(wanted))}"
    gold_units = {(n, u) for gold in forms.values() for n, u in _units(gold.tokens).items()}
    for number, unit in _units(form.tokens).items():
        if number in {n for n, _ in gold_units} and (number, unit) not in gold_units:
            expected = sorted(u for n, u in gold_units if n == number)
            return f"gives {number} {unit} where the article says {number} {expected[0]}"
    return None


def _units(tokens: Sequence[str]) -> dict[str, str]:
    """number -> the unit word right after it ("19 years" -> {"19": "year"}), singular."""
    return {a: b.rstrip("s") if b != "percent" else b for a, b in zip(tokens, tokens[1:])
            if number_value(a) is not None and b in UNITS}


def _find(tokens: tuple[str, ...], phrase: tuple[str, ...]) -> int | None:
    """Where `phrase` starts as a run of whole tokens of `tokens`, or None."""
    width = len(phrase)
    return next((i for i in range(len(tokens) - width + 1) if width and tokens[i:i + width] == phrase), None)


def _or_beside(tokens: tuple[str, ...], start: int, width: int) -> bool:
    """An "or" (or "either") within three tokens of the phrase at tokens[start:start + width]."""
    near = tokens[max(0, start - 3):start] + tokens[start + width:start + width + 3]
    return "or" in near or "either" in near


def _within(tokens: Sequence[str], wanted: set[str], width: int) -> bool:
    """Whether some run of at most `width` tokens holds every stem in `wanted`."""
    stems = [_stem(t) for t in tokens]
    for start, stem in enumerate(stems):
        if stem in wanted and wanted <= set(stems[start:start + width]):
            return True
    return False


def _content(tokens: Sequence[str]) -> set[str]:
    """Stems of the words that carry meaning; negations count ("not certain" is not "certain")."""
    return {_stem(t) for t in tokens if t not in STOP_WORDS or t in NEGATIONS}


@functools.lru_cache(maxsize=1 << 16)
def _stem(word: str) -> str:
    return _stemmer().stem(word)


@functools.lru_cache(maxsize=1)
def _stemmer():
    from nltk.stem import porter

    return porter.PorterStemmer()
