"""Reading a model judge's reply: `parse_verdict` gives a verdict only when the reply states one
unambiguously; a reply without one, and a failed request, give a Verdict that is no verdict
(`decided` False, scored 0, its rule starting with NO_VERDICT or JUDGE_FAILED). The answer goes
to the judge's prompt with its angle brackets replaced (`fence_safe`), so it cannot open or
close the `<answer>` fence the shipped prompt puts around it. The raw reply is kept in the
verdict's rule."""

from __future__ import annotations

import re
import string

from harness.tasks._base import Verdict

NO_VERDICT = "judge gave no verdict"  # how the rule of a reply without a verdict starts
JUDGE_FAILED = "judge failed"  # how the rule of a failed judge request starts

_FENCED = re.compile(r"<\s*answer\s*>.*?<\s*/\s*answer\s*>", re.IGNORECASE | re.DOTALL)  # an echoed fence
_TAG = re.compile(r"<\s*/?\s*answer\s*>", re.IGNORECASE)
_QUOTED = re.compile(r'"([^"]*)"|“([^”]*)”|«([^»]*)»|`([^`]*)`')
_MARKUP = re.compile(r"[*_#>\[\]]+")
_STATEMENT = re.compile(r"([^.!?;\n]*)([.!?;\n]*)")  # a statement and the punctuation that ends it
_LABEL = re.compile(r"(?:final\s+)?(?:verdict|grade|judge?ment|result|assessment|evaluation|answer)\s*"
                    r"(?:[:=\-–—]|\bis\b)\s*", re.IGNORECASE)
_CUT = re.compile(r"\s*(?:[:,(]|\s[-–—]\s)")  # what ends the verdict part of a statement
_STATED = re.compile(
    r"(?:(?:(?:(?:the|this|that|your|given)\s+)?(?:answer|response|prediction)(?:\s+to\s+grade)?\s+)?is\s+"
    r"|(?:it|this|that)\s+is\s+|(?:it|that)['’]s\s+)?(correct|incorrect)", re.IGNORECASE)
_EDGES = " \t'\"‘’“”`"


def fence_safe(answer: str) -> str:
    """The answer with `<` and `>` replaced by `‹` and `›`: it cannot open or close a tag."""
    return answer.replace("<", "‹").replace(">", "›")


def parse_verdict(reply: str, answer: str = "") -> Verdict:
    """The judge's verdict, read from its reply to the grading of `answer`.

    First the reply loses what it repeats of the answer (the whole answer, as given or as
    fenced, case and spacing aside), an echoed `<answer>` fence with its content, quoted text of
    more than one word, and markup. Then its statements (split at . ! ? ; and newlines) are
    read: a statement states a verdict when, after an optional label ("Verdict:", "Grade -")
    and up to a colon, comma, parenthesis or dash, it is CORRECT or INCORRECT alone or after
    "the answer is", "it is", "that's" (any case), it does not end in "?", and its words do
    not occur in the answer (a judge that replies "CORRECT" to an answer containing the word
    may only be repeating it). The verdict is that of the first statement, or else of a
    labelled one, and every verdict the reply states must agree. Anything else (a negation,
    "CORRECT or INCORRECT", a question, an echo) is no verdict."""
    said = " ".join(reply.split())[:200]
    statements = [part for part in _STATEMENT.findall(_unquoted(reply, answer)) if part[0].strip()]
    echoed = {f" {_words(form)} " for form in (answer, fence_safe(answer))}
    stated = [(value, labelled) if not any(f" {_words(text)} " in form for form in echoed) else (None, labelled)
              for value, labelled, text in map(_stated_in, statements)]
    values = {value for value, _ in stated if value is not None}
    decisive = [value for index, (value, labelled) in enumerate(stated)
                if value is not None and (index == 0 or labelled)]
    if not decisive:
        return Verdict(False, f"{NO_VERDICT}: {said!r}", decided=False)
    if len(values) > 1:
        return Verdict(False, f"{NO_VERDICT} (it states both CORRECT and INCORRECT): {said!r}", decided=False)
    return Verdict(decisive[0], f"judge: {said!r}")


def _unquoted(reply: str, answer: str) -> str:
    """The reply without the answer's text, an echoed fence, quotations and markup."""
    text = _FENCED.sub(" ", reply)
    for form in {answer, fence_safe(answer)}:
        words = form.strip(string.punctuation + string.whitespace).split()
        if words and any(ch.isalnum() for ch in form):
            pattern = r"(?<!\w)" + r"\s+".join(map(re.escape, words)) + r"(?!\w)"
            text = re.sub(pattern, " ", text, flags=re.IGNORECASE)
    text = _TAG.sub(" ", text)
    text = _QUOTED.sub(lambda m: _single_word("".join(g or "" for g in m.groups())), text)
    return _MARKUP.sub(" ", text)


def _single_word(quoted: str) -> str:
    """A quoted single word stays (without its quotes); a longer quotation is not the judge's own word."""
    return quoted if quoted.strip() and len(quoted.split()) == 1 else " "


def _stated_in(statement: tuple[str, str]) -> tuple[bool | None, bool, str]:
    """(the verdict the statement states or None, whether it is labelled, the words it states it in)."""
    body, end = statement
    text = " ".join(body.split())
    label = _LABEL.match(text)
    if label:
        text = text[label.end():]
    text = _CUT.split(text, maxsplit=1)[0].strip(_EDGES)
    found = _STATED.fullmatch(text)
    if found is None or "?" in end:
        return None, bool(label), text
    return found.group(1).lower() == "correct", bool(label), text


def _words(text: str) -> str:
    """Lower-case words and numbers, one space apart: what an echo is compared on."""
    return " ".join(re.findall(r"\w+", text.lower()))


def reply_verdict(reply: str | None, error: str | None, answer: str) -> Verdict:
    """The verdict of one judge generation on `answer`: its reply parsed, or the failure."""
    if error is not None or reply is None:
        return Verdict(False, f"{JUDGE_FAILED}: {error}", decided=False)
    return parse_verdict(reply, answer)
