"""langdetect's detector, with its loops in C and numpy: the same numbers, about 7 times as fast.

Detection is most of the work of a run that translates little (an English corpus passes
through read, clean, detect and segment only), and langdetect spends it in pure-Python loops:
preparing the text one character at a time; multiplying 55 language probabilities, one Python
float at a time, for every n-gram it samples; and pushing every character through its
``NGram`` buffer. Here the text is prepared with regular expressions and string methods, a
text's n-grams are looked up once per distinct chunk of text, the profile is one ``float64``
matrix (a row per n-gram), and a trial multiplies 5 sampled rows into the probability vector
in one numpy operation between two normalisations.

The results are identical to ``langdetect`` 1.0.9 (pinned), bit for bit, once its profiles are
listed in sorted order (see :func:`profiles`): langdetect reseeds its generator for every
text, so every text reads the same stream of random words, generated once per process
(:class:`_Stream`), and each text's picks are the same draws langdetect's ``random.choice``
makes from it; every element goes through the same floating-point operations in the same
order, and the normalising sum is Python's own ``sum`` over the same values.
``tests/test_langid_ngrams.py`` and ``tests/test_langid_fast.py`` check this against langdetect
itself.
"""

from __future__ import annotations

import json
import os
import random
import re
import sys
import threading
from array import array
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from itertools import islice

import numpy as np

from .cache import Compiled, load_or_build, sources_digest

# langdetect.detector.Detector's constants (langdetect 1.0.9)
ALPHA = 0.5
ALPHA_WIDTH = 0.05
ITERATION_LIMIT = 1000
PROB_THRESHOLD = 0.1
CONV_THRESHOLD = 0.99999
BASE_FREQ = 10000
N_TRIAL = 7
N_GRAM = 3


@dataclass(frozen=True)
class Profiles:
    languages: tuple[str, ...]
    rows: dict[str, int]  # n-gram -> row of ``matrix``
    matrix: np.ndarray  # (n-grams, languages) float64: langdetect's word_lang_prob_map


@lru_cache(maxsize=1)
def profiles() -> Profiles:
    """langdetect's 55 profiles as one matrix, from the cache (``cache.py``; built there on
    first use, about 0.3 s, once per machine and langdetect version).

    Read as langdetect's ``DetectorFactory.load_profile`` reads them (a probability
    ``freq / n_words[len(gram) - 1]`` per language), but straight into the matrix:
    langdetect's own map holds a Python list of 55 floats per n-gram, and building it first
    would leave each worker ~30 MB larger for good. Mapped from the cache, the matrix is
    shared by every worker of the machine.

    One difference: the languages are in sorted order, where langdetect takes the order
    ``os.listdir`` gives, which depends on the file system (ext4 hashes names with a seed of
    its own). The order is the order of the normalising sum, so with langdetect two machines
    can differ in the last bits of a probability, and now and then in a decision (a trial
    that converges one step later): the nodes of a cluster must not."""
    from langdetect.detector_factory import PROFILES_DIRECTORY

    paths = [
        os.path.join(PROFILES_DIRECTORY, name)
        for name in sorted(os.listdir(PROFILES_DIRECTORY))
        if not name.startswith(".") and os.path.isfile(os.path.join(PROFILES_DIRECTORY, name))
    ]
    sources = []
    for path in paths:
        with open(path, "rb") as handle:
            sources.append(handle.read())
    digest = sources_digest([*(os.path.basename(path).encode() for path in paths), *sources])
    compiled = load_or_build("langdetect", digest, lambda: _compile_profiles(sources))
    grams = compiled.lists["grams"]
    return Profiles(
        tuple(compiled.lists["languages"]),
        dict(zip(grams, range(len(grams)), strict=True)),
        compiled.arrays["matrix"],
    )


def _compile_profiles(sources: list[bytes]) -> Compiled:
    languages: list[str] = []
    rows: dict[str, int] = {}
    columns: list[dict[int, float]] = []  # per language: row -> its probability
    for source in sources:
        profile = json.loads(source.decode("utf-8"))
        languages.append(profile["name"])
        n_words, column = profile["n_words"], {}
        for gram, freq in profile["freq"].items():
            row = rows.setdefault(gram, len(rows))
            if 1 <= len(gram) <= N_GRAM:
                column[row] = 1.0 * freq / n_words[len(gram) - 1]
        columns.append(column)
    matrix = np.zeros((len(rows), len(languages)), dtype=np.float64)
    for index, column in enumerate(columns):
        matrix[list(column), index] = list(column.values())
    return Compiled({"matrix": matrix}, {"languages": languages, "grams": list(rows)})


