"""The rules that need more than one record: unique ids, distinct questions, evidence and
plausible answers that are verbatim spans of their article and support the answer, written
references that do not copy an article sentence, meta.json's truncated sentences, retired
ids that no item uses again, judgments about existing items. Every rule works within one
article (no scan over the whole set)."""

from __future__ import annotations

import functools
import unicodedata

from harness.errors import shown
from harness.text import normalize_answer

from ._model import ArticleSource, Record, paragraphs_of, paragraphs_touched, sentence_spans
from ._rules import IMPLIED_ANSWER, MAX_PARAPHRASE_ROUGE2, NEAR_DUPLICATE, Problem


def check_across(articles: list[ArticleSource]) -> list[Problem]:
    """Every rule across records (see the module docstring); problems name the record's line."""
    problems = _duplicate_ids(articles)
    for article in articles:
        problems += _duplicate_questions([r for r in article.qa if "source_id" not in r.data])
        problems += _reused_ids(article)
        problems += _judgment_problems(article)
        if article.text is not None:
            problems += _against_text(article)
    return problems


def _against_text(article: ArticleSource) -> list[Problem]:
    layout = _Layout(article.text)
    problems = [Problem(r.rel, r.line, m) for r in article.qa
                for m in _qa_against_text(r.data, layout, article.well_formed)]
    problems += [Problem(r.rel, r.line, m) for r in article.summaries
                 for m in _summary_against_text(r.data, article, layout)]
    if article.meta is not None and article.well_formed:
        problems += [Problem(f"{article.id}/meta.json", None, m)
                     for m in _truncated_against_text(article.meta, layout.paragraphs)]
    return problems


class _Layout:
    """An article's paragraphs, and its sentences (split on first use: it needs the metrics)."""

    def __init__(self, text: str):
        self.text = text
        self.paragraphs = paragraphs_of(text)
        self._sentences: list[tuple[int, int]] | None = None

    @property
    def sentences(self) -> list[tuple[int, int]]:
        if self._sentences is None:
            self._sentences = sentence_spans(self.text)
        return self._sentences

    def sentences_touched(self, span: str) -> set[int]:
        start = self.text.find(span)
        end = start + len(span)
        return {i for i, (s_start, s_end) in enumerate(self.sentences) if start < s_end and end > s_start}


# -- ids and questions ---------------------------------------------------------------------------

def _duplicate_ids(articles: list[ArticleSource]) -> list[Problem]:
    first: dict[str, Record] = {}
    problems = []
    for record in (r for a in articles for r in a.qa + a.summaries):
        seen = first.setdefault(record.data["id"], record)
        if seen is not record:
            problems.append(Problem(record.rel, record.line,
                                    f"duplicate id '{record.data['id']}' (first used at {seen.rel}:{seen.line})"))
    return problems


def retired_ids(article: ArticleSource) -> set[str]:
    """The ids meta.json lists as retired (well-formed or not; check_meta judges the list)."""
    listed = (article.meta or {}).get("retired", [])
    return {value for value in listed if isinstance(value, str)} if isinstance(listed, list) else set()


def _reused_ids(article: ArticleSource) -> list[Problem]:
    """An id once retired is never given to an item again (ids are never reused)."""
    retired = retired_ids(article)
    return [Problem(r.rel, r.line, f"id '{r.data['id']}' is retired (meta.json 'retired'); ids are never reused: "
                    "give the item a new id") for r in article.qa + article.summaries if r.data["id"] in retired]


def _duplicate_questions(records: list[Record]) -> list[Problem]:
    """Questions equal after normalization, or with token-set Jaccard >= 0.9, to an earlier one.
    Imported items are exempt: SQuAD 2.0 pairs questions with minimally changed twins on purpose."""
    earlier: list[tuple[str, set[str], str]] = []
    problems = []
    for record in records:
        key = question_key(record.data["question"])
        tokens = set(key.split())
        message = _compare_question(key, tokens, earlier)
        if message:
            problems.append(Problem(record.rel, record.line, message))
        earlier.append((key, tokens, record.data["id"]))
    return problems


