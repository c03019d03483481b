"""Corpus-level repetition: a line found in many documents of one run is boilerplate.

A syndication footer ("This story was produced by ..."), a site's newsletter blurb or its
menu repeats across every article of a crawl, while article prose almost never does. Whether a
line repeats is a fact about the whole run, so it is counted in a *pre-pass* over all inputs,
before the main pass: :func:`normalise.run.prepass.count_repeated_lines` returns a
:class:`RepeatedLines` that every worker's pipeline receives. Counting is a sum
over documents, so the result is the same whatever the order of the inputs or the number of
workers.

Memory is bounded: each distinct block of text costs one 64-bit key and one counter in a
dict (about 100 bytes), and at most ``max_lines`` keys are held (default 2,000,000, about
200 MB). When a run has more distinct lines than that, only keys below a bound are tracked,
and the bound halves until they fit: which keys are tracked then depends only on the set of
lines, never on the order, so the result stays deterministic and every count stays exact. The
cost is that a share of the lines (reported as ``coverage``) is never flagged, so a very large
run misses some repeated lines rather than removing content.
"""

from __future__ import annotations

import hashlib
import math
import re
from dataclasses import dataclass

_NOISE = re.compile(r"[\W_]+")
_WORD = re.compile(r"\w+")  # with "_" made a space: the runs between noise


class ThresholdError(ValueError):
    """A ``--repeat-threshold`` value that cannot be parsed; the message shows the forms."""


@dataclass(frozen=True)
class RepeatThreshold:
    """A line is repeated when found in at least ``documents`` documents and at least
    ``share`` of the run's documents. Zero for both turns the check off."""

    documents: int = 5
    share: float = 0.0

    @property
    def enabled(self) -> bool:
        return self.documents > 0 or self.share > 0

    def minimum(self, total_documents: int) -> int:
        """The number of documents a line needs, for a run of ``total_documents``."""
        return max(self.documents, math.ceil(self.share * total_documents), 2)

    @classmethod
    def parse(cls, value: str) -> RepeatThreshold:
        """``5`` (documents), ``2%`` or ``0.02`` (share of documents), ``5,2%`` (both), ``0``
        (off)."""
        documents, share = 0, 0.0
        for part in value.replace(" ", "").split(","):
            try:
                if part.endswith("%"):
                    share = float(part[:-1]) / 100
                elif "." in part:
                    share = float(part)
                else:
                    documents = int(part)
            except ValueError:
                raise ThresholdError(
                    f"bad repeat threshold {value!r}: use a number of documents (5), a share "
                    "(2% or 0.02), both (5,2%), or 0 to turn the check off"
                ) from None
        if documents < 0 or not 0 <= share <= 1:
            raise ThresholdError(f"bad repeat threshold {value!r}: out of range")
        return cls(documents, share)


def line_key(text: str) -> int:
    """A 64-bit key for a line, blind to case, whitespace and punctuation."""
    digest = hashlib.blake2b(normalised_line(text), digest_size=8).digest()
    return int.from_bytes(digest, "big")


def plain_normalised_line(text: str) -> bytes:
    """What :func:`line_key` hashes (UTF-8): the line case-folded, each run of characters
    that are not letters or digits one space, none at either end. The reference for
    :func:`normalised_line`."""
    return _NOISE.sub(" ", text.casefold()).strip().encode("utf-8")


# ASCII: each letter or digit to itself in lower case, anything else to a space.
_ASCII_FOLD = bytes(
    ord(chr(code).lower()) if code < 128 and chr(code).isalnum() else ord(" ")
    for code in range(256)
)
# Punctuation and spaces outside ASCII that English text is full of: noise, and case-folded
# to themselves, so that a line whose other characters are ASCII takes the ASCII path.
WIDE_NOISE = "\u2019\u2018\u201c\u201d\u2014\u2013\u2026\u00ab\u00bb\u00a0"


def normalised_line(text: str) -> bytes:
    """:func:`plain_normalised_line`, faster: the pre-pass keys every line of every input.
    For ASCII text (once :data:`WIDE_NOISE` is spaces) a byte translation and a split give
    the same bytes; for other text, the words found and joined."""
    if not text.isascii():
        ascii_text = text
        for char in WIDE_NOISE:
            if char in ascii_text:
                ascii_text = ascii_text.replace(char, " ")
        if not ascii_text.isascii():
            # the words themselves, found faster than the noise between them
            words = _WORD.findall(text.casefold().replace("_", " "))
            return " ".join(words).encode("utf-8")
        text = ascii_text
    return b" ".join(text.encode("ascii").translate(_ASCII_FOLD).split())


@dataclass(frozen=True)
class RepeatedLines:
    """The result of the pre-pass: which lines repeat. Picklable, small."""

    keys: frozenset[int]
    documents: int = 0  # documents counted
    minimum: int = 0  # documents a line needed
    coverage: float = 1.0  # share of distinct lines that were tracked

    def __contains__(self, text: object) -> bool:
        return isinstance(text, str) and line_key(text) in self.keys

    def __bool__(self) -> bool:
        return bool(self.keys)
