"""`correct`: does the answer say what a gold answer says? A 0/1 verdict per item, decided by
the first rule below that applies, and recorded with that rule so a reader can check it.
Answers and accepted answers are compared in canonical form (harness.metrics._answer_forms).

1. unanswerable item: correct only when the model abstains;
2. empty answer: wrong;
3. yes/no items: "Yes and no" is wrong; else the answer's leading yes or no decides; without
   one, a statement that takes up the question's words means "no" when it is negated and "yes"
   otherwise;
4. the answer equals an accepted answer in canonical form, or does once spaces are ignored
   ("Chong-jin" = "Chongjin"): correct, even when it sounds like an abstention ("Unclear.");
5. an abstention on an answerable item: wrong (unless the answer begins with an accepted
   answer that sounds like one: "Unknown gunmen attacked ..." for "unknown gunmen");
   (from here on an accepted answer whose qualifier contradicts the answer's, "under" against
   "over", is not considered)
6. a list of guesses (_guess_list): wrong;
7. every accepted answer holds a number of a kind the answer gives, and none of them is given,
   or the same number comes in another unit ("19 months" for "19 years"), or the answer's dates
   of an accepted date's year all differ from it ("July 10, 1979" for "21 July 1979"): wrong;
8. the answer holds an accepted answer as a whole phrase:
   - a negation at most NEGATION_REACH words before it in its clause: wrong, negates;
   - with "or"/"either" within three words of it in an answer of at most HEDGE_WORDS words,
     and no other accepted answer on the other side: wrong, a hedge;
   - short (at most SHORT_LIST words) and joined by "and" to something the accepted answer
     does not hold ("China and Japan" for "China"): wrong, another candidate;
   - otherwise, in an answer of at most SENTENCE_WORDS words or in one of its sentences: correct;
9. the short form of an accepted name in a sentence ("Shirley Jones" for "Shirley Mae Jones",
   "Kate Walsh" for "Kathleen Erin Walsh", "John F. Kennedy" for "U.S. President John F. Kennedy"): correct;
10. a title and part of an accepted name ("President Xi" for "Xi Jinping"): correct;
11. every content word of an accepted answer (stemmed; negations count) within a run of the
    answer a few words longer than that answer, and besides the question's own words at most
    EXTRA_WORDS others: correct;
12. at least MOST_WORDS of the content words of an accepted answer of three or more, the same
    negations, in an answer at most three words longer: correct;
13-16. in a sentence of the answer: the accepted answer in other word forms; its letters where
    spaces were lost; the year of a full date; most of its content words together with its
    head word (harness.metrics._correct_prose): correct;
17. in a sentence of the answer, close together, the accepted answer's content words (all, or
    all but one) or their spelling variants and endings ("Montezuma II" for "Moctezuma II";
    _correct_prose.word_variants): correct;
18. otherwise wrong.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from harness.metrics._answer_forms import MONTH_NAMES, Form, answer_form
from harness.metrics._correct_prose import NEGATIONS, SENTENCE_WORDS, find as _find, glued_contains, negated as _negated, \
    sentence_forms as _sentence_forms, sentence_recall, short_name as _short_name, stem_contains, without_ordinal, \
    word_variants, year_of_date, content as _content, stem as _stem
from harness.metrics._numbers import is_year, number_value, numbers_in
from harness.tasks import Verdict
from harness.text import STOP_WORDS

SHORT_LIST = 6  # "China and Japan": words of a short answer that names two candidates
EXTRA_WORDS = 4  # content words rule 10 allows beyond an accepted answer and the question
MOST_WORDS = 0.75  # share of an accepted answer's content words that rule 11 asks for
HEDGE_WORDS = 10  # "X or Y" is a hedge in an answer this short; in longer prose "or" is a rewording
SOURCE_WORDS = frozenset({"articl", "text", "passag", "stori", "report", "say", "state"})  # stems: "the article says"
UNITS = frozenset(
    "second seconds minute minutes hour hours day days week weeks month months year years decade decades "
    "century centuries ton tons tonne tonnes kilogram kilograms kilometer kilometers kilometre kilometres "
    "mile miles meter meters metre metres percent dollar dollars won rubles ruble yuan euros euro".split()
)
_PLACE = re.compile(r"^([A-Z][^,()]*), ([A-Z][^,()]*)$")  # "Munich, Bavaria"
_PARENTHESIS = re.compile(r"^([^()]+?)\s*\(([^()]+)\)$")
_LIST_SEPARATOR = re.compile(r"[,;/]|\band\b|\bor\b", re.IGNORECASE)  # no \s* around it: linear in spaces


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
    forms = {reference: answer_form(reference) for reference in _with_parts(references)}
    for reference, gold in forms.items():
        if _equal(form, gold):
            return Verdict(True, f"equals '{reference}' (canonical form)")
    if abstained and not _abstains_in_gold_words(form, forms):
        return Verdict(False, "abstains, but the article answers the question")
    return _beyond_equal(answer, form, forms, question)


def _with_parts(references: Sequence[str]) -> list[str]:
    """The accepted answers, and for one written "X (Y)" ("adenosine diphosphate (ADP)") or "X, Y"
    of two capitalized names ("Munich, Bavaria") X and Y too."""
    out = list(references)
    for reference in references:
        match = _PARENTHESIS.match(reference) or _PLACE.match(reference)
        if match:
            out += [part for part in match.groups() if part.strip() and part not in out]
    return out


def _abstains_in_gold_words(form: Form, forms: dict[str, Form]) -> bool:
    """The answer begins with an accepted answer that itself sounds like an abstention
    ("Unknown gunmen attacked ..." for "unknown gunmen"): the words are the answer's, not a refusal."""
    from harness.tasks._abstention import is_abstention

    return any(gold.tokens and form.tokens[:len(gold.tokens)] == gold.tokens and is_abstention(reference, "\x00")
               for reference, gold in forms.items())


