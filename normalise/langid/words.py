"""Word-level evidence: a naive-Bayes vote of whole words, for the texts langdetect cannot judge.

langdetect looks at character n-grams and samples them at random: on a sentence of five words
it has too few to be sure ("Sims was 20 years old." comes out at 0.57), and a run of English
names inside an Italian sentence can tip it the wrong way. Whole words are the stronger clue at
that length: "aveva", "anni" and "was" each belong to far fewer languages than their letter
triples do.

The tables (``normalise/data/words/<lang>.txt.gz``, built by ``tools/build_word_frequencies.py``
from wordfreq, CC BY-SA 4.0) hold each language's most frequent words with their Zipf
frequency. A text's words are scored in every language; a word a language's list lacks costs it
a floor probability; words no list has (names, numbers) say nothing and are left out. The
answer is the posterior over the languages, with a uniform prior.

Memory: one dict from word to a row of a ``uint8`` matrix (Zipf x 20 per language): 380k words,
about 60 MB, loaded once per process, when a short text first needs them.
"""

from __future__ import annotations

import gzip
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from itertools import count
from operator import itemgetter

import numpy as np

from .cache import Compiled, load_or_build, sources_digest
from .evidence import tokens

# A word missing from a language's list is taken to be a bit rarer than the list's last word
# (Zipf ~3 for the deep lists, ~3.8 for the short ones): absence is evidence, but not proof, and
# a short list is not penalised for being short.
MISSING_BELOW_LAST = 0.5
ZIPF_SCALE = 20  # the matrix stores round(zipf * 20) in a byte
MAX_WORDS = 200  # a text's first words are plenty; bounds the cost on long documents
_LN10 = float(np.log(10.0))
# Punctuation that only one listed language writes counts as a word of that language: Spanish
# opens questions and exclamations with inverted marks (so does Galician, which has no list).
# Zipf 5 is once in 10,000 words: rarer than these marks really are in Spanish, so that one
# mark does not outweigh several words.
MARKS = {"¿": ("es", 5.0), "¡": ("es", 5.0)}
# Words as the lists spell them: contractions whole ("didn't", "it's"), elisions apart when the
# whole is not listed ("l'autore" -> "l'", "autore"). A capital "I" before a lower-case word is
# the pronoun or the Italian article ("I am angry", "I ragazzi"), not an initial ("I. A.") or a
# numeral ("Juan Carlos I"), which evidence.tokens() rightly leaves out.
_WORD = re.compile(r"[^\W\d_]+(?:['-][^\W\d_]+)*'?")
_PRONOUN_I = re.compile(r"(?<![\w.])I(?=\s+[a-z])")


@dataclass(frozen=True)
class WordVote:
    lang: str | None  # None: no word of the text is in any list
    posterior: float
    known_words: int
    posteriors: dict[str, float]

    def of(self, lang: str) -> float:
        return self.posteriors.get(lang, 0.0)


@dataclass(frozen=True)
class WordTables:
    languages: tuple[str, ...]
    rows: WordIndex
    zipf: np.ndarray  # (words, languages) uint8, round(zipf * ZIPF_SCALE); 0 = not listed
    missing: np.ndarray  # (languages,) the Zipf frequency given to a word a list lacks


class WordIndex:
    """Word -> row of the tables, by binary search over the words sorted as UTF-8 bytes.

    A dict of 380k words costs about 0.2 s to build in every process, even from the cache;
    the sorted array is mapped from the cache as it is. A text asks for a few hundred words
    at most, in one vectorised search."""

    def __init__(self, words: np.ndarray):
        self.words = words  # dtype S<n>, sorted; row i of the tables is words[i]
        self.width = words.dtype.itemsize

    def find(self, words: list[str]) -> list[int]:
        """The row of each of ``words`` that the lists have, in order; the others left out."""
        encoded = [word.encode("utf-8") for word in words]
        fits = [0 < len(data) <= self.width for data in encoded]
        query = np.array([data for data, ok in zip(encoded, fits, strict=True) if ok])
        if not len(query):
            return []
        where = np.searchsorted(self.words, query.astype(self.words.dtype))
        where = np.minimum(where, len(self.words) - 1)
        return where[self.words[where] == query].tolist()

    def __contains__(self, word: object) -> bool:
        return isinstance(word, str) and bool(self.find([word]))


