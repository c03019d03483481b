"""Per-sentence quality flags for a translation: cheap checks that point a reviewer at the
sentences most likely to be wrong. They judge the text only; the model's own score is kept
beside them (``Sentence.score``).

* ``empty_output``: the source has words, the translation has none.
* ``identical_to_source``: the translation repeats the source (case and spacing aside), for a
  source of at least 3 words; names and numbers alone legitimately stay the same.
* ``length_ratio_outlier``: translation/source length in characters outside
  ``[MIN_RATIO, MAX_RATIO]``, for a source of at least ``MIN_CHARS`` characters. English from
  Italian or Spanish runs at about 0.9 of the source length.
* ``repeated_ngram_loop``: a word repeated 4 times in a row, or a 2- to 4-word phrase 3 times
  in a row: the signature of a decoder stuck in a loop.
"""

from __future__ import annotations

import re

EMPTY_OUTPUT = "empty_output"
IDENTICAL_TO_SOURCE = "identical_to_source"
LENGTH_RATIO_OUTLIER = "length_ratio_outlier"
REPEATED_NGRAM_LOOP = "repeated_ngram_loop"

MIN_RATIO, MAX_RATIO, MIN_CHARS = 0.4, 2.5, 20
_WORD = re.compile(r"\w+", re.UNICODE)


def _normalised(text: str) -> str:
    return " ".join(text.casefold().split())


def has_ngram_loop(words: list[str]) -> bool:
    for n, needed in ((1, 4), (2, 3), (3, 3), (4, 3)):
        for start in range(len(words) - n * needed + 1):
            gram = words[start : start + n]
            if all(words[start + k * n : start + (k + 1) * n] == gram for k in range(1, needed)):
                return True
    return False


def quality_flags(source: str, translation: str) -> list[str]:
    source_words = _WORD.findall(source)
    words = _WORD.findall(translation.casefold())
    flags = []
    if source_words and not words:
        flags.append(EMPTY_OUTPUT)
        return flags
    if len(source_words) >= 3 and _normalised(source) == _normalised(translation):
        flags.append(IDENTICAL_TO_SOURCE)
    if len(source.strip()) >= MIN_CHARS:
        ratio = len(translation.strip()) / len(source.strip())
        if not MIN_RATIO <= ratio <= MAX_RATIO:
            flags.append(LENGTH_RATIO_OUTLIER)
    if has_ngram_loop(words):
        flags.append(REPEATED_NGRAM_LOOP)
    return flags
