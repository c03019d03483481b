"""The reflow step before it was made faster (:mod:`normalise.text.reflow`), kept as the
reference the fast one must agree with, block for block (tests/test_reflow_fast.py).

A frozen copy, on purpose: a differential test needs the old code as it was. A change
meant to alter the reflow changes this copy the same way, in the same commit."""

from __future__ import annotations

import re

from normalise.text.reflow import HEADING, LIST_ITEM, PARAGRAPH, Block

_LIST_MARKER = re.compile(r"^\s*(?:[-*•·–—▪►]|\d{1,3}[.)])\s+(?=\S)")
_MARKDOWN_HEADING = re.compile(r"^\s*#{1,6}\s+(?=\S)")
# A list item made of headings (a teaser card: ``- ### Headline #### Standfirst``).
_CARD = re.compile(r"^#{1,6}\s+(?=\S)")
_CARD_MARKS = re.compile(r"(?:^|(?<=\s))#{1,6}\s+(?=\S)")
# A line is finished when it ends a sentence: terminal punctuation, maybe inside quotes.
_FINISHED = re.compile(r"""[.!?…:;]["'”’»)\]]*\s*$""")
# A line that continues the previous one: starts in lower case or with closing punctuation.
_CONTINUATION = re.compile(r"""^\s*(?:[a-zà-öø-ÿ]|[.,;:!?)\]»”’%])""")
_ELISION = re.compile(r"[A-Za-zÀ-ÖØ-öø-ÿ]['’]$")  # Italian dell' / l' / un'
_JOIN_NO_SPACE = re.compile(r"^[.,;:!?)\]»”’%]")

HEADING_MAX_WORDS = 14
# A stand-alone line of a menu or link list: at most this many words.
MENU_LINE_MAX_WORDS = 5
# A heading does not end in an article, preposition or conjunction; a wrapped line often does.
_DANGLING_WORDS = frozenset(
    """a an the of to in on for and or but that with by at from as is are was were
    il lo la i gli le un una di del della dei delle e ed o che per con da dal su nel nella
    come tra fra ma non sul sulla dello degli alla alle allo agli al ai
    el los las unos unas de y u que en por para al sin sobre como entre pero se del con""".split()
)


def _is_heading_like(text: str) -> bool:
    words = text.split()
    if not words or len(words) > HEADING_MAX_WORDS or _FINISHED.search(text):
        return False
    if words[-1].lower() in _DANGLING_WORDS or text.rstrip().endswith(","):
        return False
    first = text.lstrip("\"'“‘«¿¡([")[:1]
    return first.isupper() or first.isdigit()


def _ends_open(line: str) -> bool:
    """Does the line end mid-phrase (function word, comma, elision)? Then the next continues."""
    words = line.split()
    return (
        not words
        or words[-1].lower() in _DANGLING_WORDS
        or line.rstrip().endswith((",", "-", "–"))
        or bool(_ELISION.search(line.rstrip()))
    )


def _is_menu_line(line: str) -> bool:
    """A short line that stands alone: a menu entry, a link, a label. (A short line inside a
    sentence ends in a function word, or the next line goes on in lower case.)"""
    words = line.split()
    if not words or len(words) > MENU_LINE_MAX_WORDS or _FINISHED.search(line):
        return False
    return not _ends_open(line)


def wrap_width(lines: list[str]) -> int | None:
    """The width text was hard-wrapped at, or None when it was not.

    Hard-wrapped text has most of its lines close to one width (60-100 characters); text with
    a paragraph per line has a long tail of long lines instead.
    """
    lengths = sorted(len(line.strip()) for line in lines if line.strip())
    if len(lengths) < 5:
        return None
    width = lengths[int(0.9 * (len(lengths) - 1))]
    if not 40 <= width <= 120 or lengths[-1] > width * 1.25:
        return None
    near = sum(1 for length in lengths if length >= 0.7 * width)
    return width if near >= 0.5 * len(lengths) else None


def _join(left: str, right: str) -> str:
    right = right.strip()
    if _ELISION.search(left) or _JOIN_NO_SPACE.match(right):
        return left + right
    return f"{left} {right}"


def split_blocks(text: str) -> list[Block]:
    """Split ``text`` (LF newlines) into blocks, re-joining broken lines."""
    blocks: list[Block] = []
    lines = text.split("\n")
    width = wrap_width(lines)
    current: Block | None = None
    previous_line = ""
    # Was the current block a fresh start (so it may still be a heading)?
    fresh = False

    def close() -> None:
        nonlocal current
        if current is not None:
            if current.kind == PARAGRAPH and fresh and _is_heading_like(current.text):
                current.kind = HEADING
            blocks.append(current)
        current = None

    for index, raw in enumerate(lines):
        line = raw.strip()
        if not line:
            close()
            continue
        wrapped = width is not None and len(previous_line) >= 0.7 * width
        last_line, previous_line = previous_line, line
        heading_marker = _MARKDOWN_HEADING.match(line)
        list_marker = _LIST_MARKER.match(line)
        if heading_marker or list_marker:
            close()
            marker = heading_marker or list_marker
            kind = HEADING if heading_marker else LIST_ITEM
            text = line[marker.end() :].strip()
            card = kind == LIST_ITEM and _CARD.match(text) is not None
            if card:
                text = _CARD_MARKS.sub("", text)
            current = Block(kind, text, index, index, [raw], marked=card or kind == HEADING)
            fresh = False
            if kind == HEADING:
                close()
            continue
        if current is None:
            current = Block(PARAGRAPH, line, index, index, [raw])
            fresh = True
            continue
        finished = bool(_FINISHED.search(current.text))
        continues = bool(_CONTINUATION.match(line))
        heading_break = (
            current.kind == PARAGRAPH and fresh and _is_heading_like(current.text) and not wrapped
        ) or current.kind == LIST_ITEM
        menu_break = _is_menu_line(last_line) and not wrapped
        if finished or ((heading_break or menu_break) and not continues):
            close()
            current = Block(PARAGRAPH, line, index, index, [raw])
            fresh = True
            continue
        current.text = _join(current.text, line)
        current.last_line = index
        current.lines.append(raw)
        fresh = False
    close()
    return blocks