# wordfreq's codes where they differ from langdetect's
_CODES = {"fil": "tl", "nb": "no"}


@lru_cache(maxsize=1)
def tables() -> WordTables:
    """The lists' tables, from the cache (``cache.py``; built there on first use, about 0.7 s,
    once per machine and version of the lists)."""
    folder = resources.files("normalise.data").joinpath("words")
    entries = sorted(
        (item.name.removesuffix(".txt.gz"), item.read_bytes())
        for item in folder.iterdir()
        if item.name.endswith(".txt.gz")
    )
    digest = sources_digest(part for code, data in entries for part in (code.encode(), data))
    compiled = load_or_build("words", digest, lambda: _compile(entries))
    return WordTables(
        tuple(compiled.lists["languages"]),
        WordIndex(compiled.arrays["words"]),
        compiled.arrays["zipf"],
        compiled.arrays["missing"],
    )


def _compile(entries: list[tuple[str, bytes]]) -> Compiled:
    """Read the lists (``entries``: language code and gzipped bytes) into the tables."""
    languages = tuple(_CODES.get(code, code) for code, _ in entries)
    words: list[str] = list(MARKS)
    columns = [languages.index(code) for code, _ in MARKS.values()]
    values = [round(zipf * ZIPF_SCALE) for _, zipf in MARKS.values()]
    for column, (_, data) in enumerate(entries):
        for line in gzip.decompress(data).decode("utf-8").splitlines():
            zipf, _, bucket = line.partition("\t")
            bucket_words = bucket.split()
            words += bucket_words
            columns += [column] * len(bucket_words)
            values += [round(float(zipf) * ZIPF_SCALE)] * len(bucket_words)
    rows = dict(zip(dict.fromkeys(words), count()))  # C loops: a Python loop costs 0.3 s
    matrix = np.zeros((len(rows), len(languages)), dtype=np.uint8)
    row_of = np.array(itemgetter(*words)(rows), dtype=np.int64)
    matrix[row_of, np.array(columns)] = np.array(values, dtype=np.uint8)
    listed = np.where(matrix > 0, matrix, 255).min(axis=0).astype(np.float64) / ZIPF_SCALE
    encoded = np.array([word.encode("utf-8") for word in rows])
    order = np.argsort(encoded, kind="stable")
    return Compiled(
        {"words": encoded[order], "zipf": matrix[order], "missing": listed - MISSING_BELOW_LAST},
        {"languages": list(languages)},
    )


def _words(text: str, listed: WordIndex) -> list[str]:
    folded = text.replace("’", "'")
    words = ["i"] * len(_PRONOUN_I.findall(folded))
    for token in _WORD.findall(folded):
        whole = token.lower().rstrip("'")
        if "'" in whole and whole in listed:
            words.append(whole)
        else:
            words += [piece.rstrip("'") for piece in tokens(token)]
    return words


def vote(text: str) -> WordVote:
    """The posterior over the listed languages, from the words of ``text`` that any list has."""
    table = tables()
    words = _words(text, table.rows)[:MAX_WORDS]
    words += [mark for mark in MARKS if mark in text]
    found = table.rows.find(words)
    if not found:
        return WordVote(None, 0.0, 0, {})
    zipf = table.zipf[found].astype(np.float64) / ZIPF_SCALE
    zipf = np.where(zipf == 0, table.missing, zipf)
    # Zipf is log10(frequency per billion words): summing it is summing log-probabilities
    log_likelihood = zipf.sum(axis=0) * _LN10
    log_likelihood -= log_likelihood.max()
    posterior = np.exp(log_likelihood)
    posterior /= posterior.sum()
    best = int(posterior.argmax())
    return WordVote(
        table.languages[best],
        float(posterior[best]),
        len(found),
        {lang: float(p) for lang, p in zip(table.languages, posterior, strict=True)},
    )
