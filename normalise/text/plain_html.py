"""Trafilatura's article tree -> plain text blocks, without Markdown.

Trafilatura finds the article with the DOM and hands back an XML tree (``p``, ``head``,
``list``/``item``, ``quote``, ``table``/``row``/``cell``, inline ``hi``, ``ref``, ``lb``...).
Its own text rendering either drops the structure (plain: no headings, paragraphs on single
lines) or writes Markdown (``**bold**``, ``*italic*``, ``\\_`` escapes) that ends up in
``source_text``, breaks sentences, glues words where a bold span ended and is sent to the
translator. So we render the tree ourselves:

- every block element is one block, blocks are separated by a blank line;
- a heading is one line starting ``# ``, a list item one line starting ``- `` (a teaser card,
  an item made of headings, ``- # ``): the only markers, line-level, which
  :func:`normalise.text.reflow.split_blocks` reads and takes off the text;
- inline elements (emphasis, links, code) are just their text, with the spaces the page
  has: ``<b>velocità</b> della`` stays two words, ``<b>Al</b>bert`` stays one. Trafilatura's
  tree sometimes loses the space after an inline element (``<hi>Adorama</hi>is``; its
  Markdown hides that behind the ``**``), so where two words meet at an element's edge the
  page's own text decides: a space when the page has the two words apart, none when it has
  them joined;
- a line break (``<br>``) inside a paragraph is a line break; runs of spaces become one.

What the record's ``removed[].start/end`` index for HTML is this text (see docs/schema.md).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from lxml.etree import _Element

from .spacing import surely_single_spaced

# Elements that start a block of their own; everything else is inline text.
_BLOCK_TAGS = frozenset({"p", "head", "list", "item", "quote", "table", "row", "div", "body"})
_HEADING_MARK, _ITEM_MARK = "# ", "- "


_LAST_WORD = re.compile(r"\w+$")
_FIRST_WORD = re.compile(r"^\w+")
# Does a text end in a word (as _LAST_WORD sees it: ``$`` also before a final newline)?
# Searched from two characters before the end, it looks at those two alone.
_ENDS_IN_WORD = re.compile(r"\w$")


def render(body: _Element | None, page: str | None = None) -> str:
    """The article as plain text: blocks separated by blank lines, ``# `` headings and
    ``- `` list items. ``page`` is the HTML the tree came from: it settles whether two words
    that meet at an inline element's edge are apart or one word."""
    if body is None:
        return ""
    blocks: list[str] = []
    _walk(body, body.tag, blocks, _Joiner(page))
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
                parser = lxml.html.HTMLParser(encoding="utf-8", collect_ids=False)
                data = self._page.encode("utf-8", "surrogatepass")
                try:
                    root = lxml.html.fromstring(data, parser=parser)
                    # a plain str: the smart string lxml returns keeps the whole tree alive
                    self._text = str(root.text_content())
                except (ValueError, lxml.etree.ParserError):
                    self._text = ""
        return self._text

    def __call__(self, pieces: list[str]) -> str:
        if len(pieces) == 1:  # an element's text alone: nothing meets at an edge
            return pieces[0]
        out: list[str] = []
        for piece in pieces:
            if not piece:
                continue
            if out:
                # the cheap tests first: most pieces do not start with a word, or follow one
                right = _FIRST_WORD.match(piece)
                if right and _ENDS_IN_WORD.search(out[-1], len(out[-1]) - 2):
                    left = _LAST_WORD.search(out[-1])
                    if left and self._apart(left.group(), right.group()):
                        piece = " " + piece
            out.append(piece)
        return "".join(out)

    def _apart(self, left: str, right: str) -> bool:
        """Does the page's text have ``left`` and ``right`` (words) apart, and never joined?
        (Read in the text as it is: spaces between words are any run of white space.)"""
        text = self._page_text()
        if re.search(re.escape(left) + r"\s+" + re.escape(right), text) is None:
            return False
        return left + right not in text


def _walk(element: _Element, tag: str, blocks: list[str], join: Callable[[list[str]], str]) -> None:
    """Render a block element (``tag``: its tag, which the caller has read already)."""
    if tag == "row":
        cells = (" ".join(join(list(cell.itertext())).split()) for cell in element)
        _flush(" | ".join(cell for cell in cells if cell), "p", blocks)
        return
    if tag == "item" and any(child.tag == "head" for child in element):
        # A teaser card: headline and standfirst as headings inside one list item.
        _flush(" ".join(" ".join(element.itertext()).split()), "card", blocks)
        return
    if not len(element):  # no children (most paragraphs): the text is the block
        _flush(element.text or "", tag, blocks)
        return
    run: list[str] = [element.text or ""]
    for child in element:
        child_tag = child.tag
        if child_tag in _BLOCK_TAGS:
            _flush(join(run), tag, blocks)
            _walk(child, child_tag, blocks, join)
            run = [child.tail or ""]
        else:
            run.append(_inline(child, child_tag, join))
            run.append(child.tail or "")
    _flush(join(run), tag, blocks)


def _inline(element: _Element, tag: str, join: Callable[[list[str]], str]) -> str:
    """The text of an inline element and its children; ``lb`` is a line break."""
    if tag == "lb":
        return "\n"
    if tag == "graphic":
        return ""
    parts = [element.text or ""]
    for child in element:
        parts.append(_inline(child, child.tag, join))
        parts.append(child.tail or "")
    return join(parts)


def _flush(text: str, tag: str, blocks: list[str]) -> None:
    if not text:  # no text before a block child (the commonest case)
        return
    if "\n" in text:
        lines = [" ".join(line.split()) for line in text.split("\n")]
        lines = [line for line in lines if line]
    elif surely_single_spaced(text):  # one line, as it should be (most blocks)
        lines = [text]
    else:  # maybe only spaces (the text before a block child)
        line = " ".join(text.split())
        lines = [line] if line else []
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
