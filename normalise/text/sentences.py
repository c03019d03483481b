"""A rule-based, offline sentence splitter for Italian, Spanish and English.

Why our own: Argos packages ship a stanza or MiniSBD splitter that pulls torch or downloads
at run time. News prose needs only a few rules: split after ``. ! ? …`` (and any closing
quotes or brackets) when whitespace follows and the next word starts a sentence, except after
a known abbreviation or an initial. Decimals and thousands ("7,5", "1.000") have no space
after the point and never split.

:func:`split_spans` returns character offsets, so that each sentence maps back into the
cleaned source text.
"""

from __future__ import annotations

import re
from functools import lru_cache

_COMMON_ABBREVIATIONS = """
    mr mrs ms dr prof st jr sr vs etc approx fig figs no nos vol ed eds inc ltd co corp
    jan feb mar apr jun jul aug sep sept oct nov dec mon tue wed thu fri sat sun
    gen gov sen rep col lt sgt capt cmdr adm rev hon est dept univ assn bros
    p pp ca cf al e.g i.e u.s u.k u.n a.m p.m d.c
"""
_ABBREVIATIONS = {
    "en": _COMMON_ABBREVIATIONS,
    "it": _COMMON_ABBREVIATIONS
    + """sig sigg sig.ra dott dott.ssa ing avv arch geom rag on pag pagg ecc cap art
        n nn tel sec vd cfr es ca s.p.a s.r.l spa srl prov reg
    """,
    "es": _COMMON_ABBREVIATIONS
    + """sra srta sres dra dña d lic ing arq pág págs art núm cap tel avda av uu ee.uu
        ee uu ud uds vd vds sa s.a s.l cía admón aprox atte dpto
    """,
}

# Sentence-final punctuation, then closing quotes/brackets, then whitespace.
_BOUNDARY = re.compile(r"""([.!?…]+|\.\.\.)(["'”’»)\]]*)(\s+)""")
_OPENERS = "\"'“‘«¿¡([—–-"
_WORD_BEFORE = re.compile(r"([\w.'’-]+)$")


@lru_cache(maxsize=8)
def _abbreviations(lang: str) -> frozenset[str]:
    words = _ABBREVIATIONS.get(lang, " ".join(_ABBREVIATIONS.values()))
    return frozenset(word.strip(".").lower() for word in words.split())


def _starts_sentence(text: str, index: int) -> bool:
    rest = text[index:].lstrip(_OPENERS)
    if not rest:
        return False
    first = rest[0]
    return first.isupper() or first.isdigit() or text[index] in _OPENERS


def _is_abbreviation(text: str, end: int, abbreviations: frozenset[str]) -> bool:
    """Is the word ending just before ``end`` (the point) an abbreviation or an initial?"""
    match = _WORD_BEFORE.search(text, 0, end)
    if not match:
        return False
    word = match.group(1).strip("'’-").lower()
    if word in abbreviations or word.rstrip(".") in abbreviations:
        return True
    # Initials and dotted acronyms: "J.", "U.S.", "EE.UU." (but not "AI." or "GPU.")
    letters = word.replace(".", "")
    if len(letters) == 1 and letters.isalpha():
        return True
    return "." in word and all(len(part) <= 2 for part in word.split(".") if part)


def split_spans(text: str, lang: str | None = None) -> list[tuple[int, int]]:
    """Sentence spans ``(start, end)`` of ``text``, without surrounding whitespace."""
    abbreviations = _abbreviations(lang or "")
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _BOUNDARY.finditer(text):
        punct_end = match.end(1)
        after = match.end(3)
        if after >= len(text) or not _starts_sentence(text, after):
            continue
        if match.group(1) == "." and _is_abbreviation(text, match.start(1), abbreviations):
            # "EE. UU." and "U. S." are written with spaces too: the next token decides.
            continue
        end = match.end(2) if match.group(2) else punct_end
        spans.append((start, end))
        start = after
    spans.append((start, len(text)))
    return [(s, e) for s, e in (_strip(text, s, e) for s, e in spans) if e > s]


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def split(text: str, lang: str | None = None) -> list[str]:
    return [text[s:e] for s, e in split_spans(text, lang)]
