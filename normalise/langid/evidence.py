"""Function-word and character evidence that separates neighbouring languages.

langdetect's character n-gram profiles blur close neighbours (Catalan and Spanish, Romanian
and Italian). Their most frequent function words and a few letters do not: "els", "amb",
"però" are Catalan, "não" and "ção" Portuguese, "și" and "ă" Romanian. The lists live in
``normalise/data/langid_evidence.toml``.
"""

from __future__ import annotations

import re
import tomllib
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

# A word, its hyphenated parts (Romanian "s-a") and a trailing elision apostrophe ("l'", "qu'").
_TOKEN = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*'?")


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
    Catalan "i" or the Romance "a", and is left out."""
    folded = text.replace("\u2019", "'").replace("\u02bc", "'")
    return [  # "l'any" gives "l'" and "any"
        token.lower()
        for token in _TOKEN.findall(folded)
        if not (len(token) == 1 and token.isupper() and token.isascii())
    ]


@lru_cache(maxsize=1)
def _marker_patterns() -> tuple[tuple[str, re.Pattern[str]], ...]:
    """Per language with markers, one pattern that finds any of them: a marker written
    "-xyz" at the end of a word, any other anywhere in it."""
    patterns = []
    for code, entry in tables().languages.items():
        inside = [re.escape(m) for m in entry.markers if not m.startswith("-")]
        ending = [re.escape(m[1:]) for m in entry.markers if m.startswith("-")]
        alternatives = [*inside, *(f"(?:{suffix})\\Z" for suffix in ending)]
        if alternatives:
            patterns.append((code, re.compile("|".join(alternatives))))
    return tuple(patterns)


@lru_cache(maxsize=65536)
def _marked_languages(word: str) -> tuple[str, ...]:
    """The languages whose markers ``word`` carries (cached: words repeat a lot)."""
    return tuple(code for code, pattern in _marker_patterns() if pattern.search(word))


def evidence(text: str, languages: tuple[str, ...]) -> Counter[str]:
    """Per language: the number of its function words in ``text``, plus the number of words
    that carry one of its marker letters or word pieces."""
    return evidence_of(tokens(text), languages)


def evidence_of(text_tokens: list[str], languages: tuple[str, ...]) -> Counter[str]:
    """:func:`evidence` of a text already split by :func:`tokens` (spares a second split)."""
    table = tables().languages
    words = Counter(text_tokens)
    marked: Counter[str] = Counter()
    for word, n in words.items():
        for code in _marked_languages(word):
            marked[code] += n
    counts: Counter[str] = Counter()
    for code in languages:
        entry = table.get(code)
        if entry is None:
            continue
        hits = sum(words[word] for word in entry.words & words.keys()) + marked[code]
        if hits:
            counts[code] = hits
    return counts


def group(lang: str) -> tuple[str, ...]:
    """The neighbours ``lang`` is re-checked against (itself included), or ``()``."""
    return tables().group_of.get(lang, ())


def listed_languages() -> tuple[str, ...]:
    return tuple(tables().languages)
