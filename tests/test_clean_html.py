"""The HTML path: our rules on trafilatura's output (Markdown: ``#`` headings, ``-`` items,
``**bold**``, ``*italics*``, ``\\_`` escapes). Trafilatura has chosen the article with the DOM,
so what is removed here must be chrome on any site, and article text must stay."""

from __future__ import annotations

import re

import pytest
from test_boilerplate_languages import ARTICLE

from normalise.boilerplate import load_rules, plain_view
from normalise.record import Document
from normalise.stages.clean import clean_document


def clean(text: str, fmt: str = "html") -> Document:
    doc = Document(id="x", source="x", format=fmt, raw_text=text)
    return clean_document(doc, load_rules(), keep_boilerplate=False)


def words(text: str) -> list[str]:
    return re.findall(r"\w+", text)


def paragraphs(lang: str) -> list[str]:
    return ARTICLE[lang].split("\n\n")


@pytest.mark.parametrize(
    "raw, view",
    [
        ("**READ MORE:\xa0China plague confirmed**", "READ MORE: China plague confirmed"),
        (
            "(*Reporting by Jane Smith; Editing by Tom Brown*)",
            "Reporting by Jane Smith; Editing by Tom Brown",
        ),
        (
            "*Fox News’ Jane Doe contributed to this report.*",
            "Fox News’ Jane Doe contributed to this report.",
        ),
        ("<u>Photos: Europa, icy moon of Jupiter</u>", "Photos: Europa, icy moon of Jupiter"),
        ("\\_\\_\\_", "___"),
        ("Boil for \\*10 minutes", "Boil for *10 minutes"),
        # Not one wrapped span: the brackets do not enclose the whole block.
        ("(AP) — The council voted (narrowly)", "(AP) — The council voted (narrowly)"),
        # Nothing but markup: the raw text, so that a separator rule still sees something.
        ("* * *", "* * *"),
    ],
)
def test_plain_view_drops_markup_only(raw, view):
    assert plain_view(raw) == view


@pytest.mark.parametrize(
    "label, reason",
    [
        ("**Read more:** What the new routes mean for commuters", "related_links"),
        ("**Leggi anche:** Bollette, cosa cambia da aprile", "related_links"),
        ("***Lee también:*** Las claves del nuevo plan de vivienda", "related_links"),
        ("**Publicidad**", "advertisement"),
    ],
)
def test_bold_labels_inside_the_article_are_matched(label, reason):
    first, second, third = paragraphs("en")
    doc = clean("\n\n".join([first, label, second, third]))
    assert [r.reason for r in doc.removed] == [reason]
    # The audit trail records the raw block, markup included.
    assert doc.removed[0].text == label
    assert words(doc.source_text) == words(ARTICLE["en"])


def test_wire_credit_in_parentheses_and_italics_at_the_tail():
    credit = "(*Reporting by Jane Smith in London; Editing by Tom Brown*)"
    doc = clean(ARTICLE["en"] + "\n\n" + credit)
    assert [(r.reason, r.rule) for r in doc.removed] == [("source_credit", "wire_credit")]
    assert words(doc.source_text) == words(ARTICLE["en"])


def test_bold_article_text_stays():
    first, second, third = paragraphs("en")
    bold = "**Read the council's full report before the vote, residents were told at the meeting.**"
    doc = clean("\n\n".join([first, bold, second, third]))
    assert doc.removed == []
