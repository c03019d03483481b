"""Turn raw article text into structural blocks: headings, paragraphs and list items.

Scraped text is often hard-wrapped, or broken wherever a link used to be::

    OpenAI
    e
    NVIDIA
    hanno stretto un accordo che promette di ridefinire il panorama dell'
    intelligenza artificiale
    su scala globale. Questo protocollo ...

Lines are re-joined *before* any rule judges them by punctuation. Within a run of non-blank
lines, a line continues the previous one unless the previous one is finished: it ends a
sentence, it is a list item followed by another line, or it is a short heading-like line
followed by a line that starts a new sentence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

HEADING, PARAGRAPH, LIST_ITEM = "heading", "paragraph", "list_item"

_LIST_MARKER = re.compile(r"^\s*(?:[-*•·–—▪►]|\d{1,3}[.)])\s+(?=\S)")
_MARKDOWN_HEADING = re.compile(r"^\s*#{1,6}\s+(?=\S)")
# A line is finished when it ends a sentence: terminal punctuation, maybe inside quotes.
_FINISHED = re.compile(r"""[.!?…:;]["'”’»)\]]*\s*$""")
# A line that continues the previous one: starts in lower case or with closing punctuation.
_CONTINUATION = re.compile(r"""^\s*(?:[a-zà-öø-ÿ]|[.,;:!?)\]»”’%])""")
_ELISION = re.compile(r"[A-Za-zÀ-ÖØ-öø-ÿ]['’]$")  # Italian dell' / l' / un'
_JOIN_NO_SPACE = re.compile(r"^[.,;:!?)\]»”’%]")

HEADING_MAX_WORDS = 14
# A heading does not end in an article, preposition or conjunction; a wrapped line often does.
_DANGLING_WORDS = frozenset(
    """a an the of to in on for and or but that with by at from as is are was were
    il lo la i gli le un una di del della dei delle e ed o che per con da dal su nel nella
    el los las unos unas de y u que en por para al sin sobre""".split()
)


@dataclass
class Block:
    """A structural unit of text and the input lines it came from (for the audit trail)."""

    kind: str
    text: str
    first_line: int
    last_line: int
    lines: list[str] = field(default_factory=list)


def _is_heading_like(text: str) -> bool:
    words = text.split()
    if not words or len(words) > HEADING_MAX_WORDS or _FINISHED.search(text):
        return False
    if words[-1].lower() in _DANGLING_WORDS or text.rstrip().endswith(","):
        return False
    first = text.lstrip("\"'“‘«¿¡([")[:1]
    return first.isupper() or first.isdigit()


def _join(left: str, right: str) -> str:
    right = right.strip()
    if _ELISION.search(left) or _JOIN_NO_SPACE.match(right):
        return left + right
    return f"{left} {right}"


def split_blocks(text: str) -> list[Block]:
    """Split ``text`` (LF newlines) into blocks, re-joining broken lines."""
    blocks: list[Block] = []
    current: Block | None = None
    # Was the current block a fresh start (so it may still be a heading)?
    fresh = False

    def close() -> None:
        nonlocal current
        if current is not None:
            if current.kind == PARAGRAPH and fresh and _is_heading_like(current.text):
                current.kind = HEADING
            blocks.append(current)
        current = None

    for index, raw in enumerate(text.split("\n")):
        line = raw.strip()
        if not line:
            close()
            continue
        heading_marker = _MARKDOWN_HEADING.match(line)
        list_marker = _LIST_MARKER.match(line)
        if heading_marker or list_marker:
            close()
            marker = heading_marker or list_marker
            kind = HEADING if heading_marker else LIST_ITEM
            current = Block(kind, line[marker.end() :].strip(), index, index, [raw])
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
            current.kind == PARAGRAPH and fresh and _is_heading_like(current.text)
        ) or current.kind == LIST_ITEM
        if finished or (heading_break and not continues):
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