def _beyond_equal(answer: str, form: Form, forms: dict[str, Form], question: str) -> Verdict:
    forms = {reference: gold for reference, gold in forms.items() if not _conflicting(form, gold)}
    if _guess_list(answer, forms):
        return Verdict(False, "lists several guesses")
    asked = answer_form(question)
    number = _number_mismatch(form, forms, asked) or _date_mismatch(form, forms, asked)
    if number:
        return Verdict(False, number)
    for reference, gold in forms.items():
        found = _contained(answer, form, reference, gold, forms)
        if found is not None:
            return found
    for reference, gold in forms.items():
        found = _short_name(answer, reference, gold)
        if found is not None:
            return Verdict(True, found)
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
    for rule in (lambda r, g: stem_contains(answer, r, g), lambda r, g: glued_contains(answer, form, r, g),
                 lambda r, g: year_of_date(answer, r, g),
                 lambda r, g: sentence_recall(answer, r, g, _content(asked.tokens)),
                 lambda r, g: word_variants(answer, r, g, set(asked.tokens))):
        for reference, gold in forms.items():
            found = rule(reference, gold)
            if found is not None:
                return Verdict(True, found)
    return Verdict(False, "matches no accepted answer")


def _contained(answer: str, form: Form, reference: str, gold: Form, forms: dict[str, Form]) -> Verdict | None:
    """Rule 8 for one accepted answer; None when the answer does not hold it, or holds it only
    in a run of more than SENTENCE_WORDS words without a sentence break."""
    where = _find(form.tokens, gold.tokens)
    if where is None:
        return None
    place = ""
    if len(form.tokens) > SENTENCE_WORDS:
        if not any(_find(tokens, gold.tokens) is not None for tokens in _sentence_forms(answer)):
            return None
        place = " in one of its sentences"
    negated = _negated(answer, gold)
    if negated:
        return Verdict(False, f"negates '{reference}' ({negated})")
    if (len(form.tokens) <= HEDGE_WORDS and _or_beside(form.tokens, where, len(gold.tokens))
            and "or" not in gold.tokens and not _other_side_accepted(form, where, gold, forms)):
        return Verdict(False, f"hedges between '{reference}' and another answer")
    rest = form.tokens[:where] + form.tokens[where + len(gold.tokens):]
    if len(form.tokens) <= SHORT_LIST and "and" in rest and "and" not in gold.tokens:
        return Verdict(False, f"names another candidate beside '{reference}'")
    return Verdict(True, f"contains '{reference}'{place}")


def _other_side_accepted(form: Form, where: int, gold: Form, forms: dict[str, Form]) -> bool:
    """The words joined to the accepted answer by "or" begin or end with another accepted answer
    ("hectogon or hecatontagon")."""
    after = form.tokens[where + len(gold.tokens):]
    before = form.tokens[:where]
    sides = []
    if "or" in after[:3]:
        sides.append(after[after.index("or") + 1:][:3])
    if "or" in before[-3:]:
        sides.append(before[:len(before) - 1 - before[::-1].index("or")][-3:])
    others = [other.tokens for other in forms.values() if other is not gold and other.tokens]
    return any(side[:len(other)] == other or side[-len(other):] == other for side in sides for other in others)


def _polarity(text: str) -> str | None:
    """"yes" or "no" when the text begins with one (Yes, he does / No.), or is at most three words
    holding one ("Typically, no"), else None."""
    words = re.findall(r"[^\W_]+", text.lower())
    if words and words[0] in ("yes", "no"):
        return words[0]
    said = [w for w in words if w in ("yes", "no")] if len(words) <= 3 else []
    return said[0] if len(set(said)) == 1 else None


