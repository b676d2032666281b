"""The rules of `correct` that read an answer as prose: its sentences and clauses, negations
before an accepted answer, short forms of names, words run together where spaces were lost, and
most of an accepted answer's content words in one sentence (harness.metrics._correct uses them)."""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence

from harness.metrics._answer_forms import MONTH_NAMES, TITLES, Form, answer_form
from harness.metrics._given_names import other_forms
from harness.text import STOP_WORDS

SENTENCE_WORDS = 60  # a sentence this long or shorter is one statement around its answer
NEGATIONS = frozenset({"not", "no", "never", "nor", "neither", "without", "none"})
NEGATION_REACH = 2  # a negation this many words before an accepted answer negates it
GLUE_WORDS = frozenset("for in on at by from with and the was is who which that as of to sang sings wrote won "
                       "played became".split())  # run into a name by lost spaces: "Luke Bryansang"
_SENTENCE_END = re.compile(r"(?<=[.!?])(?<!\b[A-Z]\.)\s+(?=[\"'\u201c\u2018(]?[A-Z0-9])|\n+")
WINDOW_EXTRA = 1  # the words of rule sentence_recall stand within the accepted answer's length and this many more
RECALL_SENTENCES = 4  # the first sentences of the answer rule sentence_recall reads
RECALL_LONG = 0.5  # the share for an accepted answer of four or more content words
RECALL = 0.66  # share of an accepted answer's content words one sentence of the answer must hold
_MODIFIER_START = frozenset("of for in from with to on at by".split())
_SUFFIXES = frozenset("jr sr ii iii iv v".split())
_LOST_SPACES = re.compile(r"[a-z]{2}[A-Z][a-z]|[a-z]{2}\d{1,2}(?:[\s.,;]|$)")
_ORDINAL = re.compile(r"(?<=\d)(?:st|nd|rd|th)$")
_CLAUSE_END = re.compile(r",(?!\d)|[;:!?()]|\.(?:\s|$)")


def without_ordinal(word: str) -> str:
    """A number written as an ordinal, as the number ("4th" -> "4"); any other word as it is."""
    return _ORDINAL.sub("", word)


def _no_suffix(words: list[str]) -> list[str]:
    """A name without a generational suffix ("Robert Gillespie Adamson IV" -> ... "Adamson")."""
    return words[:-1] if len(words) > 2 and words[-1].strip(".,").lower() in _SUFFIXES else words


def short_name(answer: str, reference: str, gold: Form) -> str | None:
    """A name of three or more capitalized words given by its first and last ("Shirley Jones" for
    "Shirley Mae Jones"); a name of two or more with a familiar form of its given name ("Kate
    Walsh" for "Kathleen Erin Walsh"); or the name that ends an accepted answer after lower-case
    words or a title ("George Huntington" for "the physician George Huntington", "John F.
    Kennedy" for "U.S. President John F. Kennedy"); stated in a sentence of the answer."""
    said = [s for s in sentences(answer) if len(s.split()) <= SENTENCE_WORDS]
    for short in _short_forms(reference):
        short_form = Form(tuple(short), gold.qualifiers)
        if any(find(answer_form(s).tokens, short) is not None and not negated(s, short_form) for s in said):
            return f"names '{' '.join(short)}' of '{reference}'"
    return None


def _short_forms(reference: str) -> list[tuple[str, ...]]:
    """The short forms of an accepted name that short_name looks for (none if it is no name)."""
    words = _no_suffix(reference.split())
    gold = answer_form(" ".join(words))
    capitalized = [w[:1].isupper() for w in words]
    titles = [i for i, w in enumerate(words[:-2]) if w.lower().strip(".,") in TITLES]
    if len(words) >= 3 and capitalized[-2:] == [True, True] and (titles or not capitalized[0]):
        run = next((i for i in range(len(words) - 1, -1, -1) if not capitalized[i]), -1) + 1
        if titles and titles[-1] + 1 > run:  # "U.S. President John F. Kennedy": the name after the last title
            run = titles[-1] + 1
        elif words[run - 1].lower() in STOP_WORDS:  # "the foundation of X" does not describe X
            return []
        name = answer_form(" ".join(words[run:])).tokens
        return [name] if len(name) >= 2 else []
    if all(capitalized) and len(words) == len(gold.tokens) and len(gold.tokens) >= 2:
        first, last = gold.tokens[0], gold.tokens[-1]
        shorts = [(first, last)] if len(gold.tokens) >= 3 else []
        return shorts + [(other, last) for other in other_forms(first)]
    return []


def sentences(answer: str) -> list[str]:
    """The answer's sentences: split after . ! ? before a capital, digit or quote, and at line breaks."""
    return [part for part in _SENTENCE_END.split(answer) if part.strip()]


def sentence_forms(answer: str) -> list[tuple[str, ...]]:
    """The canonical tokens of each sentence of the answer of at most SENTENCE_WORDS words."""
    forms = (answer_form(sentence).tokens for sentence in sentences(answer))
    return [tokens for tokens in forms if len(tokens) <= SENTENCE_WORDS]


