"""Numbers in answers, written any way: "ten thousand", "10,000", "10k", "$1 billion", "1.5
million", "tenfold", "10x", "second", "1950-53". `canonical_numbers` rewrites a lower-cased,
tokenized answer so that equal quantities read the same.

Canonical forms: a plain number in digits without separators ("10000", "1.5"), a multiple as
"<n> fold" (tenfold, ten times, 10-fold, 10x), an ordinal as "<n>th" ("2th" for second: only
compared with itself), money as "<n> dollar", a range as "<a> to <b>" with a two-digit end
year completed ("1950-53" -> "1950 to 1953").
"""

from __future__ import annotations

import re
from decimal import Decimal, localcontext

UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
}
TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
        "ninety": 90}
SCALES = {"hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000,
          "trillion": 1_000_000_000_000, "bn": 1_000_000_000, "mn": 1_000_000}
SCALE_SUFFIXES = {"k": 1_000, "m": 1_000_000, "mn": 1_000_000, "bn": 1_000_000_000, "b": 1_000_000_000}
ORDINALS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8,
    "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "twentieth": 20, "hundredth": 100,
}
MULTIPLES = {"twice": 2, "double": 2, "doubled": 2, "triple": 3, "tripled": 3, "quadruple": 4}
FOLD_WORDS = {f"{word}fold": value for word, value in {**UNITS, **TENS, "hundred": 100, "thousand": 1000}.items()}

MAX_DIGITS = 30  # numbers this long or longer, or this small, are compared as written
_POWER = re.compile(r"^(\d+(?:\.\d+)?)(e|\^)([+-]?)(\d+)$")
_DIGITS = re.compile(r"^\d{1,3}(?:,\d{3})+(?:\.\d+)?$|^\d+(?:\.\d+)?$")
_SUFFIXED = re.compile(r"^(\d+(?:\.\d+)?)(k|m|mn|bn|b|x)$")
_ORDINAL_DIGITS = re.compile(r"^(\d+)(?:st|nd|rd|th)$")


def number_value(token: str) -> Decimal | None:
    """The value of a token written in digits ("10,000", "1.5"), else None; a number of more
    than MAX_DIGITS digits has no value (it is compared as written)."""
    if len(token) > MAX_DIGITS + 12 or not _DIGITS.match(token):
        return None
    value = Decimal(token.replace(",", ""))
    return value if _in_range(value) else None


def _in_range(value: Decimal) -> bool:
    """Whether a value has a canonical form: zero, or between 10^-MAX_DIGITS and 10^MAX_DIGITS."""
    return value.is_finite() and (value.is_zero() or -MAX_DIGITS <= value.adjusted() < MAX_DIGITS)


def _power(token: str) -> Decimal | None:
    """"1e3", "2.5e-4" and "10^4" (as written for "10\u2074"), where the value is in range."""
    match = _POWER.match(token)
    if not match:
        return None
    if len(match.group(4)) > 3 or int(match.group(4)) > MAX_DIGITS:
        return None
    base, sign, exponent = Decimal(match.group(1)), match.group(3) == "-", int(match.group(4))
    with localcontext() as context:
        context.prec = 4 * MAX_DIGITS
        if match.group(2) == "e":
            value = base.scaleb(-exponent if sign else exponent)
        elif base.is_zero():
            return None
        else:
            value = base ** (-exponent if sign else exponent)
            if base.adjusted() * exponent > MAX_DIGITS:
                return None
    return value if _in_range(value) else None


def _text(value: Decimal) -> str:
    """A number in digits: no separators, no trailing zeros ("1500000", "1.5")."""
    with localcontext() as context:
        context.prec = 4 * MAX_DIGITS
        value = value.normalize()
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _word_number(tokens: list[str], start: int) -> tuple[Decimal, int] | None:
    """A number written in words (or digits with scale words) at tokens[start:]: (value, end)."""
    total, current, index, seen = Decimal(0), Decimal(0), start, False
    while index < len(tokens):
        token = tokens[index]
        value = number_value(token)
        if value is not None and not seen:
            current, seen = value, True
        elif token in UNITS or token in TENS:
            current += UNITS.get(token, TENS.get(token, 0))
            seen = True
        elif token == "a" and not seen and index + 1 < len(tokens) and tokens[index + 1] in SCALES:
            current, seen = Decimal(1), True
        elif token in SCALES and seen:
            if token == "hundred":
                current *= 100
            else:
                total += current * SCALES[token]
                current = Decimal(0)
        elif token == "and" and seen and index + 1 < len(tokens) and (
                tokens[index + 1] in UNITS or tokens[index + 1] in TENS):
            pass  # "one hundred and five"
        else:
            break
        index += 1
    if not seen:
        return None
    return total + current, index


