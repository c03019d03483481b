"""The HTML path: our rules on trafilatura's output (Markdown: ``#`` headings, ``-`` items,
``**bold**``, ``*italics*``, ``\\_`` escapes). Trafilatura has chosen the article with the DOM,
so what is removed here must be chrome on any site, and article text must stay."""

from __future__ import annotations

import re

import pytest
from test_boilerplate_languages import ARTICLE

from normalise.record import Document
from normalise.stages.clean.rules import load_rules, plain_view
from normalise.stages.clean.stage import clean_document


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


# Trafilatura's rendering of a related-stories widget and a newsletter box after the article.
WIDGETS = (
    "### The Morning Briefing\n\n#### The day's top stories, every morning\n\n"
    "### Most read this week\n\n"
    "- ### Council approves new cycle lanes #### The vote was closer than expected\n"
    "- ### Hospital car park to close #### Works start in May"
)


def test_marked_headings_after_the_last_paragraph_head_nothing():
    doc = clean(ARTICLE["en"] + "\n\n" + WIDGETS)
    assert words(doc.source_text) == words(ARTICLE["en"])
    assert {(r.reason, r.rule) for r in doc.removed} == {("navigation", "heading_without_body")}
    assert len(doc.removed) == 5


def test_a_heading_left_alone_by_a_tail_rule_goes_with_it():
    tail = "#### Something to consider\n\nSign up for our newsletter to get the day's top stories."
    doc = clean(ARTICLE["en"] + "\n\n" + tail)
    assert [r.rule for r in doc.removed] == ["heading_without_body", "subscribe_prompt"]


@pytest.mark.parametrize(
    "ending",
    [
        # A section heading with its paragraph.
        "## What happens next\n\nThe new routes start in June, the council said.",
        # A recipe or a results table ends with a list: it is the article's.
        "## Ingredients\n\n- 8 ripe pears\n- 1 lemon\n- 6 tbsp fruit pectin",
        # The last line without its full stop is not a marked-up heading.
        "A closing note without a full stop",
    ],
)
def test_the_articles_own_ending_stays(ending):
    doc = clean(ARTICLE["en"] + "\n\n" + ending)
    assert doc.removed == []


def test_a_page_of_headings_only_keeps_them():
    """Without a paragraph of prose there is no body for the headings to lack."""
    text = "# Photo gallery: the new routes\n\n## Route 1 at dawn\n\n## Route 2 by the river"
    doc = clean(text)
    assert doc.removed == []


@pytest.mark.parametrize("fmt", ["text", "html"])
@pytest.mark.parametrize(
    "lang, byline, date",
    [
        ("en", "By Jane Smith", "Published March 12, 2024"),
        ("it", "Di Marco Bianchi", "12 marzo 2024"),
        ("es", "Por Lucía Fernández", "Actualizado: 12/03/2024 10:45"),
    ],
)
def test_byline_and_date_under_the_title_are_removed_and_the_title_kept(fmt, lang, byline, date):
    title = {"en": "# Council expands the bus network", "it": "# Via libera al decreto"}.get(
        lang, "# El Gobierno aprueba el plan de vivienda"
    )
    doc = clean("\n\n".join([title, byline, date, ARTICLE[lang]]), fmt)
    assert [r.reason for r in doc.removed] == ["byline", "date_line"]
    assert words(doc.source_text) == words(title + " " + ARTICLE[lang])


@pytest.mark.parametrize(
    "lang, label, links",
    [
        (
            "en",
            "**Related stories:**",
            ["**Council approves new cycle lanes**", "**Hospital car park to close in May**"],
        ),
        (
            "it",
            "Leggi anche",
            ["- Bollette, cosa cambia da aprile", "- Il piano casa del governo"],
        ),
        (
            "es",
            "### Te puede interesar",
            ["- El precio del alquiler sube un 8%", "- La banca endurece las hipotecas"],
        ),
    ],
)
@pytest.mark.parametrize("fmt", ["text", "html"])
def test_the_links_under_a_related_label_go_with_it(fmt, lang, label, links):
    first, second, third = paragraphs(lang)
    doc = clean("\n\n".join([first, label, "\n".join(links), second, third]), fmt)
    assert words(doc.source_text) == words(ARTICLE[lang])
    assert {r.reason for r in doc.removed} == {"related_links"}


def test_a_section_heading_after_a_related_label_stays():
    first, second, third = paragraphs("it")
    text = "\n\n".join(
        [first, "Leggi anche", "- Bollette, cosa cambia da aprile", "## Le reazioni", second]
    )
    doc = clean(text)
    assert "Le reazioni" in doc.source_text
    assert [r.rule for r in doc.removed] == ["related_links_it", "label_list"]


def test_instructions_to_sign_up_for_a_product_stay():
    """A how-to article's last steps; the subscribe rule is for the site's own newsletter."""
    steps = (
        "- Sign up for a Hulu ad-free account for $11.99 a month\n"
        "- Sign up for the Disney+ bundle using the same email as your Hulu account"
    )
    doc = clean(ARTICLE["en"] + "\n\n" + steps)
    assert doc.removed == []
    newsletter = "Sign up for our Morning Briefing newsletter"
    doc = clean(ARTICLE["en"] + "\n\n" + newsletter)
    assert [r.reason for r in doc.removed] == ["subscribe_prompt"]