def negated(answer: str, gold: Form) -> str | None:
    """The negation ("not", "never", ...) that stands at most NEGATION_REACH words before the
    accepted answer in a clause of the answer ("It was not South Korea"), unless the accepted
    answer is itself negated or the negation reads "not only"; else None."""
    if NEGATIONS & set(gold.tokens):
        return None
    for clause in _CLAUSE_END.split(answer):
        tokens = answer_form(clause).tokens if clause.strip() else ()
        where = find(tokens, gold.tokens)
        while where is not None:
            before = tokens[max(0, where - NEGATION_REACH):where]
            said = [t for t in before if t in NEGATIONS]
            if said and tokens[where:where + 1] != ("only",) and "only" not in before:
                return f"'{said[-1]}' before it"
            rest = find(tokens[where + 1:], gold.tokens)
            where = None if rest is None else where + 1 + rest
    return None


def find(tokens: tuple[str, ...], phrase: tuple[str, ...]) -> int | None:
    """Where `phrase` starts as a run of whole tokens of `tokens`, or None. Its last word may
    run into one of GLUE_WORDS where a space was lost ("luke bryansang" holds "luke bryan")."""
    width = len(phrase)
    if not width:
        return None
    head, last = phrase[:-1], phrase[-1]
    for i in range(len(tokens) - width + 1):
        if tokens[i] != phrase[0] and width > 1:
            continue
        end = tokens[i + width - 1]
        if tokens[i:i + width - 1] == head and (end == last or (
                len(last) >= 3 and end.startswith(last) and end[len(last):] in GLUE_WORDS)):
            return i
    return None


def content(tokens: Sequence[str]) -> set[str]:
    """Stems of the words that carry meaning; negations count ("not certain" is not "certain")."""
    return {stem(t) for t in tokens if t not in STOP_WORDS or t in NEGATIONS}


@functools.lru_cache(maxsize=1 << 16)
def stem(word: str) -> str:
    return _stemmer().stem(word)


@functools.lru_cache(maxsize=1)
def _stemmer():
    from nltk.stem import porter

    return porter.PorterStemmer()



def glued_contains(answer: str, form: Form, reference: str, gold: Form) -> str | None:
    """An answer whose spaces were lost ("thecellaornaos", shown by words glued to capitals or to
    citation marks) holds an accepted answer of five or more letters in its letters."""
    if not _LOST_SPACES.search(answer):
        return None
    wanted = "".join(gold.tokens)
    return f"holds '{reference}' where spaces were lost" if len(wanted) >= 5 and wanted in "".join(form.tokens) else None


def sentence_recall(answer: str, reference: str, gold: Form, asked: set[str]) -> str | None:
    """One of the answer's first RECALL_SENTENCES sentences holds, within the accepted answer's
    length and WINDOW_EXTRA more words, at least RECALL of its content words besides the
    question's (RECALL_LONG for four or more; two at
    least; the last one before a modifier such as "of ...", its head noun, among them), every number and month of it,
    and the same negations."""
    wanted = content(gold.tokens) - asked
    needed = {t for t in gold.tokens if t[:1].isdigit() or t in MONTH_NAMES}
    if len(wanted) < 2:
        return None
    head = {stem(t) for t in _head(gold)} & wanted
    for sentence in sentences(answer)[:RECALL_SENTENCES]:
        tokens = answer_form(sentence).tokens
        if len(tokens) > SENTENCE_WORDS or not needed <= set(tokens):
            continue
        stems = [stem(t) for t in tokens]
        if wanted & NEGATIONS != set(stems) & NEGATIONS:
            continue
        width = len(gold.tokens) + WINDOW_EXTRA
        windows = [wanted & set(stems[i:i + width]) for i in range(max(1, len(stems) - width + 1))]
        held = max((len(w) for w in windows if head <= w), default=0)
        if held >= 2 and held >= (RECALL if len(wanted) <= 3 else RECALL_LONG) * len(wanted):
            return f"has {held} of {len(wanted)} content words of '{reference}' together in a sentence"
    return None


def _head(gold: Form) -> list[str]:
    """The head word of an accepted answer, the last before a modifier such as "of ..."
    ("foundation" of "the foundation of North Korea", "researcher" of "a South Korean
    researcher"), as a list of at most one word."""
    cut = next((i for i, t in enumerate(gold.tokens) if i and t in _MODIFIER_START), len(gold.tokens))
    return [t for t in gold.tokens[:cut] if t not in STOP_WORDS or t in NEGATIONS][-1:]


def year_of_date(answer: str, reference: str, gold: Form) -> str | None:
    """An accepted answer that is a full date ("6 January 793", "August 5, 1937") and an answer
    sentence that gives its year, with no other month and no other day beside a month."""
    years = [t for t in gold.tokens if len(t) == 4 and t.isdigit() and 1000 <= int(t) <= 2999]
    months = {t for t in gold.tokens if t in MONTH_NAMES}
    days = [t for t in gold.tokens if t.isdigit() and len(t) <= 2]
    if len(years) != 1 or len(months) != 1 or len(days) != 1 or len(gold.tokens) != 3:
        return None  # only a full date: day, month and year
    for tokens in sentence_forms(answer)[:2]:
        if years[0] not in tokens or not {t for t in tokens if t in MONTH_NAMES} <= months:
            continue
        days = {tokens[i + d] for i, t in enumerate(tokens) if t in MONTH_NAMES for d in (-1, 1)
                if 0 <= i + d < len(tokens) and tokens[i + d].isdigit() and len(tokens[i + d]) <= 2}
        if days <= set(gold.tokens):
            return f"gives the year of '{reference}'"
    return None