class _Normalised(dict):
    """langdetect's ``NGram.normalize`` for each character, as a ``str.translate`` table that
    fills itself: the function looks up the character's Unicode block on every call."""

    def __missing__(self, code: int) -> str:
        from langdetect.utils.ngram import NGram

        self[code] = NGram.normalize(chr(code))
        return self[code]


_NORMALISED = _Normalised()


_URL = re.compile(r"https?://[-_.?&~;+=/#0-9A-Za-z]{1,2076}")  # langdetect's Detector.URL_RE
_MAIL = re.compile(r"[-_.0-9A-Za-z]{1,64}@[-_0-9A-Za-z]{1,255}[-_.0-9A-Za-z]{1,255}")  # MAIL_RE
_SPACES = re.compile(" {2,}")
_ASCII_LETTERS = re.compile("[A-z]")  # langdetect's 'A' <= ch <= 'z', [ \\ ] ^ _ ` included


def _prepared(text: str, max_chars: int) -> str:
    """The text as langdetect's Detector holds it after ``append`` and ``cleaning_text``, with
    C loops where langdetect runs one Python step per character (a fifth of a detection):

    * ``append``: URLs and e-mail addresses become a space, Vietnamese is normalised, the text
      is cut to ``max_chars`` characters and each run of spaces collapsed to one;
    * ``cleaning_text``: a text with more than twice as many characters from U+0300 up as
      characters between ``A`` and ``z`` loses the latter. (langdetect meant to spare Latin
      Extended Additional, but compares the block's number with its name: every character
      from U+0300 up counts.)

    ``tests/test_langid_fast.py`` holds this to langdetect's own methods."""
    from langdetect.utils.ngram import NGram

    # each pattern needs a character or word of its own: most texts spare the search
    if "http" in text:
        text = _URL.sub(" ", text)
    if "@" in text:
        text = _MAIL.sub(" ", text)
    if not text.isascii() and any(mark in text for mark in NGram.DMARK_CLASS):
        text = NGram.normalize_vi(text)
    text = _SPACES.sub(" ", text[:max_chars])
    if text.isascii():  # nothing from U+0300 up: nothing to clean
        return text
    codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    latin = np.count_nonzero((codes >= ord("A")) & (codes <= ord("z")))
    if latin * 2 < np.count_nonzero(codes >= 0x300):
        return _ASCII_LETTERS.sub("", text)
    return text


def _word_grams(padded: str, known: dict[str, int]) -> list[str]:
    """The n-grams of one word, padded with the spaces around it, that ``known`` holds."""
    result: list[str] = []
    for end in range(1, len(padded)):
        if padded[end].isupper() and padded[end - 1].isupper():
            continue
        gram = padded[end]
        if gram != " " and gram in known:
            result.append(gram)
        gram = padded[end - 1 : end + 1]
        if gram in known:
            result.append(gram)
        if end >= 2:
            gram = padded[end - 2 : end + 1]
            if gram in known:
                result.append(gram)
    return result


def _padded_words(text: str) -> list[str]:
    """Each word of ``text``, normalised, with a space before it (and one after, if the text
    goes on): what langdetect's 3-character buffer sees of it."""
    words = text.translate(_NORMALISED).split(" ")
    last = len(words) - 1
    return [" " + word + (" " if index < last else "") for index, word in enumerate(words) if word]


def extract_ngrams(text: str, known: dict[str, int]) -> list[str]:
    """langdetect's ``Detector._extract_ngrams``: the 1-, 2- and 3-grams of ``text`` that a
    profile knows, in order.

    langdetect feeds characters one at a time through a 3-character buffer that restarts at
    every space; that is the same as taking each word with a space before it (and one after,
    if the text goes on) and its substrings of up to 3 characters ending at each position,
    except at a position where this character and the one before are both capitals (a word in
    capitals says little about its language)."""
    return [gram for padded in _padded_words(text) for gram in _word_grams(padded, known)]


