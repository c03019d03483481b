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
  has: ``<b>velocità</b> della`` stays two words, ``<b>Al</b>bert`` stays one;
- a line break (``<br>``) inside a paragraph is a line break; runs of spaces become one.

What the record's ``removed[].start/end`` index for HTML is this text (see docs/schema.md).
"""

from __future__ import annotations

from lxml.etree import _Element

# Elements that start a block of their own; everything else is inline text.
_BLOCK_TAGS = frozenset({"p", "head", "list", "item", "quote", "table", "row", "div", "body"})
_HEADING_MARK, _ITEM_MARK = "# ", "- "


def render(body: _Element | None) -> str:
    """The article as plain text: blocks separated by blank lines, ``# `` headings and
    ``- `` list items."""
    if body is None:
        return ""
    blocks: list[str] = []
    _walk(body, blocks)
    return "\n\n".join(blocks)


def _walk(element: _Element, blocks: list[str]) -> None:
    tag = element.tag
    if tag == "row":
        cells = (" ".join("".join(cell.itertext()).split()) for cell in element)
        _flush(" | ".join(cell for cell in cells if cell), "p", blocks)
        return
    if tag == "item" and any(child.tag == "head" for child in element):
        # A teaser card: headline and standfirst as headings inside one list item.
        _flush(" ".join(" ".join(element.itertext()).split()), "card", blocks)
        return
    run: list[str] = [element.text or ""]
    for child in element:
        if child.tag in _BLOCK_TAGS:
            _flush("".join(run), tag, blocks)
            _walk(child, blocks)
            run = [child.tail or ""]
        else:
            run.append(_inline(child))
            run.append(child.tail or "")
    _flush("".join(run), tag, blocks)


def _inline(element: _Element) -> str:
    """The text of an inline element and its children; ``lb`` is a line break."""
    if element.tag == "lb":
        return "\n"
    if element.tag == "graphic":
        return ""
    parts = [element.text or ""]
    for child in element:
        parts.append(_inline(child))
        parts.append(child.tail or "")
    return "".join(parts)


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