def stem_contains(answer: str, reference: str, gold: Form) -> str | None:
    """A sentence of the answer holds the accepted answer word for word once words are stemmed
    ("an emperor" for "emperors"), not negated."""
    wanted = tuple(stem(t) for t in gold.tokens)
    if not content(gold.tokens):
        return None
    for sentence in sentences(answer):
        tokens = answer_form(sentence).tokens
        if len(tokens) <= SENTENCE_WORDS and find(tuple(stem(t) for t in tokens), wanted) is not None \
                and not negated(sentence, gold):
            return f"contains '{reference}' in other word forms"
    return None


VARIANT_SIMILARITY = 0.8  # difflib ratio of two words of VARIANT_LETTERS+ letters read as one spelled two ways
VARIANT_LETTERS = 5
VARIANT_ENDING = 2  # letters one word may add to another as an ending ("Russia" / "Russian")
VARIANT_WINDOW = 1  # all but one of the words stand within the accepted answer's length and this many more
VARIANT_SPREAD = 2  # every one of the words stands within the accepted answer's length, VARIANT_WINDOW and this many more


def word_variants(answer: str, reference: str, gold: Form, asked: set[str]) -> str | None:
    """A sentence of the answer (of at most SENTENCE_WORDS words) holds the content words of an
    accepted answer besides the question's, each as itself or a variant (`_variant`), and the
    negations among those words and no others (so a sentence with "not" or "no", which are stop
    words, never passes): every one of them within the accepted answer's length and VARIANT_WINDOW +
    VARIANT_SPREAD more words, or all but one (of three or more, the head word `_head` among
    them; of two, when the accepted answer has no capitalized word or digit: "holidays" for
    "the holiday season") within its length and VARIANT_WINDOW more, every number and month of it
    among them."""
    wanted = [t for t in dict.fromkeys(gold.tokens) if t not in STOP_WORDS and t not in asked]
    if not wanted:
        return None
    common = not any(word[:1].isupper() or word[:1].isdigit() for word in reference.split())
    needed = len(wanted) - 1 if len(wanted) >= 3 or (len(wanted) == 2 and common) else len(wanted)
    head = set(_head(gold)) & set(wanted) if len(wanted) >= 3 else set()
    head |= {word for word in wanted if word in MONTH_NAMES or any(c.isdigit() for c in word)}  # "November 16" is not "November 8"
    width = len(gold.tokens) + VARIANT_WINDOW
    for sentence in sentences(answer):
        tokens = answer_form(sentence).tokens
        if len(sentence.split()) > SENTENCE_WORDS or set(wanted) & NEGATIONS != set(tokens) & NEGATIONS:
            continue
        places = {word: [i for i, said in enumerate(tokens) if _variant(said, word)] for word in wanted}
        if len(_together(places, width + VARIANT_SPREAD)) == len(wanted):
            return f"has the content words of '{reference}' (or their variants) close together"
        held = _together(places, width, head)
        if len(held) >= needed:
            return f"has {len(held)} of {len(wanted)} content words of '{reference}' (or their variants) together"
    return None


def _together(places: dict[str, list[int]], width: int, head: set[str] = frozenset()) -> set[str]:
    """The most words of `places` (word -> its positions in the sentence) that one run of `width`
    tokens holds, among runs that hold every word of `head`."""
    best: set[str] = set()
    for start in sorted({i for found in places.values() for i in found}):
        held = {word for word, found in places.items() if any(start <= i < start + width for i in found)}
        if head <= held and len(held) > len(best):
            best = held
    return best


def _variant(said: str, word: str) -> bool:
    """The same word, or one spelled another way: the same first letter and a similarity of
    VARIANT_SIMILARITY ("Montezuma" / "Moctezuma"), or an ending of at most VARIANT_ENDING letters
    ("Russia" / "Russian"), both words VARIANT_LETTERS+ letters long; a word with a digit is only
    itself, or the ordinal of the same number ("4th" / "4")."""
    if said == word:
        return True
    if any(c.isdigit() for c in said + word):
        return without_ordinal(said) == without_ordinal(word)  # "Season 4" for "the fourth season"
    if min(len(said), len(word)) < VARIANT_LETTERS:
        return False
    if (said.startswith(word) or word.startswith(said)) and abs(len(said) - len(word)) <= VARIANT_ENDING:
        return True
    return said[0] == word[0] and _similarity(said, word) >= VARIANT_SIMILARITY


@functools.lru_cache(maxsize=65536)
def _similarity(a: str, b: str) -> float:
    import difflib

    return difflib.SequenceMatcher(None, a, b).ratio()
