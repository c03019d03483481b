"""Protected spans through translation: mask them with placeholders, put them back after.

Each protected span of a sentence (``normalise/text/protect.py``) is replaced by a numbered
placeholder ``{1}``, ``{2}``, … before tokenisation, for SentencePiece and BPE packages alike.
Such brace-and-number placeholders abound in the software-localisation corpora the OPUS and
Argos models were trained on, so a model tends to copy them. After translation each intact
placeholder is replaced by its span (or a glossary term's English), verbatim.

Where the model damaged the placeholders, the rule is (docs/engine.md):

1. a well-formed placeholder (spaces inside allowed, as detokenisers leave them) with a number
   we gave is replaced by its span, the first time it appears;
2. a repeat of a placeholder, a number we did not give, and brace fragments with their digits
   (``{1``, ``1}``, ``{ }``) are removed;
3. a span whose placeholder is missing is inserted at the same relative position in the
   English as its placeholder had in the source (by characters), moved to the nearest word
   boundary; a span that ended the source before its final punctuation goes before the
   English's final punctuation.

Any of 2 or 3 flags the sentence ``protected_restored``. A span is never lost silently.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..text.protect import Glossary, Span, find_spans

PROTECTED_RESTORED = "protected_restored"

_PLACEHOLDER = re.compile(r"\{\s*(\d{1,4})\s*\}")
_FRAGMENT = re.compile(r"\{\s*\d*\s*\}?|\d*\s*\}")
_FINAL_PUNCTUATION = re.compile(r"[.!?…:;]+[\"'»”’)\]]*\s*$")
_SPACES = re.compile(r"[ \t]{2,}")


def placeholder(number: int) -> str:
    return f"{{{number}}}"


@dataclass(frozen=True)
class Masked:
    """A sentence as the model sees it: ``text`` holds ``{1}``… where ``spans`` were."""

    source: str
    text: str
    spans: tuple[Span, ...]
    offsets: tuple[int, ...]  # where each placeholder starts in ``text``


@dataclass(frozen=True)
class Restored:
    text: str
    intact: int  # spans whose placeholder came through once and well-formed
    restored: bool  # the rule had to drop, remove or insert something


def mask(sentence: str, spans: list[Span]) -> Masked:
    parts, offsets, cursor, length = [], [], 0, 0
    for number, span in enumerate(spans, start=1):
        before = sentence[cursor : span.start]
        parts.append(before)
        length += len(before)
        offsets.append(length)
        marker = placeholder(number)
        parts.append(marker)
        length += len(marker)
        cursor = span.end
    parts.append(sentence[cursor:])
    return Masked(sentence, "".join(parts), tuple(spans), tuple(offsets))


def restore(masked: Masked, output: str) -> Restored:
    """The English with every span of ``masked`` in it, verbatim (see the module's rule).

    Work happens on a copy of the output where each span stands as one private-use
    character, so that clean-up and insertion can never touch a span's own text."""
    if not masked.spans:
        return Restored(output, 0, False)
    output = _SENTINELS.sub("", output)
    damaged = False
    used: set[int] = set()
    pieces: list[str] = []
    cursor = 0
    for match in _PLACEHOLDER.finditer(output):
        pieces.append(output[cursor : match.start()])
        index = int(match.group(1)) - 1
        if 0 <= index < len(masked.spans) and index not in used:
            used.add(index)
            pieces.append(chr(_SENTINEL_BASE + index))
        else:
            damaged = True  # a repeat, or a number we never gave
        cursor = match.end()
    pieces.append(output[cursor:])
    text = "".join(pieces)
    cleaned = _FRAGMENT.sub("", text)
    damaged = damaged or cleaned != text
    missing = [i for i in range(len(masked.spans)) if i not in used]
    if missing:
        damaged = True
        cleaned = _insert_missing(masked, cleaned, missing)
    if damaged:
        cleaned = _SPACE_BEFORE_PUNCTUATION.sub(r"\1", _SPACES.sub(" ", cleaned)).strip()
    text = "".join(
        masked.spans[ord(ch) - _SENTINEL_BASE].render if _is_sentinel(ch) else ch for ch in cleaned
    )
    return Restored(text, len(used), damaged)


_SENTINEL_BASE = 0xF0000  # Supplementary Private Use Area-A: one character per span
_SENTINELS = re.compile("[\U000f0000-\U000fffff]")
_SPACE_BEFORE_PUNCTUATION = re.compile(r"\s+([.,;:!?…])")


def _is_sentinel(ch: str) -> bool:
    return _SENTINEL_BASE <= ord(ch) <= 0xFFFFF


def _insert_missing(masked: Masked, text: str, missing: list[int]) -> str:
    """Insert each missing span at its relative source position (see the module's rule)."""
    source_length = max(1, len(masked.text))
    for index in missing:  # in source order: a later span lands after an earlier one
        offset = masked.offsets[index]
        tail = masked.text[offset + len(placeholder(index + 1)) :]
        final = _FINAL_PUNCTUATION.search(text)
        body_end = final.start() if final else len(text)
        if not _WORD_OR_PLACEHOLDER.search(tail):  # the span ended the source sentence
            position = body_end
        else:
            target = round(offset / source_length * body_end)
            boundaries = [0, body_end] + [m.start() for m in re.finditer(r"\s", text[:body_end])]
            position = min(boundaries, key=lambda b: (abs(b - target), b))
        left, right = text[:position].rstrip(), text[position:].lstrip()
        glue_left = " " if left else ""
        glue_right = " " if right and right[0] not in ".,;:!?…)]}»”’" else ""
        text = f"{left}{glue_left}{chr(_SENTINEL_BASE + index)}{glue_right}{right}"
    return text


_WORD_OR_PLACEHOLDER = re.compile(r"\w")


class SpanProtector:
    """Masks and restores the protected spans of sentences in one source language."""

    def __init__(self, glossary: Glossary | None = None, *, enabled: bool = True):
        self.glossary = glossary
        self.enabled = enabled

    def mask(self, sentence: str, lang: str | None) -> Masked:
        spans = find_spans(sentence, self.glossary, lang) if self.enabled else []
        return mask(sentence, spans)
