"""Function-word and character evidence that separates neighbouring languages.

langdetect's character n-gram profiles blur close neighbours (Catalan and Spanish, Romanian
and Italian). Their most frequent function words and a few letters do not: "els", "amb",
"però" are Catalan, "não" and "ção" Portuguese, "și" and "ă" Romanian. The lists live in
``normalise/data/langid_evidence.toml``.
"""

from __future__ import annotations

import re
import string
import tomllib
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from itertools import chain

# A word, its hyphenated parts (Romanian "s-a") and a trailing elision apostrophe ("l'", "qu'").
_TOKEN = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*'?")
# The same on an ASCII text, where a letter is [A-Za-z] (\w is [A-Za-z0-9_] there, \d [0-9]):
# a range test per character, where the Unicode class asks the character's category.
_ASCII_TOKEN = re.compile(r"[A-Za-z]+(?:-[A-Za-z]+)*'?")
_LONE_CAPITALS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ")


@dataclass(frozen=True)
class LanguageEvidence:
    words: frozenset[str]
    markers: tuple[str, ...]


@dataclass(frozen=True)
class EvidenceTables:
    languages: dict[str, LanguageEvidence]
    group_of: dict[str, tuple[str, ...]]  # language -> the languages of its group


@lru_cache(maxsize=1)
def tables() -> EvidenceTables:
    data = tomllib.loads(
        resources.files("normalise.data").joinpath("langid_evidence.toml").read_text("utf-8")
    )
    languages = {
        code: LanguageEvidence(
            frozenset(w.lower() for w in entry["words"]),
            tuple(m.lower() for m in entry.get("markers", ())),
        )
        for code, entry in data["languages"].items()
    }
    group_of = {code: tuple(members) for members in data["groups"].values() for code in members}
    return EvidenceTables(languages, group_of)


def tokens(text: str) -> list[str]:
    """Lower-cased words; typographic apostrophes folded so "l’any" matches "l'". A lone
    capital letter is an initial or a Roman numeral ("I. A.", "la I Guerra"), not the
    Catalan "i" or the Romance "a", and is left out.

    The last few texts' words are kept (:func:`remember_tokens`): a decision reads its text's
    words several times (its names, its length, its function words, its word count)."""
    found = _RECENT.get(text)
    if found is None:
        found = _split(text)
        _remember(text, found)
    return list(found)


def tokens_of_each(texts: list[str]) -> list[tuple[str, ...]]:
    """:func:`tokens` of each text (a document's paragraphs), as tuples, and not kept among the
    recent texts: the caller reads them, and a document's paragraphs would only push out the
    texts a decision reads again."""
    return list(map(_split, texts))


def remember_tokens(text: str, text_tokens: list[str]) -> None:
    """Keep ``text_tokens`` as the :func:`tokens` of ``text``, which the caller has from its
    parts (a document's paragraphs, say: no word spans two paragraphs)."""
    _remember(text, tuple(text_tokens))


RECENT_TEXTS = 16
_RECENT: dict[str, tuple[str, ...]] = {}  # oldest first


def _remember(text: str, text_tokens: tuple[str, ...]) -> None:
    _RECENT.pop(text, None)
    _RECENT[text] = text_tokens
    if len(_RECENT) > RECENT_TEXTS:
        try:
            _RECENT.pop(next(iter(_RECENT)), None)
        except (RuntimeError, StopIteration):  # another thread changed it meanwhile (the API)
            pass


def _split(text: str) -> tuple[str, ...]:
    """:func:`tokens`, worked out. The words are lower-cased together, joined by spaces: one
    C call where one per word costs twice as much. A space keeps each word's own case rules
    (Greek final sigma included): it is neither cased nor case-ignorable, and no word holds
    one. Most paragraphs of an English text are ASCII once apostrophes are folded: they are
    searched with ``_ASCII_TOKEN``, a third faster."""
    folded = text.replace("\u2019", "'").replace("\u02bc", "'")
    pattern = _ASCII_TOKEN if folded.isascii() else _TOKEN
    found = pattern.findall(folded)  # "l'any" gives "l'" and "any"
    if not found:
        return ()
    if not _LONE_CAPITALS.isdisjoint(found):
        found = [token for token in found if token not in _LONE_CAPITALS]
        if not found:
            return ()
    return tuple(" ".join(found).lower().split(" "))


_NOT_ASCII_LETTERS = bytes(sorted(set(range(256)) - set(string.ascii_letters.encode())))
_NOT_ASCII = re.compile(r"[^\x00-\x7f]+")