def _both_polarities(text: str) -> bool:
    """"Yes and no.", "yes or no": the answer gives both."""
    words = re.findall(r"[^\W_]+", text.lower())[:3]
    return "yes" in words and "no" in words


def _yes_no(answer: str, gold: str, question: str, abstained: bool) -> Verdict:
    if _both_polarities(answer):
        return Verdict(False, "answers both 'yes' and 'no' to a yes/no question")
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
    """Three or more short items ("Moscow, Beijing, Vladivostok"), or four or more and a longer
    last part that holds no accepted answer ("..., all of them countries Kim has courted"), where
    no accepted answer is a list and at most one item holds an accepted answer."""
    parts = [p for p in _LIST_SEPARATOR.split(answer) if p.strip()]
    short = [len(p.split()) <= 4 for p in parts]
    tail = not short[-1] if parts else False
    if sum(short) < 3 + tail or not all(short[:-1]) or any(len(_LIST_SEPARATOR.split(r)) >= 3 for r in forms):
        return False
    hits = [any(_find(answer_form(p).tokens, gold.tokens) is not None for gold in forms.values()) for p in parts]
    return sum(hits) <= 1 and not (tail and hits[-1])


def _number_mismatch(form: Form, forms: dict[str, Form], asked: Form) -> str | None:
    """Why the answer's numbers are not the gold's (none of them, or another unit), or None.
    Each accepted answer is checked on its own: one whose numbers of a kind the answer gives, or
    one with no number of that kind, leaves the answer to the later rules."""
    every = set(numbers_in(form.tokens))
    given = [n for n in numbers_in(form.tokens) if n not in numbers_in(asked.tokens)]
    for kind in (is_year, lambda n: not is_year(n)):
        per_gold = [{n for n in numbers_in(gold.tokens) if kind(n)} for gold in forms.values()]
        said = [n for n in given if kind(n)]
        if said and per_gold and all(wanted and not wanted & every for wanted in per_gold):
            wanted = set().union(*per_gold)
            return f"gives {', '.join(said)} where the article says {', '.join(sorted(wanted))}"
    gold_units = {(n, u) for gold in forms.values() for n, u in _units(gold.tokens).items()}
    for number, unit in _units(form.tokens).items():
        if number in {n for n, _ in gold_units} and (number, unit) not in gold_units:
            expected = sorted(u for n, u in gold_units if n == number)
            return f"gives {number} {unit} where the article says {number} {expected[0]}"
    return None


def _date_mismatch(form: Form, forms: dict[str, Form], asked: Form) -> str | None:
    """Why the answer's dates are not the gold's, or None: an accepted answer is a date of a year
    (a month and the year, with or without the day), the answer gives dates of that year, and none
    of them agrees with an accepted one (the same month, and the same day where both give one):
    "July 10, 1979" for "21 July 1979", even when "1979" is accepted too."""
    wanted = {date for gold in forms.values() for date in _dates(gold.tokens) if date[2]}
    said = [date for date in _dates(form.tokens) if date[2] in {year for _, _, year in wanted}
            and date[0] not in asked.tokens]
    if not said or any(_same_date(a, b) for a in said for b in wanted):
        return None
    return f"gives {_written(said[0])} where the article says {', '.join(sorted(map(_written, wanted)))}"


def _dates(tokens: Sequence[str]) -> list[tuple[str, str | None, str | None]]:
    """(month, day or None, year or None) for each month the tokens name: its day the number of
    1-31 beside it, its year a four-digit number at most two tokens after it."""
    out = []
    for index, token in enumerate(tokens):
        if token in MONTH_NAMES:
            beside = [without_ordinal(tokens[i]) for i in (index - 1, index + 1) if 0 <= i < len(tokens)]
            days = [d for d in beside if d.isdigit() and 1 <= int(d) <= 31 and len(d) <= 2]
            years = [y for y in tokens[index + 1:index + 3] if len(y) == 4 and y.isdigit()]
            out.append((token, days[0] if days else None, years[0] if years else None))
    return out


def _same_date(a: tuple, b: tuple) -> bool:
    return a[0] == b[0] and a[2] == b[2] and (a[1] is None or b[1] is None or a[1] == b[1])


def _written(date: tuple) -> str:
    return " ".join(part for part in date if part)


def _units(tokens: Sequence[str]) -> dict[str, str]:
    """number -> the unit word right after it ("19 years" -> {"19": "year"}), singular."""
    return {a: b.rstrip("s") if b != "percent" else b for a, b in zip(tokens, tokens[1:])
            if number_value(a) is not None and b in UNITS}




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
