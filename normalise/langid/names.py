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

from .evidence import letter_count

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


# One letter per chunk (see _kind), and a name run over them: a capitalised chunk, then more,
# each over at most MAX_BRIDGE_WORDS connectors; a chunk that ends a clause ends the run.
_CAPITALISED, _CAPITALISED_ENDS, _BRIDGE, _OTHER = "C", "c", "b", "o"
_RUN = re.compile(f"C(?:b{{0,{MAX_BRIDGE_WORDS}}}C)*(?:b{{0,{MAX_BRIDGE_WORDS}}}c)?")
# The runs of _RUN with two capitalised chunks or more, the only ones MIN_CAPITALISED (2) lets
# count: a lone "C" is no match, so the search goes on from the next chunk, as it does after
# _RUN's lone "C" (most capitalised chunks start a sentence, and stand alone).
_LONGER_RUN = re.compile(
    f"C(?:b{{0,{MAX_BRIDGE_WORDS}}}C)+(?:b{{0,{MAX_BRIDGE_WORDS}}}c)?|Cb{{0,{MAX_BRIDGE_WORDS}}}c"
)


class _Kinds(dict):
    """Chunk (a run of non-spaces) -> what it can be in a name run: capitalised (and whether
    it ends a clause), a connector that can bridge two capitalised words, or neither. Chunks
    repeat, so this is worked out once per chunk, not once per occurrence; emptied when it
    grows past ``MAX_CHUNKS``."""

    MAX_CHUNKS = 1 << 17

    def __missing__(self, chunk: str) -> str:
        if len(self) >= self.MAX_CHUNKS:
            self.clear()
        core = _core(chunk)
        if _capitalised(core):
            kind = _CAPITALISED_ENDS if chunk.endswith(_ENDS_RUN) else _CAPITALISED
        elif _bridge(core) and not chunk.endswith(_ENDS_RUN):
            kind = _BRIDGE
        else:
            kind = _OTHER
        self[chunk] = kind
        return kind


_KINDS = _Kinds()


def _runs(chunks: list[str]) -> list[tuple[int, int]]:
    """The name runs among ``chunks``, as ranges of chunk indices: one pattern over the
    chunks' kinds, so a text costs one look-up per chunk."""
    kinds = "".join(map(_KINDS.__getitem__, chunks))
    return [
        match.span()
        for match in (_LONGER_RUN if MIN_CAPITALISED >= 2 else _RUN).finditer(kinds)
        if _capitalised_count(match.group()) >= MIN_CAPITALISED
    ]


def name_spans(text: str) -> list[tuple[int, int]]:
    """Character spans of the name runs in ``text``, in order."""
    runs = _runs(text.split())  # str.split() and \S+ agree on what a space is
    if not runs:
        return []
    chunks = list(_CHUNK.finditer(text))
    return [(chunks[first].start(), chunks[end - 1].end()) for first, end in runs]


def _capitalised_count(kinds: str) -> int:
    return kinds.count(_CAPITALISED) + kinds.count(_CAPITALISED_ENDS)


def without_names(text: str) -> str | None:
    """``text`` with its name runs taken out, when they hold at least ``MIN_NAME_SHARE`` of its
    letters; ``None`` when names are too few to matter.

    Worked out on the chunks, without the runs' character spans: spaces hold no letters, and
    what is left, its spaces normalised, is the other chunks joined by single spaces."""
    chunks = text.split()
    runs = _runs(chunks)
    if not runs:
        return None
    total = letter_count(text)
    named = sum(letter_count("".join(chunks[first:end])) for first, end in runs)
    if not total or named < MIN_NAME_SHARE * total:
        return None
    kept, cursor = [], 0
    for first, end in runs:
        kept += chunks[cursor:first]
        cursor = end
    kept += chunks[cursor:]
    return " ".join(kept)