def _compare_question(key: str, tokens: set[str], earlier: list[tuple[str, set[str], str]]) -> str | None:
    for other_key, other_tokens, other_id in earlier:
        if key == other_key:
            return f"question duplicates {other_id} after normalization (case, punctuation, whitespace)"
        score = _jaccard(tokens, other_tokens)
        if score >= NEAR_DUPLICATE:
            return (f"question is a near-duplicate of {other_id} "
                    f"(token-set Jaccard {score:.2f} >= {NEAR_DUPLICATE})")
    return None


def question_key(question: str) -> str:
    """A question with case, punctuation (any script) and spacing differences removed."""
    kept = "".join(c for c in question.lower() if not unicodedata.category(c).startswith("P"))
    return " ".join(kept.split())


def _jaccard(a: set[str], b: set[str]) -> float:
    """Token-set Jaccard similarity; 1.0 for two empty sets."""
    union = a | b
    return len(a & b) / len(union) if union else 1.0


# -- QA items against the article ----------------------------------------------------------------

def _qa_against_text(data: dict, layout: _Layout, well_formed: bool) -> list[str]:
    messages = [f"plausible_answers[{i}] is not a verbatim span of article.txt: \"{shown(span, 60)}\""
                for i, span in enumerate(data.get("plausible_answers", [])) if span not in layout.text]
    missing = [span for span in data["evidence"] if span not in layout.text]
    messages += [f"evidence is not a verbatim span of article.txt: \"{shown(span, 60)}\"" for span in missing]
    if missing or not data["evidence"]:
        return messages
    if _answer_must_occur(data) and not any(answer_occurs(data["answers"][0], s) for s in data["evidence"]):
        messages.append(f"canonical answer '{shown(data['answers'][0])}' occurs in no evidence span (compared "
                        "verbatim from the start of a word, or after SQuAD normalization as whole words)")
    return messages + (_reasoning_spread(data, layout) if well_formed else [])


def _answer_must_occur(data: dict) -> bool:
    return bool(data["answers"]) and data["type"] != "yes_no" and data["reasoning"] not in IMPLIED_ANSWER


def _reasoning_spread(data: dict, layout: _Layout) -> list[str]:
    """A multi-paragraph item's evidence lies in two paragraphs or more; a multi-sentence item's
    in two sentences or more."""
    if data["reasoning"] == "multi-paragraph":
        touched = {i for span in data["evidence"] for i in paragraphs_touched(layout.text, layout.paragraphs, span)}
        if len(touched) < 2:
            return ["a multi-paragraph item's evidence must lie in at least two paragraphs"]
    if data["reasoning"] == "multi-sentence":
        if len(set().union(*(layout.sentences_touched(span) for span in data["evidence"]))) < 2:
            return ["a multi-sentence item's evidence must lie in at least two sentences"]
    return []


def answer_occurs(answer: str, span: str) -> bool:
    """Whether an answer occurs in an evidence span: after SQuAD normalization as a run of whole
    words, or verbatim (ignoring case) starting at the beginning of a word, so an inflected form
    in the text ("gold rushes" for "gold rush") counts but "2" inside "12" does not."""
    needle = normalize_answer(answer)
    if needle and f" {needle} " in f" {normalize_answer(span)} ":
        return True
    return _at_word_start(answer.strip().lower(), span.lower())


def _at_word_start(needle: str, haystack: str) -> bool:
    start = haystack.find(needle) if needle else -1
    while start >= 0:
        if start == 0 or not (haystack[start - 1].isalnum() and needle[0].isalnum()):
            return True
        start = haystack.find(needle, start + 1)
    return False


# -- summaries, meta.json and judgments ----------------------------------------------------------

