"""The HTML path stores plain text: no Markdown emphasis, escapes or inline markup in
``source_text`` or in what is translated; headings and list items are segment kinds; words split
or glued by emphasis spans come out as the page shows them; the audit stays exact."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from normalise.record import Document
from normalise.stages.clean.rules import load_rules
from normalise.stages.clean.stage import clean_document
from normalise.stages.extract import extract_html
from normalise.text.plain_html import render

FILLER = (
    "La commissione ha discusso a lungo la proposta prima di votare, e il testo finale sarà "
    "pubblicato nei prossimi giorni sul sito istituzionale con tutti gli allegati tecnici."
)


def page(*body: str) -> str:
    paragraphs = "".join(f"<p>{FILLER}</p>" for _ in range(3))
    return (
        "<html><head><title>Notizia</title></head><body><nav><a href='/'>Home</a></nav>"
        f"<article><h1>Il titolo della notizia</h1>{''.join(body)}{paragraphs}</article>"
        "</body></html>"
    )


def run(html: str) -> Document:
    doc = extract_html(Document(id="p", source="p.html", format="html", raw_text=html))
    assert doc.status is None, doc.reason
    return clean_document(doc, load_rules(), keep_boilerplate=False)


def test_emphasis_is_dropped_and_words_keep_their_spaces():
    doc = run(
        page(
            "<p>La <b>velocità</b> della luce non cambia, e <strong>Al</strong>bert "
            "<em>Einstein</em> lo <i>sapeva</i> bene già nel 1905, <u>disse</u> il professore "
            "durante la lezione inaugurale.</p>"
        )
    )
    assert (
        "La velocità della luce non cambia, e Albert Einstein lo sapeva bene già nel 1905, "
        "disse il professore durante la lezione inaugurale." in doc.source_text
    )
    assert not re.search(r"[*_\\`<>]", doc.source_text)


def test_headings_and_list_items_are_segment_kinds_without_markers():
    doc = run(
        page(
            "<h2>Le <b>reazioni</b></h2><p>" + FILLER + "</p>"
            "<ul><li>Primo punto <i>importante</i> della proposta</li>"
            "<li>Secondo punto della proposta</li></ul>"
        )
    )
    kinds = {(segment.kind, segment.text) for segment in doc.segments}
    assert ("heading", "Le reazioni") in kinds
    assert ("list_item", "Primo punto importante della proposta") in kinds
    assert ("list_item", "Secondo punto della proposta") in kinds
    assert "#" not in doc.source_text


def test_a_space_the_tree_lost_after_an_element_comes_back_from_the_page():
    """Trafilatura's tree can drop the space after a bold link (``<hi>Adorama</hi>is``)."""
    body = etree.fromstring("<body><p><hi rend='#b'>Adorama</hi>is taking $250 off</p></body>")
    html = "<p><strong><a href='x'>Adorama</a></strong> is taking $250 off</p>"
    assert render(body, html) == "Adorama is taking $250 off"
    # Where the page has the two halves joined, they stay one word.
    body = etree.fromstring("<body><p><hi rend='#b'>Al</hi>bert</p></body>")
    assert render(body, "<p><b>Al</b>bert</p>") == "Albert"


def test_teaser_cards_and_line_breaks():
    body = etree.fromstring(
        "<body><list><item><head rend='h3'>Titolo</head><head rend='h4'>Sommario</head></item>"
        "</list><p>Riga uno<lb/>riga due</p><table><row><cell>a</cell><cell>b</cell></row>"
        "</table></body>"
    )
    assert render(body) == "- # Titolo Sommario\n\nRiga uno\nriga due\n\na | b"


WORDS = st.sampled_from(
    "il governo ha approvato decreto velocità della luce città perché niño año sesión "
    "Gobierno Roma Madrid".split()
)
TAGS = st.sampled_from(["b", "strong", "i", "em", "u", "mark", "code", "sup", "a", "span"])


@st.composite
def emphasised_paragraph(draw) -> tuple[str, str]:
    """(HTML of a paragraph with emphasis spans, the text a reader sees)."""
    words = draw(st.lists(WORDS, min_size=12, max_size=30))
    html, seen = [], []
    for index, word in enumerate(words):
        separator = "" if index == 0 else " "
        style = draw(st.integers(0, 5))
        tag = draw(TAGS)
        if style == 1:  # the whole word, space outside
            html.append(f"{separator}<{tag}>{word}</{tag}>")
        elif style == 2:  # the space inside the span
            html.append(f"<{tag}>{separator}{word}</{tag}>")
        elif style == 3 and len(word) > 3:  # part of a word: the word stays whole
            html.append(f"{separator}<{tag}>{word[:2]}</{tag}>{word[2:]}")
        else:
            html.append(separator + word)
        seen.append(word)
    return "".join(html) + ".", " ".join(seen) + "."


@settings(max_examples=40, deadline=None)
@given(st.lists(emphasised_paragraph(), min_size=1, max_size=3))
def test_no_markdown_in_source_text_or_sentences_and_words_as_the_page_shows(paragraphs):
    doc = run(page(*(f"<p>{html}</p>" for html, _ in paragraphs)))
    text = " ".join(doc.source_text.split())
    for _, seen in paragraphs:
        assert seen in text
    assert not re.search(r"[*_\\`<>\[\]#]", doc.source_text)
    for segment in doc.segments:
        assert doc.source_text[segment.start : segment.end] == segment.text
    # The audit indexes the extracted text exactly.
    for removal in doc.removed:
        assert doc.raw_text[removal.start : removal.end].split() == removal.text.split()
