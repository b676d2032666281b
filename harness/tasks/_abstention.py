"""Hearing an abstention: the ways a model says the article does not answer the question.

`is_abstention(answer, abstain_phrase)` is true when the extracted answer
- is the configured phrase, or begins with it as whole words ("Unanswerable.",
  "unanswerable - the article does not say"), compared after SQuAD normalization; or
- begins with one of ABSTENTION_PATTERNS (after an optional "Sorry," / "Unfortunately," /
  "I'm afraid"), and does not go on to answer after all ("..., but it says X").

or anywhere in it, a clause of MISSING_PATTERNS says the article lacks what was asked ("It was
a U.N. resolution; the drafter isn't named.", "The article only says it could be lucrative; it
gives no figure.").

A sentence that only contains such words is not an abstention: "He did not say no.",
"Putin cannot tell Kim what to do." The patterns are documented, with examples, in
docs/metrics.md; both `abstention` and `correct` use this one detector.
"""

from __future__ import annotations

import re

from harness.errors import HarnessError
from harness.text import normalize_answer

_SOURCE = r"(?:the |this )?(?:article|text|passage|story|report|context|document|source|given information|information given|information provided)"
_NEGATED = r"(?:does not|doesn't|do not|don't|did not|didn't|does n't|is not|isn't|fails to)"
_SAYS = (r"(?:say|state|mention|provide|specify|contain|include|give|indicate|tell|reveal|disclose|discuss|"
         r"address|report|answer|explain|identify|list|name|cover)s?")
_GIVEN = (r"(?:stated|mentioned|specified|provided|given|included|reported|disclosed|indicated|addressed|"
          r"discussed|known|available|clear|found|explained|identified|named|listed|answered)")
ABSTENTION_PATTERNS: tuple[str, ...] = (
    rf"{_SOURCE} {_NEGATED} {_SAYS}\b",                       # the article does not say / mention ...
    rf"(?:there is |there's |there are )?no (?:information|mention|details?|data|answer|indication|record|specifics?)\b",
    rf"(?:it|this|that|the answer|the information|this information|the question|such information|the \w+)"
    rf" (?:is|was|are|were) not {_GIVEN}\b",                   # it is not mentioned in the article
    rf"not {_GIVEN}(?: in {_SOURCE})?(?:$|[.,;])",              # "Not mentioned." / "not stated in the text"
    r"(?:i |we |one )?(?:cannot|can't|can not|could not|couldn't|am unable to|are unable to|is unable to|unable to)"
    r" (?:be )?(?:tell|determine|determined|answer|answered|find|found|know|known|say|infer|inferred|confirm|"
    r"confirmed|identify|identified|provide|given)\b",       # cannot tell / be determined
    r"(?:i |we )?(?:do not|don't|does not|doesn't) know\b",   # I don't know
    r"(?:it is |it's |this is |that is )?(?:unknown|unclear|not known|not clear|uncertain)\b",
    r"(?:(?:the |this )?question |it |this |that )?(?:is |was )?(?:unanswerable|cannot be answered|not answerable)\b",
    r"(?:not enough|insufficient|no sufficient) (?:information|context|details|data)\b",
    r"(?:it is |it's |it was )?(?:not possible|impossible) to (?:tell|determine|say|know|answer|find)\b",
    rf"{_SOURCE} (?:is|was) silent\b",
    rf"(?:it is |it's |that is |that's |this is )?not (?:in|from) {_SOURCE}",        # "It's not in the article."
    rf"no \w+(?: \w+)? (?:is|was|are|were) (?:{_GIVEN})\b",                        # "No date is given."
    rf"{_SOURCE} (?:says|gives|mentions|reports|names|provides|contains|includes|states) no(?:thing)?\b",
    r"(?:n/a|none given|none stated|none mentioned|no answer)(?:$|[.,;])",
)
# Clauses that say the article lacks the thing asked, anywhere in the answer ("...; the drafter
# isn't named", "it gives no figure", "only in tons, not dollars").
MISSING_PATTERNS: tuple[str, ...] = (
    r"\b(?:is|are|was|were) not (?:specified|named|given|stated|mentioned|provided|reported|disclosed|identified)\b",
    r"\b(?:isn't|aren't|wasn't|weren't) (?:specified|named|given|stated|mentioned|provided|reported|disclosed|identified)\b",
    r"\b(?:gives|provides|names|mentions|reports|states|offers|lists) no (?:\w+ )?(?:figure|number|date|name|amount|"
    r"details?|information|value|answer|time|place|reason)s?\b",
    r"\bonly (?:gives|says|mentions|provides|reports|states|names|in)\b[^.;]*,? not\b",
)
_OPENER = r"^(?:(?:sorry|unfortunately|i'm afraid|i am afraid|however|well|hmm|no)[,:]?\s+)*"
_PATTERN = re.compile(_OPENER + "(?:" + "|".join(ABSTENTION_PATTERNS) + ")", re.IGNORECASE)
_MISSING = re.compile("|".join(MISSING_PATTERNS), re.IGNORECASE)
# ", but it says X" after the abstention: the model answers after all.
_GOES_ON = re.compile(r"[,;:]?\s+(?:but|however|although|though|yet|except)\b|\bbut (?:it|they|he|she) (?:say|said|says|mention)",
                      re.IGNORECASE)


def is_abstention(answer: str, abstain_phrase: str) -> bool:
    """Whether an extracted answer abstains (see the module doc)."""
    if says_abstain_phrase(answer, abstain_phrase):
        return True
    text = " ".join(answer.replace("\u2019", "'").split())
    match = _PATTERN.match(text) or _MISSING.search(text)
    return bool(match) and not _GOES_ON.search(text, match.end())


def says_abstain_phrase(answer: str, abstain_phrase: str) -> bool:
    """True if the normalized answer is the normalized phrase, or begins with it as whole words.

    With phrase "unanswerable": "Unanswerable.", "**Unanswerable**" and "unanswerable - the article
    does not say" say it; "unanswerables", "It is unanswerable" and "" do not. On an answerable
    item this alone zeroes exact match and F1 (is_abstention hears abstentions in other words
    too; on answerable items they keep their SQuAD scores).
    """
    phrase = normalize_answer(abstain_phrase)
    if not phrase:
        raise HarnessError(f"abstain_phrase {abstain_phrase!r} is empty after normalization; use words")
    normalized = normalize_answer(answer)
    return normalized == phrase or normalized.startswith(phrase + " ")