def canonical_numbers(tokens: list[str]) -> list[str]:
    """Tokens with every number rewritten in its canonical form (see the module doc)."""
    out: list[str] = []
    index = 0
    while index < len(tokens):
        token = tokens[index]
        single = _single(token)
        if single is not None:
            out += single
            index += 1
            continue
        parsed = _word_number(tokens, index)
        if parsed is None:
            out.append(token)
            index += 1
            continue
        value, end = parsed
        if not _in_range(value):
            out.append(token)  # beyond MAX_DIGITS: no canonical form, the words stay
            index += 1
            continue
        index = end
        if index < len(tokens) and tokens[index] in ("times", "fold"):
            out += [_text(value), "fold"]
            index += 1
        else:
            out.append(_text(value))
    return _ranges(_money(out))


def _single(token: str) -> list[str] | None:
    """Forms that are one token: 10x, 10k, tenfold, second, 2nd, twice."""
    power = _power(token) if ("e" in token or "^" in token) and token[:1].isdigit() else None
    if power is not None:
        return [_text(power)]
    if token in FOLD_WORDS:
        return [str(FOLD_WORDS[token]), "fold"]
    if token in MULTIPLES:
        return [str(MULTIPLES[token]), "fold"]
    if token in ORDINALS:
        return [f"{ORDINALS[token]}th"]
    ordinal = _ORDINAL_DIGITS.match(token)
    if ordinal:
        return [f"{int(ordinal.group(1))}th"]
    suffixed = _SUFFIXED.match(token)
    if suffixed and len(token) <= MAX_DIGITS:
        number, suffix = Decimal(suffixed.group(1)), suffixed.group(2)
        return [_text(number), "fold"] if suffix == "x" else [_text(number * SCALE_SUFFIXES[suffix])]
    return None


def _money(tokens: list[str]) -> list[str]:
    """"$ 1000000000" and "1000000000 dollars" both read "1000000000 dollar"."""
    out: list[str] = []
    index = 0
    while index < len(tokens):
        token = tokens[index]
        if token in ("$", "usd", "us$") and index + 1 < len(tokens) and number_value(tokens[index + 1]) is not None:
            out += [tokens[index + 1], "dollar"]
            index += 2
            if index < len(tokens) and tokens[index] in ("dollars", "dollar", "usd"):
                index += 1
            continue
        out.append("dollar" if token in ("dollars", "usd") else token)
        index += 1
    return out


def _ranges(tokens: list[str]) -> list[str]:
    """"from A until B", "A - B", "between A and B" -> "A to B"; "1950 to 53" -> "1950 to 1953"."""
    out: list[str] = []
    index = 0
    while index < len(tokens):
        token = tokens[index]
        if token in ("from", "between") and index + 1 < len(tokens) and number_value(tokens[index + 1]) is not None:
            index += 1
            continue
        if (token in ("to", "until", "till", "through", "thru", "-", "and") and out
                and number_value(out[-1]) is not None and index + 1 < len(tokens)
                and number_value(tokens[index + 1]) is not None):
            out += ["to", _end_year(out[-1], tokens[index + 1])]
            index += 2
            continue
        out.append(token)
        index += 1
    return out


def _end_year(start: str, end: str) -> str:
    """The end of a range of years written short: 1950 to 53 -> 1953."""
    if len(start) == 4 and start.isdigit() and len(end) == 2 and end.isdigit():
        return start[:2] + end
    return end


def numbers_in(tokens: list[str]) -> list[str]:
    """The plain numbers among canonical tokens (ordinals and words excluded)."""
    return [token for token in tokens if number_value(token) is not None]


def is_year(token: str) -> bool:
    return token.isdigit() and len(token) == 4 and 1000 <= int(token) <= 2999
