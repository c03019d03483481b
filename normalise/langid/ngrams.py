"""langdetect's detector, with its inner loops in numpy: the same numbers, about twice as fast.

Detection is most of the work of a run that translates little (an English corpus passes
through read, clean, detect and segment only), and langdetect spends it in two pure-Python
loops: multiplying 55 language probabilities, one Python float at a time, for every n-gram
it samples; and pushing every character through its ``NGram`` buffer, which looks up the
character's Unicode block each time. Here the profile is one ``float64`` matrix (a row per
n-gram), a sampled row multiplies the probability vector in one numpy operation, and the
character normalisation is memoised.

The results are identical to ``langdetect`` 1.0.9 (pinned), bit for bit, once its profiles are
listed in sorted order (see :func:`profiles`): the random draws are
the same calls on the same seeded generator, every element goes through the same
floating-point operations in the same order, and the normalising sum is Python's own ``sum``
over the same values. ``tests/test_langid_ngrams.py`` checks this against langdetect itself.
Text preparation (URL and e-mail removal, Vietnamese normalisation, Latin clean-up) is
langdetect's own code.
"""

from __future__ import annotations

import json
import os
import random
from dataclasses import dataclass
from functools import lru_cache

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


class _NoProfiles:
    """What langdetect's ``Detector.__init__`` reads from its factory; text preparation uses
    none of it."""

    word_lang_prob_map: dict[str, list[float]] = {}
    langlist: list[str] = []
    seed = None


def _prepared(text: str, max_chars: int) -> str:
    """The text as langdetect's Detector holds it after ``append`` and ``cleaning_text``."""
    from langdetect.detector import Detector

    detector = Detector(_NoProfiles)
    detector.set_max_text_length(max_chars)
    detector.append(text)
    detector.cleaning_text()
    return detector.text


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
def _word_rows(padded: str) -> tuple[int, ...]:
    """The profile rows of one padded word's n-grams. Words repeat (Zipf), so a text's
    n-grams are mostly looked up once per process, not once per occurrence."""
    rows = profiles().rows
    return tuple(rows[gram] for gram in _word_grams(padded, rows))


def _rows(text: str) -> list[int]:
    """The profile rows of :func:`extract_ngrams`, in the same order."""
    return [row for padded in _padded_words(text) for row in _word_rows(padded)]


def probabilities(text: str, seed: int, max_chars: int) -> list[tuple[str, float]]:
    """What ``langdetect`` gives for ``text`` with this seed and maximum text length:
    ``(language, probability)`` for every language above 0.1, best first; ``[]`` when the
    text has no n-gram any profile knows."""
    table = profiles()
    rows = _rows(_prepared(text, max_chars))
    if not rows:
        return []
    matrix = table.matrix
    count = len(table.languages)
    total = np.zeros(count)
    generator = random.Random()
    generator.seed(seed)
    # random.choice(rows), inlined: rows[_randbelow(len(rows))], the same draws
    getrandbits, n = generator.getrandbits, len(rows)
    bits = n.bit_length()
    for _ in range(N_TRIAL):
        prob = np.full(count, 1.0 / count)
        weight = (ALPHA + generator.gauss(0.0, 1.0) * ALPHA_WIDTH) / BASE_FREQ
        i = 0
        while True:
            pick = getrandbits(bits)
            while pick >= n:
                pick = getrandbits(bits)
            prob *= weight + matrix[rows[pick]]
            if i % 5 == 0:
                values = prob.tolist()
                norm = sum(values)  # Python's sum, as langdetect: the same rounding
                prob /= norm
                # max(p / norm) == max(p) / norm: division by a positive number keeps order
                if max(values) / norm > CONV_THRESHOLD or i >= ITERATION_LIMIT:
                    break
            i += 1
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
    if not rows:
        return None
    scores = np.log(table.matrix[rows] + ALPHA / BASE_FREQ).sum(axis=0)
    return table.languages[int(scores.argmax())]
