"""Proper names and titles carry no language: set them aside before a sentence is judged.

A Spanish sentence about "Citizens for Responsibility and Ethics in Washington", the author of
"The Last Palace: Europe's Turbulent Century in Five Lives and One Legendary House", is Spanish:
its grammar ("es el presidente de ... y autor de") says so. langdetect reads characters, and on a
sentence whose letters are half English names it answers English, which sends the sentence to
no model at all, or to the wrong one. So when names make up much of a text, the text is judged
on what is left once they are taken out, provided enough is left to judge.

A name here is a run of at least two capitalised words, which may be bridged by up to two
lower-case connectors ("Citizens *for* Responsibility *and* Ethics *in* Washington",
"Universidad *de la* Rioja"; the list is ``[names]`` in ``normalise/data/langid_evidence.toml``).
A single capitalised word is kept: it starts a sentence, or it is a German noun. Punctuation
that ends a clause (``,`` ``:`` ``;`` ``.``, closing quotes) ends a run.
"""

from __future__ import annotations

import re
import tomllib
from functools import lru_cache
from importlib import resources

MIN_CAPITALISED = 2  # words in a run before it counts as a name
MAX_BRIDGE_WORDS = 2  # connectors a run may span between two capitalised words ("de la")
# Names must take this share of a text's letters before they are set aside: below it, they are
# too few to mislead the detector, and keeping them keeps its evidence.
MIN_NAME_SHARE = 0.3

_CHUNK = re.compile(r"\S+")
_EDGE = "\"'“”‘’«»„()[]¿¡"
_ENDS_RUN = tuple(',:;.!?)]”»"')


def _core(chunk: str) -> str:
    return chunk.strip(_EDGE).rstrip(",:;.!?").strip(_EDGE)


def _capitalised(core: str) -> bool:
    return bool(core) and core[0].isupper() and any(map(str.isalpha, core))


@lru_cache(maxsize=1)
def connectors() -> frozenset[str]:
    data = tomllib.loads(
        resources.files("normalise.data").joinpath("langid_evidence.toml").read_text("utf-8")
    )
    return frozenset(data["names"]["connectors"])


def _bridge(core: str) -> bool:
    return core in connectors()


def name_spans(text: str) -> list[tuple[int, int]]:
    """Character spans of the name runs in ``text``, in order."""
    chunks = list(_CHUNK.finditer(text))
    spans: list[tuple[int, int]] = []
    i = 0
    while i < len(chunks):
        if not _capitalised(_core(chunks[i].group())):
            i += 1
            continue
        run_end, capitalised, j = i, 1, i
        while not chunks[j].group().endswith(_ENDS_RUN) and j + 1 < len(chunks):
            # the next capitalised word, over at most MAX_BRIDGE_WORDS short lower-case ones
            k = j + 1
            while (
                k < len(chunks)
                and k - j - 1 < MAX_BRIDGE_WORDS
                and _bridge(_core(chunks[k].group()))
                and not chunks[k].group().endswith(_ENDS_RUN)
            ):
                k += 1
            if k < len(chunks) and _capitalised(_core(chunks[k].group())):
                run_end, capitalised, j = k, capitalised + 1, k
            else:
                break
        if capitalised >= MIN_CAPITALISED:
            spans.append((chunks[i].start(), chunks[run_end].end()))
        i = run_end + 1
    return spans


def _letters(text: str) -> int:
    return sum(map(str.isalpha, text))


def without_names(text: str) -> str | None:
    """``text`` with its name runs taken out, when they hold at least ``MIN_NAME_SHARE`` of its
    letters; ``None`` when names are too few to matter."""
    spans = name_spans(text)
    if not spans:
        return None
    total = _letters(text)
    named = sum(_letters(text[start:end]) for start, end in spans)
    if not total or named < MIN_NAME_SHARE * total:
        return None
    pieces, cursor = [], 0
    for start, end in spans:
        pieces.append(text[cursor:start])
        cursor = end
    pieces.append(text[cursor:])
    return " ".join(" ".join(pieces).split())
