"""A rule-based, offline sentence splitter for Italian, Spanish and English.

Why our own: Argos packages ship a stanza or MiniSBD splitter that pulls torch or downloads
at run time. News prose needs only a few rules: split after ``. ! ? …`` (and any closing
quotes or brackets) when whitespace follows and the next word starts a sentence, except after
a known abbreviation or an initial. Decimals and thousands ("7,5", "1.000") have no space
after the point and never split.

The abbreviation lists are data (``normalise/data/abbreviations.toml``), in two kinds: those
that never end a sentence ("Sig.", "Sr.", "Mr.") and those that may, when a capitalised word
follows ("etc.", "EE. UU.", "p.m."). Measured on NTREX-128 by ``bench/sentences.py``.

:func:`split_spans` returns character offsets, so that each sentence maps back into the
cleaned source text.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

# Sentence-final punctuation, then closing quotes/brackets, then whitespace.
_BOUNDARY = re.compile(r"""([.!?…]+)(["'”’»)\]]*)(\s+)""")
_OPENERS = "\"'“‘«¿¡([—–-"
_WORD_BEFORE = re.compile(r"([\w.'’-]+)$")
_WORD_RUN = re.compile(r"[\w.'’-]+")  # _WORD_BEFORE's characters, matched in reversed text
_WORD_WINDOW = 48

NEVER, MAY_END = "never", "may_end"


@dataclass(frozen=True)
class Abbreviations:
    never_final: frozenset[str]
    may_end: frozenset[str]


def _words(text: str) -> frozenset[str]:
    return frozenset(word.strip(".").lower() for word in text.split())


@lru_cache(maxsize=8)
def abbreviations(lang: str | None) -> Abbreviations:
    """The lists for ``lang`` (plus the common ones); every language's for an unknown one."""
    raw = (resources.files("normalise") / "data" / "abbreviations.toml").read_text("utf-8")
    table = tomllib.loads(raw)
    langs = [lang] if lang in table and lang != "common" else [k for k in table if k != "common"]
    sections = [table["common"], *(table[k] for k in langs)]
    may_end = frozenset().union(*(_words(s.get("may_end", "")) for s in sections))
    never = frozenset().union(*(_words(s.get("never_final", "")) for s in sections))
    return Abbreviations(never_final=never - may_end, may_end=may_end)


def _next_word_start(text: str, index: int) -> str:
    rest = text[index:].lstrip(_OPENERS)
    return rest[:1]


def _word_before(text: str, end: int) -> str | None:
    """The word (with its points) that ends at ``end``, as ``_WORD_BEFORE`` finds it there
    (``$`` also matches before a newline at ``end``): the longest run of word characters
    ending there, None if there is none.

    The run is matched forwards in the reversed few characters before ``end``: a search for
    ``_WORD_BEFORE`` tried each position of the window, and on to the end of each word in
    it. Only a word that fills the window needs the whole text."""
    if end and text[end - 1] == "\n":
        end -= 1
    window = max(0, end - _WORD_WINDOW)
    run = _WORD_RUN.match(text[window:end][::-1])
    if run is None:
        return None
    length = run.end()
    if length == end - window and window > 0:
        length = _WORD_RUN.match(text[:end][::-1]).end()  # type: ignore[union-attr]
    return text[end - length : end]


def abbreviation_kind(text: str, end: int, table: Abbreviations) -> str | None:
    """How the word ending just before ``end`` (a point) behaves: NEVER, MAY_END or None."""
    found = _word_before(text, end)
    if not found:
        return None
    word = found.strip("'’-").lower()
    key = word.rstrip(".")
    if key in table.never_final:
        return NEVER
    if key in table.may_end:
        return MAY_END
    letters = word.replace(".", "")
    if len(letters) == 1 and letters.isalpha():
        return NEVER  # an initial: "J. K. Rowling"
    if "." in key and letters.isalpha() and all(len(part) <= 2 for part in key.split(".")):
        return MAY_END  # a dotted acronym: "A.I."
    return None


def split_spans(text: str, lang: str | None = None) -> list[tuple[int, int]]:
    """Sentence spans ``(start, end)`` of ``text``, without surrounding whitespace.

    Only the first and the last span can need stripping: a span after a boundary starts
    where the boundary's whitespace ends (``\\s+`` takes all of it), and a span ends on its
    punctuation or closing quote. So the text's own leading and trailing whitespace is all
    that is taken off (tests/test_run_fast.py holds this to stripping every span)."""
    table = abbreviations(lang)
    spans: list[tuple[int, int]] = []
    start = 0
    length = len(text)
    for match in _BOUNDARY.finditer(text):
        after = match.end(3)
        if after >= length:
            continue
        first = text[after]
        if first in _OPENERS:  # a sentence may open with a quote or a dash
            first = _next_word_start(text, after)
            if not first:
                continue
        elif not (first.isupper() or first.isdigit()):
            continue
        points, closing = match.group(1, 2)
        if points == ".":
            kind = abbreviation_kind(text, match.start(1), table)
            if kind == NEVER:
                continue
            if kind == MAY_END and not first.isupper():
                continue
        spans.append((start, match.end(2) if closing else match.end(1)))
        start = after
    end = len(text.rstrip())
    if start < end:
        spans.append((start, end))
    if spans and spans[0][0] == 0:
        spans[0] = (length - len(text.lstrip()), spans[0][1])
    return spans


def split(text: str, lang: str | None = None) -> list[str]:
    return [text[s:e] for s, e in split_spans(text, lang)]