@lru_cache(maxsize=1 << 17)
def _inner_rows(word: str) -> bytes:
    """The profile rows of the n-grams of a normalised word that the text goes on after
    (none for the empty word between two spaces), as ``int32`` bytes that join into the
    text's array. Words repeat (Zipf), so a text's n-grams are mostly looked up once per
    process, not once per occurrence."""
    if not word:
        return b""
    rows = profiles().rows
    return _as_bytes(rows[gram] for gram in _word_grams(" " + word + " ", rows))


@lru_cache(maxsize=1 << 14)
def _final_rows(word: str) -> bytes:
    """:func:`_inner_rows` of the text's last word, which no space follows."""
    if not word:
        return b""
    rows = profiles().rows
    return _as_bytes(rows[gram] for gram in _word_grams(" " + word, rows))


def _as_bytes(rows: Iterable[int]) -> bytes:
    """Rows as ``int32`` bytes (``array``: a few words' rows cost numpy more to convert)."""
    return array("i", rows).tobytes()


def _rows(text: str) -> np.ndarray:
    """The profile rows of :func:`extract_ngrams`, in the same order."""
    chunks = text.split(" ")
    found = b"".join(map(_CHUNK_ROWS.__getitem__, chunks[:-1])) + _final_chunk_rows(chunks[-1])
    return np.frombuffer(found, dtype=np.intc).astype(np.intp)


class _ChunkRows(dict):
    """Chunk of a text (between two spaces) -> the rows of its n-grams, the text going on
    after it. Normalising a character can make it a space (punctuation, digits), so a chunk
    holds one word or more; chunks repeat, and are normalised and looked up once per process
    (emptied when it grows past ``MAX_CHUNKS``)."""

    MAX_CHUNKS = 1 << 17

    def __missing__(self, chunk: str) -> bytes:
        if len(self) >= self.MAX_CHUNKS:
            self.clear()
        rows = b"".join(map(_inner_rows, chunk.translate(_NORMALISED).split(" ")))
        self[chunk] = rows
        return rows


_CHUNK_ROWS = _ChunkRows()


def _final_chunk_rows(chunk: str) -> bytes:
    """:func:`_chunk_rows` of the text's last chunk, whose last word no space follows."""
    words = chunk.translate(_NORMALISED).split(" ")
    return b"".join(map(_inner_rows, words[:-1])) + _final_rows(words[-1])


STREAM_WORDS = 1 << 12  # the first stretch of the generator's output a detection reads


class _Stream:
    """The 32-bit words a generator seeded with ``seed`` gives, computed once per process.

    langdetect reseeds its generator for every text, so every text reads the same stream:
    a trial's gaussian (two ``random()`` calls of two words each, every other trial: the
    second value is cached) and its picks (``random.choice``: ``getrandbits(bits)``, the top
    ``bits`` of one word, drawn again while it is not below the number of n-grams). Which
    words a text accepts as picks is one numpy comparison over the stream."""

    def __init__(self, seed: int):
        self.generator = random.Random(seed)
        self.words = np.zeros(0, dtype=np.uint32)
        self.grow(STREAM_WORDS)

    def grow(self, size: int) -> None:
        """Extend the stream to ``size`` words (the generator goes on where it stopped)."""
        more = size - len(self.words)
        data = self.generator.getrandbits(32 * more).to_bytes(4 * more, "little")
        self.words = np.concatenate([self.words, np.frombuffer(data, dtype="<u4")])
        self.draws: dict[int, np.ndarray] = {}

    def top_bits(self, bits: int) -> np.ndarray:
        """``getrandbits(bits)`` for each word of the stream."""
        if bits not in self.draws:
            self.draws[bits] = (self.words >> (32 - bits)).astype(np.intp)
        return self.draws[bits]


_STREAMS: dict[int, _Stream] = {}