def has_letters(text: str, at_least: int) -> bool:
    """``letter_count(text) >= at_least``, from the text's start when that is enough."""
    return letter_count(text[: 4 * at_least]) >= at_least or letter_count(text) >= at_least


def letter_count(text: str) -> int:
    """``sum(map(str.isalpha, text))``, with the ASCII letters counted by one bytes
    operation (in UTF-8 every byte of a non-ASCII character is above 0x7f): only the
    non-ASCII characters, a few accents in a Latin text, are asked one at a time."""
    ascii_letters = len(text.encode("utf-8", "surrogatepass").translate(None, _NOT_ASCII_LETTERS))
    if text.isascii():
        return ascii_letters
    return ascii_letters + sum(map(str.isalpha, "".join(_NOT_ASCII.findall(text))))


@lru_cache(maxsize=1)
def _marker_patterns() -> tuple[re.Pattern[str], tuple[tuple[str, re.Pattern[str]], ...]]:
    """Per language with markers, one pattern that finds any of them: a marker written
    "-xyz" at the end of a word, any other anywhere in it; and one pattern that finds any
    language's (most words carry none: one search spares them the others)."""
    patterns, everyone = [], []
    for code, entry in tables().languages.items():
        inside = [re.escape(m) for m in entry.markers if not m.startswith("-")]
        ending = [re.escape(m[1:]) for m in entry.markers if m.startswith("-")]
        alternatives = [*inside, *(f"(?:{suffix})\\Z" for suffix in ending)]
        if alternatives:
            patterns.append((code, re.compile("|".join(alternatives))))
            everyone += alternatives
    return re.compile("|".join(everyone)), tuple(patterns)


def _marked_languages(word: str) -> tuple[str, ...]:
    """The languages whose markers ``word`` carries."""
    anyone, patterns = _marker_patterns()
    if not anyone.search(word):
        return ()
    return tuple(code for code, pattern in patterns if pattern.search(word))


@lru_cache(maxsize=1)
def _listed_in() -> dict[str, tuple[str, ...]]:
    """Function word -> the languages whose lists have it, in the tables' order."""
    listed: dict[str, tuple[str, ...]] = {}
    for code, entry in tables().languages.items():
        for word in entry.words:
            listed[word] = (*listed.get(word, ()), code)
    return listed


def evidence(text: str, languages: tuple[str, ...]) -> Counter[str]:
    """Per language: the number of its function words in ``text``, plus the number of words
    that carry one of its marker letters or word pieces."""
    return evidence_of(tokens(text), languages)


def evidence_of(text_tokens: Sequence[str], languages: tuple[str, ...]) -> Counter[str]:
    """:func:`evidence` of a text already split by :func:`tokens` (spares a second split).

    Each word stands for the languages it is evidence of (:class:`_WordEvidence`, worked out
    once per word), and one ``Counter`` counts them all: C loops, where a count per language
    and per word would be Python ones."""
    hits = Counter(evidence_hits(text_tokens))
    counts: Counter[str] = Counter()
    for code in languages:
        if code in hits:
            counts[code] = hits[code]
    return counts


def evidence_hits(text_tokens: Sequence[str]) -> list[str]:
    """Each piece of evidence in a text split by :func:`tokens`: the language it counts for,
    once per occurrence (``Counter`` of them, restricted to some languages, is
    :func:`evidence_of`). Every language there is one of :func:`listed_languages`."""
    return [*chain.from_iterable(map(_WORD_EVIDENCE.__getitem__, text_tokens))]


class _WordEvidence(dict):
    """Word -> the languages one occurrence of it counts for: once per function-word list
    that has it, and once per language whose markers it carries (so twice, for a marked
    function word). Filled as words come; emptied when it grows past ``MAX_WORDS`` (a long
    run meets many words once)."""

    MAX_WORDS = 1 << 17

    def __missing__(self, word: str) -> tuple[str, ...]:
        if len(self) >= self.MAX_WORDS:
            self.clear()
        self[word] = _listed_in().get(word, ()) + _marked_languages(word)
        return self[word]


_WORD_EVIDENCE = _WordEvidence()


def group(lang: str) -> tuple[str, ...]:
    """The neighbours ``lang`` is re-checked against (itself included), or ``()``."""
    return tables().group_of.get(lang, ())


def listed_languages() -> tuple[str, ...]:
    return tuple(tables().languages)