def _summary_against_text(data: dict, article: ArticleSource, layout: _Layout) -> list[str]:
    if data["source"] == "source-headline":
        title = (article.meta or {}).get("title")
        if isinstance(title, str) and data["text"] != title:
            return ["a 'source-headline' summary's text must be the title in meta.json"]
        return []
    if data["source"] != "written" or "source_id" in data:  # imported references are kept as published
        return []
    score = paraphrase_score(data["text"], [layout.text[a:b] for a, b in layout.sentences])
    if score >= MAX_PARAPHRASE_ROUGE2:
        return [f"a line of this written reference is a near-paraphrase of an article sentence (ROUGE-2 F1 "
                f"{score:.3f} >= {MAX_PARAPHRASE_ROUGE2}); reword it independently of the article"]
    return []


def paraphrase_score(text: str, sentences: list[str]) -> float:
    """The highest ROUGE-2 F1 (rouge_score, Porter stemmer) of any line of `text` against any of
    the article's sentences (harness.sentences.split_sentences). Only sentences that share a
    bigram with the line are scored (the others score 0), so a long article stays quick."""
    from harness.gold._overlap import rouge2_f1

    index = _bigram_index(tuple(sentences))
    best = 0.0
    for line in text.split("\n"):
        candidates = sorted({i for bigram in _bigrams(line) for i in index.get(bigram, ())})
        if candidates:
            best = max(best, rouge2_f1(line, [sentences[i] for i in candidates]))
    return best


@functools.lru_cache(maxsize=4)
def _bigram_index(sentences: tuple[str, ...]) -> dict[tuple[str, str], list[int]]:
    """Which sentences hold each bigram (ROUGE's own tokens)."""
    index: dict[tuple[str, str], list[int]] = {}
    for number, sentence in enumerate(sentences):
        for bigram in _bigrams(sentence):
            index.setdefault(bigram, []).append(number)
    return index


def _bigrams(text: str) -> set[tuple[str, str]]:
    from harness.gold._overlap import stemmed_tokens

    tokens = stemmed_tokens(text)
    return set(zip(tokens, tokens[1:]))


def _truncated_against_text(meta: dict, paragraphs: tuple[str, ...]) -> list[str]:
    messages = []
    for index, entry in enumerate(meta["truncated"]):
        number, offset, text = entry["paragraph"], entry["offset"], entry["text"]
        if number > len(paragraphs):
            messages.append(f"truncated[{index}]: paragraph {number} does not exist "
                            f"(article.txt has {len(paragraphs)})")
        elif paragraphs[number - 1][offset: offset + len(text)] != text:
            messages.append(f"truncated[{index}]: paragraph {number} does not read \"{shown(text, 60)}\" "
                            f"at offset {offset}")
    return messages


def _judgment_problems(article: ArticleSource) -> list[Problem]:
    """Each judgment is about a QA item of its article, and judges a prediction only once. When qa.jsonl
    could not be read whole, its own problem says so; judgments are not blamed for the lines it lacks."""
    ids = {r.data["id"] for r in article.qa}
    retired = retired_ids(article)
    first: dict[tuple[str, str], Record] = {}
    problems = []
    for record in article.judgments:
        key = (record.data["id"], record.data["prediction"])
        if key[0] not in ids and key[0] in retired:
            problems.append(Problem(record.rel, record.line, f"judges '{shown(key[0])}', a retired id (meta.json "
                                    "'retired'): remove the row, or judge the answer against a current item"))
        elif key[0] not in ids and article.qa_complete:
            problems.append(Problem(record.rel, record.line, f"judges '{shown(key[0])}', which is not a QA item "
                                    f"of {article.id} (judgments.jsonl lives beside the qa.jsonl it judges)"))
        seen = first.setdefault(key, record)
        if seen is not record:
            problems.append(Problem(record.rel, record.line, f"the same (id, prediction) is judged twice "
                                    f"(first at line {seen.line})"))
    return problems