class _Picks:
    """The n-grams one text samples, all trials together, in order: the profile row of each
    pick (``rows``) and the position in the stream of the word it used (``positions``), found
    in the stream's first ``read`` words (most texts need fewer than ``PICKS_FIRST_WORDS``:
    the stream is as long as the longest detection of the process needed)."""

    def __init__(self, stream: _Stream, text_rows: np.ndarray):
        self.stream, self.text_rows = stream, text_rows
        self.n, self.bits = len(text_rows), len(text_rows).bit_length()
        self.read = min(PICKS_FIRST_WORDS, len(stream.words))
        self._find()

    def _find(self) -> None:
        draws = self.stream.top_bits(self.bits)[: self.read]
        self.positions = np.flatnonzero(draws < self.n)
        self.rows = self.text_rows[draws[self.positions]]

    def _read_more(self) -> None:
        """Read twice as many words of the stream, which grows (doubles) when it is too short."""
        if self.read == len(self.stream.words):
            self.stream.grow(2 * len(self.stream.words))
        self.read = min(2 * self.read, len(self.stream.words))
        self._find()

    def ensure(self, end: int) -> None:
        """Have the picks up to ``end``. A pick reads fewer than 2 words on average
        (``n >= 2 ** (bits - 1)``)."""
        while end > len(self.positions):
            self._read_more()

    def first_from(self, position: int) -> int:
        """The index of the first pick at or after stream position ``position``."""
        while position >= self.read:
            self._read_more()
        return int(self.positions.searchsorted(position))


PICKS_FIRST_WORDS = 1 << 11


def _trial(
    picks: _Picks, first: int, weight: float, matrix: np.ndarray, count: int
) -> tuple[np.ndarray, int]:
    """One of langdetect's trials from pick ``first`` on: the normalised probabilities and the
    number of picks it used.

    langdetect multiplies each language's probability by ``weight + p(n-gram)`` for each pick,
    one Python float at a time, and normalises every 5 picks (after picks 1, 6, 11...) until a
    language passes ``CONV_THRESHOLD`` or ``ITERATION_LIMIT``. Here the 5 rows of a step,
    preceded by the normalised vector, are one ``multiply.reduce`` over axis 0: each element is
    the same left-to-right product of the same factors. The normalising sum is Python's own
    ``sum`` of the list, as langdetect's (whose rounding changed in Python 3.12), or, before
    3.12, where that ``sum`` adds left to right, ``add.accumulate``, which adds the same way.
    A step costs some 2 microseconds, so its arrays are made once per thread (:class:`_Steps`).
    """
    picks.ensure(first + 1)
    prob = weight + matrix[picks.rows[first]]
    prob *= 1.0 / count  # langdetect's (1 / count) * factor: the same product
    values = memoryview(prob)  # Python floats, as langdetect's list holds them, without a list
    norm = sum(values)
    leader = int(prob.argmax())
    converged = values[leader] / norm > CONV_THRESHOLD
    step, block, steps = 0, 8, ITERATION_LIMIT // 5
    scratch = _steps(count)
    sums, total, sequential = scratch.sums, scratch.total, SEQUENTIAL_SUM
    total[()] = norm
    while not converged and step < steps:
        block = min(2 * block, steps - step)  # the factors of the next steps, a block at a time
        start = first + 1 + 5 * step
        picks.ensure(start + 5 * block)
        rows = matrix[picks.rows[start : start + 5 * block]].reshape(block, 5, count)
        np.add(weight, rows, out=scratch.buffers[:block, 1:])
        for buffer, head in islice(scratch.views, block):
            _divide(prob, total, head)  # total: norm, as an array (a float costs a conversion)
            _multiply_down(buffer, 0, None, prob)
            if sequential:
                _accumulate(prob, 0, None, sums)
                norm = scratch.last[-1]
            else:
                total[()] = norm = sum(values)
            step += 1
            # max(values) / norm > CONV_THRESHOLD, mostly without max(): the leader's share
            # bounds the others' (they sum to at most 1 - share, give or take rounding)
            share = values[leader] / norm
            if share > CONV_THRESHOLD:
                converged = True
                break
            if share <= 0.5:
                leader = int(prob.argmax())
                if values[leader] / norm > CONV_THRESHOLD:
                    converged = True
                    break
    prob /= norm
    return prob, 1 + 5 * step


_divide = np.divide
_multiply_down = np.multiply.reduce  # positional arguments: a quarter of the call's cost
_accumulate = np.add.accumulate
# Python's sum of floats adds them left to right before 3.12, and compensates from 3.12 on
SEQUENTIAL_SUM = sys.version_info < (3, 12)


