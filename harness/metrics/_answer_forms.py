"""Answer text in one canonical form, for deciding whether two answers say the same thing.

Unlike SQuAD normalization (harness.text), this one knows what answers look like:
- names: hyphens and spaces are the same ("Kim Jong-il" = "Kim Jong Il"); a title before a
  name is dropped ("President Xi" -> "xi"); a possessive 's is dropped;
- abbreviations and their expansions, from the shipped table ABBREVIATIONS (U.N. = UN =
  United Nations, ...); a gold item extends it by listing more aliases;
- numbers (harness.metrics._numbers): digits and words, separators, multiples, money,
  ordinals, ranges of years;
- qualifiers: "more than", "over", "above", "at least" read "over"; "fewer than", "less than",
  "under", "below" read "under"; "up to", "as many as", "at most" read "upto"; "about",
  "around", "nearly", "roughly", "approximately", "almost", "some", "an estimated" are dropped;
- dates: month abbreviations spelled out ("Feb." = "February"); "in the year 2000" = "2000";
- a leading preposition ("in", "on", "at", "by", "since", "during", "from") and the words
  a/an/the are dropped, as are punctuation and case.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, localcontext

from harness.metrics._numbers import MAX_DIGITS, canonical_numbers, number_value

# Written form (matched case-sensitively, as a whole word) -> what it stands for.
ABBREVIATIONS: dict[str, str] = {
    "U.N.": "United Nations", "UN": "United Nations",
    "U.S.": "United States", "US": "United States", "U.S.A.": "United States", "USA": "United States",
    "America": "United States", "the States": "United States",
    "U.K.": "United Kingdom", "UK": "United Kingdom", "Britain": "United Kingdom",
    "Great Britain": "United Kingdom",
    "EU": "European Union", "E.U.": "European Union",
    "USSR": "Soviet Union", "U.S.S.R.": "Soviet Union",
    "DPRK": "North Korea", "D.P.R.K.": "North Korea", "N. Korea": "North Korea", "NKorea": "North Korea",
    "ROK": "South Korea", "S. Korea": "South Korea", "SKorea": "South Korea",
    "Russian Federation": "Russia", "PRC": "China", "People's Republic of China": "China",
    "UNSC": "United Nations Security Council",
    "NATO": "North Atlantic Treaty Organization",
}
TITLES = frozenset(
    "president vice leader chairman chairwoman premier prime minister mr mrs ms dr gen general "
    "king queen prince chancellor secretary senator sen supreme foreign state".split()
)
QUALIFIERS = {
    "more than": "over", "over": "over", "above": "over", "at least": "over", "upwards of": "over",
    "in excess of": "over", "fewer than": "under", "less than": "under", "under": "under",
    "below": "under", "up to": "upto", "as many as": "upto", "at most": "upto", "about": "",
    "around": "", "nearly": "", "roughly": "", "approximately": "", "almost": "", "some": "",
    "an estimated": "", "estimated": "", "approx": "",
}
MONTHS = {
    "jan": "january", "feb": "february", "mar": "march", "apr": "april", "jun": "june", "jul": "july",
    "aug": "august", "sep": "september", "sept": "september", "oct": "october", "nov": "november",
    "dec": "december",
}
MONTH_NAMES = frozenset("january february march april may june july august september october november december".split())
PREPOSITIONS = frozenset("in on at by since during from".split())
# Spellings of one unit; durations read in years, so "18 months" = "a year and a half".
UNIT_SPELLINGS = {"tonnes": "tons", "tonne": "ton", "metric tons": "tons", "kilometres": "kilometers",
                  "kilometre": "kilometer", "kms": "kilometers", "km": "kilometers", "per cent": "percent"}
ARTICLES = frozenset("a an the".split())

_CONTINENTS = "(?<!North )(?<!South )(?<!Latin )(?<!Central )"  # "South America" is not the United States


def _pattern(form: str) -> str:
    """A written form as a whole word, exactly as written (UN, not "un" in "until")."""
    after = r"(?!\w)" if form[-1] == "." else r"\b"
    return (_CONTINENTS if form == "America" else "") + rf"(?<![\w.]){re.escape(form)}{after}"


_ABBREVIATION = re.compile("|".join(_pattern(form) for form in sorted(ABBREVIATIONS, key=len, reverse=True)))
_DASHES = re.compile("[\u2010-\u2015\u2212]")
_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'})
_NUMBER_DASH = re.compile(r"(?<=\d)\s*-\s*(?=\d)")
_KEEP = re.compile(r"\d+(?:\.\d+)?(?:e[+-]?\d+|\^-?\d+)(?![\w.])|\d+(?:/\d+)+|\d+(?:[.,]\d+)*[^\W\d_]*|[^\W_]+|\$|-"
                   r"|[,;:!?()]")  # "10x", "2nd" stay one token
_SUPERSCRIPTS = str.maketrans("\u2070\u00b9\u00b2\u00b3\u2074\u2075\u2076\u2077\u2078\u2079\u207b",
                              "0123456789-")
_POWER = re.compile("(?<=\\d)[\u207b]?[\u2070\u00b9\u00b2\u00b3\u2074-\u2079]+")
_FRACTION = re.compile("(\\d*)([\u00bc-\u00be\u2150-\u215e])")
_BRACKETED = re.compile(r"\[\d{1,3}\]")
_STOPS = frozenset(",;:!?()")  # punctuation kept only until titles are dropped ("Amartya Sen, a ...")
_GLUED_CASE = re.compile(r"(?<=[a-z]{2})(?=[A-Z][a-z])|(?<=[a-z]{2})(?=\d)(?!\d*(?:st|nd|rd|th|s)\b)")
_CITATION = re.compile(r"(?:(?<=[a-z]{2})|(?<=[)\]\u201d\"]))\d{1,2}(?=[\s.,;:!?)\]]|$)")
_GLUED_DIGITS = re.compile(r"(?<=\d)(?=[a-z]{3,}\b)(?<!\bfold)")
_MONTH_WORDS = "|".join(word.capitalize() for word in sorted(MONTH_NAMES | set(MONTHS), key=len, reverse=True))
_CITATION_END = r"(?=[.,;:!?)\]]|\s*$|\s+[A-Z(])"  # where a footnote mark stands: the end of a sentence
# A citation mark glued to a year: after a month ("October 24, 20171", "January 20071") or after
# letters where a space was lost ("in19791"); the year of a date has four digits.
_CITED_DATE = re.compile(rf"(\b(?:{_MONTH_WORDS})\.?\s+(?:\d{{1,2}}(?:st|nd|rd|th)?,?\s+)?)((?:1\d|20)\d\d)\d{{1,2}}{_CITATION_END}")
_CITED_GLUED_YEAR = re.compile(rf"(?<=[a-z]{{2}})((?:1\d|20)\d\d)\d{{1,2}}{_CITATION_END}")
# A citation mark glued to a number written in groups of three: "$75,0001" is "$75,000".
_CITED_GROUPS = re.compile(rf"(?<![\d.,])(\d{{1,3}}(?:,\d{{3}})+)\d{{1,2}}{_CITATION_END}(?!\.\d|,\d)")
_UNIT = re.compile("|".join(rf"(?<!\w){re.escape(u)}(?!\w)" for u in sorted(UNIT_SPELLINGS, key=len, reverse=True)))
_QUALIFIER = re.compile(r"\b(" + "|".join(sorted(map(re.escape, QUALIFIERS), key=len, reverse=True)) + r")\b")


@dataclass(frozen=True)
class Form:
    """An answer in canonical form: its tokens, and the qualifiers it had ("over", "under", "upto")."""

    tokens: tuple[str, ...]
    qualifiers: frozenset[str]
    titled: bool = False  # a title stood before a name ("President Xi")

    @property
    def text(self) -> str:
        return " ".join(self.tokens)


def unglued(text: str) -> str:
    """Text with glued words apart and citation marks gone ("byWilliam Wyler1" -> "by William
    Wyler", "in2013after" -> "in 2013 after", "(1994)1" -> "(1994)")."""
    text = _CITATION.sub("", text)
    text = _CITED_GLUED_YEAR.sub(r" \1", text)
    text = _GLUED_CASE.sub(" ", text)
    text = _CITED_DATE.sub(r"\1\2", text)
    text = _CITED_GROUPS.sub(r"\1", text)
    return _GLUED_DIGITS.sub(" ", text)


def _plain(text: str) -> str:
    """Powers and vulgar fractions in words NFKC keeps apart ("10\u2074" -> "10^4", "1\u00bd" ->
    "1 1/2"), then NFKC, accents dropped ("Rodr\u00edguez" -> "Rodriguez"), bracketed citation
    marks dropped ("Gardner[4]")."""
    if text.isascii():
        return _BRACKETED.sub("", text)
    text = _POWER.sub(lambda m: "^" + m.group(0).translate(_SUPERSCRIPTS), text)
    text = _FRACTION.sub(lambda m: _vulgar(m.group(1), m.group(2)), text)
    text = unicodedata.normalize("NFKD", text)
    text = unicodedata.normalize("NFKC", "".join(c for c in text if not unicodedata.combining(c)))
    return _BRACKETED.sub("", text)


def _vulgar(whole: str, char: str) -> str:
    """"1" and "\u00bd" -> "1.5"; a fraction that is no finite decimal stays a fraction ("1/3")."""
    fraction = unicodedata.numeric(char)
    if fraction * 8 != int(fraction * 8):
        written = unicodedata.normalize("NFKC", char).replace("\u2044", "/")
        return f"{whole} {written}" if whole else written
    value = Decimal(whole or 0) + Decimal(str(fraction))
    return format(value.normalize(), "f")


@functools.lru_cache(maxsize=1 << 15)
def answer_form(text: str) -> Form:
    """The canonical form of an answer (see the module doc)."""
    text = unglued(_plain(text).translate(_QUOTES))
    text = _DASHES.sub("-", text)
    text = _ABBREVIATION.sub(lambda m: ABBREVIATIONS[m.group(0)], text)
    text = re.sub(r"\bus\$|\$", " $ ", text.lower())
    text = re.sub(r"united states \$", " $ ", text)  # "US$" read as U.S. then $
    text = re.sub(r"'s\b|'", "", text)
    text = _UNIT.sub(lambda m: UNIT_SPELLINGS[m.group(0)], text.replace("%", " percent"))
    text = re.sub(r"\b(a|one) (year|month) and a half\b", r"1.5 \2s", text)
    text = _NUMBER_DASH.sub(" - ", text)
    text = re.sub(r"(?<=[^\W\d_])(?<!\de)-(?=\w)|(?<=\d)-(?=[^\W\d_])", " ", text)  # Jong-il, 10-fold; not 1e-3
    qualifiers = frozenset(q for q in (QUALIFIERS[m] for m in _QUALIFIER.findall(text)) if q)
    text = _QUALIFIER.sub(" ", text)
    tokens = _in_years(canonical_numbers(_KEEP.findall(text)))
    tokens = [MONTHS.get(t, t) for t in tokens if t not in ARTICLES and t != "-"]
    named = [t for t in _drop_titles(tokens) if t not in _STOPS]
    tokens = [t for t in tokens if t not in _STOPS]
    return Form(tuple(_drop_leading(named)), qualifiers, titled=len(named) < len(tokens))


def _in_years(tokens: list[str]) -> list[str]:
    """A number of months reads as years ("18 months" -> "1.5 years"), so durations compare."""
    out = list(tokens)
    for index in range(len(out) - 1):
        value = number_value(out[index])
        if value is not None and out[index + 1] in ("month", "months"):
            with localcontext() as context:
                context.prec = 4 * MAX_DIGITS
                years = (value / 12).quantize(Decimal("0.000001")).normalize()
            out[index], out[index + 1] = format(years, "f"), "years"
    return out


def _drop_titles(tokens: list[str]) -> list[str]:
    """A run of titles before a name goes ("prime minister abe" -> "abe"); titles that end the
    answer or come before "of" stay ("the president", "president of russia")."""
    kept, index = [], 0
    while index < len(tokens):
        end = index
        while end < len(tokens) and tokens[end] in TITLES:
            end += 1
        if end > index and end < len(tokens) and tokens[end] not in ("of", "and", "s") and tokens[end] not in _STOPS:
            index = end  # the titles go, the name stays
            continue
        kept += tokens[index:end + 1] if end > index else [tokens[index]]
        index = max(end + 1, index + 1)
    return kept


def _drop_leading(tokens: list[str]) -> list[str]:
    """A leading preposition ("in February") and "in the year" ("in the year 2000") go."""
    if tokens[:2] == ["in", "year"] and len(tokens) > 2:
        return tokens[2:]
    if tokens and tokens[0] in PREPOSITIONS and len(tokens) > 1:
        return tokens[1:]
    return tokens
