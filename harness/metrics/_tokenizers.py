"""Tokenizers handed to rouge_score: its default one, and a unicode-aware one.

Both are `rouge_score.tokenizers.Tokenizer` subclasses and memoize their results, since
rouge_score tokenizes the same prediction once per reference and the same reference once per
model. Memoizing never changes a token list (they are returned as tuples, so nobody can mutate a
cached one).
"""

from __future__ import annotations

import functools
import re
import unicodedata

from nltk.stem import porter
from rouge_score import tokenize, tokenizers

from harness.tasks.summarization import TOKENIZERS  # the names the `tokenizer` option accepts

_UNICODE_WORD = re.compile(r"[^\W_]+")
_CACHE_SIZE = 1 << 17


class _MemoTokenizer(tokenizers.Tokenizer):
    """Memoizes `tokenize` per text; subclasses implement `_tokenize`."""

    def __init__(self) -> None:
        self.tokenize = functools.lru_cache(maxsize=_CACHE_SIZE)(self._tokenize)

    def tokenize(self, text):  # replaced per instance in __init__
        return self._tokenize(text)

    def _tokenize(self, text: str) -> tuple[str, ...]:
        raise NotImplementedError


class _MemoStemmer:
    """nltk's PorterStemmer with each word's stem remembered (stemming is a pure function)."""

    def __init__(self) -> None:
        self.stem = functools.lru_cache(maxsize=_CACHE_SIZE)(porter.PorterStemmer().stem)


class DefaultRougeTokenizer(_MemoTokenizer):
    """rouge_score's own DefaultTokenizer (ASCII letters and digits only; the rest is dropped)."""

    def __init__(self, use_stemmer: bool) -> None:
        super().__init__()
        self._stemmer = _MemoStemmer() if use_stemmer else None

    def _tokenize(self, text: str) -> tuple[str, ...]:
        return tuple(tokenize.tokenize(text, self._stemmer))  # what DefaultTokenizer.tokenize does


class UnicodeRougeTokenizer(_MemoTokenizer):
    """Keeps unicode letters and digits: NFC, lower-case, runs of [^\\W_] are the tokens.

    On ASCII text it yields exactly what rouge_score's default tokenizer yields; with
    use_stemmer, tokens longer than 3 characters go through the same Porter stemmer.
    """

    def __init__(self, use_stemmer: bool) -> None:
        super().__init__()
        self._stemmer = _MemoStemmer() if use_stemmer else None

    def _tokenize(self, text: str) -> tuple[str, ...]:
        tokens = _UNICODE_WORD.findall(unicodedata.normalize("NFC", text).lower())
        if self._stemmer is not None:
            tokens = [self._stemmer.stem(token) if len(token) > 3 else token for token in tokens]
        return tuple(token for token in tokens if token)
