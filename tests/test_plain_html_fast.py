"""The renderer of trafilatura's tree gives, character for character, what the plain reference
renderer (tests/plain_html_reference.py) gives: on generated trees and pages, and on the
test suite's own pages and the extraction dev pages when they are beside the repository."""

from __future__ import annotations

import gzip
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree
from plain_html_reference import render as reference_render

from normalise.text.plain_html import render

DEV_PAGES = Path(__file__).resolve().parents[2] / "shared" / "data" / "extraction-dev" / "html"

# Pieces of text that make words meet at element edges, lines break, spaces run.
PIECES = ["", " ", "  ", "\n", " \n ", "\t", "Al", "bert", "is", "Adorama", "velocità", "città ",
          " della", "x_y", "42", ",", ". ", "—", "\u00a0", "año\n", "\nriga", "Σς"]  # fmt: skip
TEXT = st.none() | st.lists(st.sampled_from(PIECES), max_size=4).map("".join)
TAGS = ["p", "head", "list", "item", "quote", "table", "row", "cell", "div", "hi", "ref", "lb",
        "graphic", "del"]  # fmt: skip


@st.composite
def element(draw, depth: int = 0) -> etree._Element:
    node = etree.Element(draw(st.sampled_from(TAGS)))
    node.text, node.tail = draw(TEXT), draw(TEXT)
    if depth < 4:
        for child in draw(st.lists(element(depth + 1), max_size=4 - depth)):
            node.append(child)
    return node


@st.composite
def body(draw) -> etree._Element:
    root = etree.Element("body")
    root.text = draw(TEXT)
    for child in draw(st.lists(element(), max_size=4)):
        root.append(child)
    return root


# What may stand between two pieces of the tree's text in the page: words meet there apart,
# joined, or apart across a line.
SEPARATORS = ["", " ", "  ", "\n", "<b>", "</b> ", "<br>", " <i>x</i> ", "</p><p>"]


@st.composite
def tree_and_page(draw) -> tuple[etree._Element, str | None]:
    """A tree and the page it came from: the tree's pieces of text, in order, with markup
    and spaces between them as a page may have (or no page)."""
    tree = draw(body())
    if draw(st.booleans()):
        return tree, None
    parts = []
    for piece in tree.itertext():
        parts += [piece, draw(st.sampled_from(SEPARATORS))]
    return tree, "<html><body><p>" + "".join(parts) + "</p></body></html>"


@settings(max_examples=500, deadline=None)
@given(tree_and_page())
def test_render_is_the_reference_rendering_on_generated_trees(tree_page):
    tree, page = tree_page
    assert render(tree, page) == reference_render(tree, page)


def _real_pages() -> list[tuple[str, str]]:
    """(name, HTML) of the pages the test suite builds itself (always there), and of the
    extraction dev pages when they are beside the repository (see bench/extraction.py)."""
    from hostile import BOILERPLATE_HTML, BROKEN_HTML
    from test_extract import HTML

    pages = [("test_extract", HTML), ("boilerplate", BOILERPLATE_HTML), ("broken", BROKEN_HTML)]
    for path in sorted(DEV_PAGES.glob("*.html.gz")) if DEV_PAGES.is_dir() else []:
        pages.append((path.name, gzip.decompress(path.read_bytes()).decode("utf-8")))
    return pages


def test_render_is_the_reference_rendering_on_real_pages():
    import trafilatura

    from normalise.stages.extract import TRAFILATURA_OPTIONS

    rendered = 0
    for name, page in _real_pages():
        result = trafilatura.bare_extraction(page, **TRAFILATURA_OPTIONS)
        if result is not None:
            assert render(result.body, page) == reference_render(result.body, page), name
            rendered += 1
    assert rendered >= 2  # the suite's own pages have a main text