class _Steps(threading.local):
    """A thread's arrays for :func:`_trial`'s steps (the API may detect on several threads):
    the factors of up to ``ITERATION_LIMIT // 5`` steps, each step's block and its first row
    as views made once, and the running sums, whose last element ``total`` views as a 0-d
    array."""

    def __init__(self) -> None:
        self.count = -1

    def ready(self, count: int) -> _Steps:
        if count != self.count:
            self.count = count
            self.buffers = np.empty((ITERATION_LIMIT // 5, 6, count))
            self.views = [(buffer, buffer[0]) for buffer in self.buffers]
            self.sums = np.empty(count)
            self.total = self.sums[-1:].reshape(())
            self.last = memoryview(self.sums)
        return self


_STEPS = _Steps()


def _steps(count: int) -> _Steps:
    return _STEPS.ready(count)


def probabilities(text: str, seed: int, max_chars: int) -> list[tuple[str, float]]:
    """What ``langdetect`` gives for ``text`` with this seed and maximum text length:
    ``(language, probability)`` for every language above 0.1, best first; ``[]`` when the
    text has no n-gram any profile knows."""
    table = profiles()
    rows = _rows(_prepared(text, max_chars))
    if not len(rows):
        return []
    if seed not in _STREAMS:
        _STREAMS[seed] = _Stream(seed)
    picks = _Picks(_STREAMS[seed], rows)
    matrix, count = table.matrix, len(table.languages)
    total = np.zeros(count)
    generator = random.Random(seed)  # gives the gaussians: the stream's words, as langdetect's
    used = 0  # words of the stream read so far
    for trial in range(N_TRIAL):
        if generator.gauss_next is None:  # gauss() reads 4 words, and keeps a second value
            used += 4
        weight = (ALPHA + generator.gauss(0.0, 1.0) * ALPHA_WIDTH) / BASE_FREQ
        first = picks.first_from(used)
        prob, picked = _trial(picks, first, weight, matrix, count)
        last = int(picks.positions[first + picked - 1])
        if trial < N_TRIAL - 1:
            generator.getrandbits(32 * (last + 1 - used))  # the picks' words, read here too
        used = last + 1
        total += prob / N_TRIAL
    from langdetect.language import Language

    ranked = [
        Language(lang, p)
        for lang, p in zip(table.languages, total.tolist(), strict=True)
        if p > PROB_THRESHOLD
    ]
    ranked.sort(reverse=True)
    return [(language.lang, language.prob) for language in ranked]


def likeliest(text: str) -> str | None:
    """The language whose profile makes ``text``'s n-grams likeliest, all of them counted once
    (langdetect's model without its random sampling, its trials and its text preparation);
    None when no profile knows any of them.

    One numpy operation over the text's n-grams, where :func:`probabilities` runs up to 7,000
    small ones: about a fortieth of the cost. Too rough to decide a language (no confidence, no
    neighbour check), but enough to tell whether a paragraph reads like its document: the
    detect stage uses it to spare the paragraphs that do a detection of their own."""
    table = profiles()
    rows = _rows(text)
    if not len(rows):
        return None
    scores = _log_rows(table).of(rows).sum(axis=0)
    return table.languages[int(scores.argmax())]


class _LogRows:
    """``log(matrix[row] + ALPHA / BASE_FREQ)`` for the rows read so far, each worked out once:
    the logarithm is most of :func:`likeliest`'s cost, and a run reads the same n-grams
    again and again. Each row keeps a slot of a growing array, so that memory follows the
    n-grams a run meets, not the 88k of the profiles."""

    def __init__(self, matrix: np.ndarray):
        self.matrix = matrix
        self.slot_of = np.full(len(matrix), -1, dtype=np.intp)
        self.logs = np.empty((1024, matrix.shape[1]))
        self.used = 0

    def of(self, rows: np.ndarray) -> np.ndarray:
        """The logarithms of ``rows``, one row each, in order."""
        slots = self.slot_of[rows]
        if (slots < 0).any():
            new = np.unique(rows[slots < 0])
            end = self.used + len(new)
            if end > len(self.logs):
                size = min(max(end, 2 * len(self.logs)), len(self.matrix))
                grown = np.empty((size, self.logs.shape[1]))
                grown[: self.used] = self.logs[: self.used]
                self.logs = grown
            self.logs[self.used : end] = np.log(self.matrix[new] + ALPHA / BASE_FREQ)
            self.slot_of[new] = np.arange(self.used, end)
            self.used = end
            slots = self.slot_of[rows]
        return self.logs.take(slots, axis=0)


_LOGS: list[_LogRows] = []  # the one for the current profile matrix


def _log_rows(table: Profiles) -> _LogRows:
    if not _LOGS or _LOGS[0].matrix is not table.matrix:
        _LOGS[:] = [_LogRows(table.matrix)]
    return _LOGS[0]
