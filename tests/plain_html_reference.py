"""The plain renderer of trafilatura's tree (:func:`normalise.text.plain_html.render` before it
was made faster), kept as the reference the fast one must agree with, character for
character (tests/test_plain_html_fast.py).

A frozen copy, on purpose: a differential test needs the old code as it was. A change
meant to alter the rendering changes this copy the same way, in the same commit."""

from __future__ import annotations

import re
from collections.abc import Callable

from lxml.etree import _Element

_BLOCK_TAGS = frozenset({"p", "head", "list", "item", "quote", "table", "row", "div", "body"})
_HEADING_MARK, _ITEM_MARK = "# ", "- "

_LAST_WORD = re.compile(r"\w+$")
_FIRST_WORD = re.compile(r"^\w+")


def render(body: _Element | None, page: str | None = None) -> str:
    """The article as plain text: blocks separated by blank lines, ``# `` headings and
    ``- `` list items. ``page`` is the HTML the tree came from: it settles whether two words
    that meet at an inline element's edge are apart or one word."""
    if body is None:
        return ""
    blocks: list[str] = []
    _walk(body, blocks, _Joiner(page))
    return "\n\n".join(blocks)


class _Joiner:
    """Joins inline pieces, restoring the space the page has between two words that meet at an
    element's edge."""

    def __init__(self, page: str | None) -> None:
        self._page = page
        self._text: str | None = None

    def _page_text(self) -> str:
        if self._text is None:
            self._text = ""
            if self._page:
                import lxml.html

                # Bytes with the encoding named: a str with an XML declaration is refused, and
                # bytes alone would be decoded as the page's <meta charset> says.
                parser = lxml.html.HTMLParser(encoding="utf-8")
                data = self._page.encode("utf-8", "surrogatepass")
                try:
                    root = lxml.html.fromstring(data, parser=parser)
                    self._text = " ".join(root.text_content().split())
                except (ValueError, lxml.etree.ParserError):
                    self._text = ""
        return self._text

    def __call__(self, pieces: list[str]) -> str:
        out: list[str] = []
        for piece in pieces:
            if not piece:
                continue
            if out:
                left, right = _LAST_WORD.search(out[-1]), _FIRST_WORD.match(piece)
                if left and right and self._apart(left.group(), right.group()):
                    piece = " " + piece
            out.append(piece)
        return "".join(out)

    def _apart(self, left: str, right: str) -> bool:
        text = self._page_text()
        return f"{left} {right}" in text and f"{left}{right}" not in text


def _walk(element: _Element, blocks: list[str], join: Callable[[list[str]], str]) -> None:
    tag = element.tag
    if tag == "row":
        cells = (" ".join(join(list(cell.itertext())).split()) for cell in element)
        _flush(" | ".join(cell for cell in cells if cell), "p", blocks)
        return
    if tag == "item" and any(child.tag == "head" for child in element):
        # A teaser card: headline and standfirst as headings inside one list item.
        _flush(" ".join(" ".join(element.itertext()).split()), "card", blocks)
        return
    run: list[str] = [element.text or ""]
    for child in element:
        if child.tag in _BLOCK_TAGS:
            _flush(join(run), tag, blocks)
            _walk(child, blocks, join)
            run = [child.tail or ""]
        else:
            run.append(_inline(child, join))
            run.append(child.tail or "")
    _flush(join(run), tag, blocks)


def _inline(element: _Element, join: Callable[[list[str]], str]) -> str:
    """The text of an inline element and its children; ``lb`` is a line break."""
    if element.tag == "lb":
        return "\n"
    if element.tag == "graphic":
        return ""
    parts = [element.text or ""]
    for child in element:
        parts.append(_inline(child, join))
        parts.append(child.tail or "")
    return join(parts)


def _flush(text: str, tag: str, blocks: list[str]) -> None:
    lines = [" ".join(line.split()) for line in text.split("\n")]
    lines = [line for line in lines if line]
    if not lines:
        return
    if tag == "head":
        blocks.append(_HEADING_MARK + " ".join(lines))
    elif tag == "item":
        blocks.append(_ITEM_MARK + " ".join(lines))
    elif tag == "card":
        blocks.append(_ITEM_MARK + _HEADING_MARK + " ".join(lines))
    else:
        blocks.append("\n".join(lines))
