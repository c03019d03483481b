"""Realistic Italian, Spanish and English page chrome around a short article."""

from __future__ import annotations

import re

import pytest

from normalise.record import Document
from normalise.stages.clean.rules import load_rules
from normalise.stages.clean.stage import clean_document

ARTICLE = {
    "it": (
        "Il governo ha approvato ieri sera il decreto sulle energie rinnovabili, dopo una lunga "
        "discussione in Consiglio dei ministri.\n\n"
        "Secondo il ministro, il provvedimento porterà nuovi investimenti nel Mezzogiorno e "
        "ridurrà le bollette delle famiglie entro il prossimo anno.\n\n"
        "Le associazioni ambientaliste hanno accolto la notizia con prudenza, chiedendo tempi "
        "certi per l'attuazione delle misure."
    ),
    "es": (
        "El Gobierno aprobó este martes el nuevo plan de vivienda, que prevé la construcción de "
        "miles de pisos de alquiler asequible en los próximos años.\n\n"
        "La ministra explicó que las ayudas se repartirán entre las comunidades autónomas según "
        "su población y el precio medio del alquiler.\n\n"
        "Los sindicatos de inquilinos consideran insuficiente la medida y anuncian nuevas "
        "movilizaciones para el mes que viene."
    ),
    "en": (
        "The city council voted on Tuesday night to expand the bus network, adding six new "
        "routes that will connect the suburbs to the hospital.\n\n"
        "Officials said the plan would cost about $12 million a year, paid for by a small rise "
        "in parking fees across the centre.\n\n"
        "Residents who spoke at the meeting welcomed the vote, although several asked for more "
        "frequent services at weekends."
    ),
}

HEAD = {
    "it": [
        "Home\nPolitica\nEconomia\nCronaca\nSport\nCultura",
        "Questo sito utilizza cookie tecnici e di profilazione. Proseguendo nella navigazione "
        "accetti l'uso dei cookie.",
        "Di Marco Bianchi",
        "12 marzo 2024",
    ],
    "es": [
        "Inicio\nNacional\nInternacional\nEconomía\nDeportes\nCultura",
        "Utilizamos cookies propias y de terceros para mejorar nuestros servicios. Si continúas "
        "navegando, consideramos que aceptas su uso.",
        "Por Lucía Fernández",
        "Actualizado: 12/03/2024 10:45",
    ],
    "en": [
        "Home\nNews\nSport\nBusiness\nCulture\nWeather",
        "We use cookies to give you the best experience on our website. By continuing to use "
        "this site you agree to our use of cookies.",
        "By Jane Smith",
        "Published March 12, 2024",
    ],
}

MIDDLE = {
    "it": ["Pubblicità", "Leggi anche: Bollette, cosa cambia da aprile"],
    "es": ["Publicidad", "Lee también: Las claves del nuevo plan de vivienda"],
    "en": ["Advertisement", "Read more: What the new routes mean for commuters"],
}

TAIL = {
    "it": [
        "Iscriviti alla nostra newsletter per ricevere ogni mattina le notizie più importanti",
        "Condividi su Facebook",
        "Articoli correlati\nBollette in calo a maggio\nIl piano casa del governo",
        "© 2024 Giornale Esempio S.p.A. - P.IVA 01234567890 - Tutti i diritti riservati",
    ],
    "es": [
        "Suscríbete a nuestra newsletter y recibe cada día las noticias más importantes",
        "Compartir en Twitter",
        "Noticias relacionadas\nEl precio del alquiler sube un 8%\nLa banca endurece las hipotecas",
        "© 2024 Diario Ejemplo. Todos los derechos reservados. Aviso legal",
    ],
    "en": [
        "Sign up for our newsletter to get the day's top stories in your inbox",
        "Share on Facebook",
        "Related stories\nCouncil approves new cycle lanes\nHospital car park to close",
        "Copyright © 2024 Example Media Ltd. All rights reserved.",
    ],
}


def page(lang: str) -> str:
    paragraphs = ARTICLE[lang].split("\n\n")
    body = [paragraphs[0], MIDDLE[lang][0], paragraphs[1], MIDDLE[lang][1], paragraphs[2]]
    return "\n\n".join([*HEAD[lang], *body, *TAIL[lang]])


def clean(text: str, fmt: str = "text") -> Document:
    doc = Document(id="x", source="x", format=fmt, raw_text=text)
    return clean_document(doc, load_rules(), keep_boilerplate=False)


def words(text: str) -> list[str]:
    return re.findall(r"\w+", text)


@pytest.mark.parametrize("lang", ["it", "es", "en"])
def test_whole_page_chrome_is_removed_and_article_kept(lang):
    doc = clean(page(lang))
    assert words(doc.source_text) == words(ARTICLE[lang])


@pytest.mark.parametrize("lang", ["it", "es", "en"])
def test_each_removal_names_a_specific_reason(lang):
    doc = clean(page(lang))
    reasons = {removal.reason for removal in doc.removed}
    expected = {"cookie_notice", "advertisement", "related_links", "byline", "date_line"}
    assert expected <= reasons
    assert {"subscribe_prompt", "share_buttons", "copyright_footer", "navigation"} <= reasons


@pytest.mark.parametrize(
    "lang, sentence",
    [
        (
            "en",
            "The regulator found that the website uses cookies to track readers without "
            "consent, and that users could not reject all cookies easily.",
        ),
        (
            "it",
            "Secondo il Garante, questo sito utilizza cookie di profilazione senza consenso e "
            "non permette di rifiutarli con un clic.",
        ),
        (
            "es",
            "Según la agencia, el periódico pedía a los lectores: suscríbete para seguir leyendo, "
            "una práctica que considera legal.",
        ),
        (
            "en",
            "Subscribe to the newsletter, the company urged readers, as subscriptions fell for "
            "the third year in a row.",
        ),
    ],
)
def test_sentences_about_cookies_or_subscriptions_in_the_middle_stay(lang, sentence):
    paragraphs = ARTICLE[lang].split("\n\n")
    text = "\n\n".join([paragraphs[0], sentence, paragraphs[1], paragraphs[2]])
    doc = clean(text)
    assert doc.removed == []
    assert sentence in doc.source_text


def test_an_article_about_cookies_keeps_its_cookie_paragraphs():
    text = (
        "Cookie banners are everywhere.\n\n"
        "This website uses cookies, says the banner on almost every news site in Europe, and "
        "most readers click accept without reading it.\n\n"
        "Regulators now want a reject all cookies button next to the accept button.\n\n"
        "Publishers say the change will cut their advertising income."
    )
    doc = clean(text)
    assert doc.removed == []


def test_navigation_run_of_short_lines_is_not_joined_into_a_paragraph():
    text = "Home\nWorld\nBusiness\nrealtor.com\nMarkets\nOpinion\n\n" + ARTICLE["en"]
    doc = clean(text)
    assert words(doc.source_text) == words(ARTICLE["en"])
    assert all(removal.reason == "navigation" for removal in doc.removed)


def test_prose_far_from_the_article_is_outside_article():
    teaser = (
        "In other news, the regional airport will reopen its second terminal next spring after "
        "a long renovation."
    )
    menu = "\n".join(["Most Popular", "Weather", "Traffic", "Jobs", "Obituaries", "Contact"] * 3)
    text = ARTICLE["en"] + "\n\n" + menu + "\n\n" + teaser
    doc = clean(text)
    assert words(doc.source_text) == words(ARTICLE["en"])
    assert [r.reason for r in doc.removed][-1] == "outside_article"


def test_html_output_is_not_second_guessed_by_density():
    """Trafilatura already chose the article; only rules apply to its output."""
    text = "Short intro line\n\n" + ARTICLE["en"] + "\n\nA closing note without a full stop"
    doc = clean(text, fmt="html")
    assert "Short intro line" in doc.source_text
    assert "A closing note" in doc.source_text


@pytest.mark.parametrize(
    "lang, line",
    [
        ("en", "Published 3:45 p.m. ET Nov. 19, 2019"),
        ("en", "Last updated on 12 March 2024 at 10:45 GMT"),
        ("en", "Tuesday 12 March 2024"),
        ("it", "Pubblicato il 12 marzo 2024 alle 10:45"),
        ("it", "martedì 12 marzo 2024 - 10:45"),
        ("es", "Publicado el 12 de marzo de 2024 a las 10:45 CET"),
        ("es", "martes, 12 de marzo de 2024 | 10:45 h"),
    ],
)
def test_date_lines_at_the_head_are_removed(lang, line):
    doc = clean(f"{line}\n\n{ARTICLE[lang]}")
    assert [r.reason for r in doc.removed] == ["date_line"]
    assert words(doc.source_text) == words(ARTICLE[lang])


@pytest.mark.parametrize(
    "lang, headline",
    [
        # A headline that starts like a date line is not one: the rest is not a date.
        ("en", "Updated COVID-19 vaccines approved for fall"),
        ("en", "12 March 2024: the day the buses stopped"),
        ("it", "Pubblicato il bando 2024 per le borse di studio"),
        ("it", "12 marzo 2024: il governo approva il decreto"),
        ("es", "Publicado el informe 2024 sobre la vivienda"),
    ],
)
@pytest.mark.parametrize("fmt", ["text", "html"])
def test_headlines_that_start_like_a_date_line_stay(lang, headline, fmt):
    doc = clean(f"{headline}\n\n{ARTICLE[lang]}", fmt)
    assert doc.removed == []
    assert headline in doc.source_text


def test_an_event_date_range_at_the_tail_stays():
    """The dates of an exhibition are information about it, not the article's date line."""
    dates = "29 November 2018 | 20 January 2019"
    doc = clean(f"{ARTICLE['en']}\n\n{dates}", "html")
    assert dates in doc.source_text


# Chrome that trafilatura keeps inside the article container, as it writes it (Markdown).
TAIL_CHROME = [
    ("en", "Keith Bradsher contributed reporting from Hong Kong.", "source_credit"),
    ("en", "*Fox News’ Jessica Napoli contributed to this report.*", "source_credit"),
    ("en", "(*Reporting by Jane Smith in London; Editing by Tom Brown*)", "source_credit"),
    ("it", "*Ha collaborato Marco Bianchi*", "source_credit"),
    ("es", "(Con información de EFE y AFP)", "source_credit"),
    (
        "en",
        "Follow AP's full coverage of the elections at https://apnews.com/elections",
        "related_links",
    ),
    ("en", "\\_\\_\\_", "navigation"),
    ("en", "Filed under: Transport | City council", "navigation"),
    ("it", "Tag: Trasporti, Comune, Bilancio", "navigation"),
    ("es", "Etiquetas: Vivienda, Alquiler, Gobierno", "navigation"),
    ("en", "**Write to** Jane Smith at jane.smith@example.com", "byline"),
    (
        "en",
        "If you buy something through links on this page, we may earn a small commission.",
        "advertisement",
    ),
    ("it", "Questo articolo contiene link di affiliazione.", "advertisement"),
    ("es", "Este artículo incluye enlaces de afiliados.", "advertisement"),
    (
        "en",
        "If you value our journalism, please consider becoming a member and supporting us.",
        "subscribe_prompt",
    ),
    (
        "it",
        "Se ti è piaciuto questo articolo, sostienici: abbonati per leggere tutte le notizie.",
        "subscribe_prompt",
    ),
    (
        "es",
        "Si te ha gustado este artículo, apóyanos: suscríbete por un euro al mes.",
        "subscribe_prompt",
    ),
    ("en", "There was an error processing your subscription.", "subscribe_prompt"),
    (
        "en",
        "This copy is for your personal, non-commercial use only. Distribution and use of this "
        "material are governed by our Subscriber Agreement and by copyright law.",
        "copyright_footer",
    ),
]


@pytest.mark.parametrize("fmt", ["text", "html"])
@pytest.mark.parametrize("lang, line, reason", TAIL_CHROME)
def test_chrome_at_the_tail_is_removed(fmt, lang, line, reason):
    doc = clean(f"{ARTICLE[lang]}\n\n{line}", fmt)
    assert [r.reason for r in doc.removed] == [reason]
    assert words(doc.source_text) == words(ARTICLE[lang])


@pytest.mark.parametrize(
    "lang, line, reason",
    [
        ("en", "**CLICK HERE TO GET THE FOX NEWS APP**", "subscribe_prompt"),
        ("it", "Clicca qui per iscriverti alla newsletter", "subscribe_prompt"),
        ("es", "Haz clic aquí para suscribirte a nuestra newsletter", "subscribe_prompt"),
        ("en", "**DON'T MISS**", "related_links"),
        ("it", "**Da non perdere**", "related_links"),
        ("es", "No te lo pierdas", "related_links"),
        ("en", "- Order Reprints", "share_buttons"),
    ],
)
@pytest.mark.parametrize("fmt", ["text", "html"])
def test_prompts_and_labels_inside_the_article_are_removed(fmt, lang, line, reason):
    first, second, third = ARTICLE[lang].split("\n\n")
    doc = clean("\n\n".join([first, line, second, third]), fmt)
    assert [r.reason for r in doc.removed] == [reason]
    assert words(doc.source_text) == words(ARTICLE[lang])


@pytest.mark.parametrize(
    "lang, sentence",
    [
        # At the tail: edge rules must not take the article's last paragraph.
        ("en", "Rising rents contributed to the report's bleak outlook, the analysts said."),
        (
            "en",
            "The retailer may earn a commission on each sale through the new platform, "
            "analysts said.",
        ),
        ("en", "Click here to read the council's full decision."),
        ("it", "Da non perdere la mostra a Palazzo Reale, secondo il sindaco."),
    ],
)
@pytest.mark.parametrize("fmt", ["text", "html"])
def test_article_sentences_that_look_like_chrome_stay_at_the_tail(fmt, lang, sentence):
    doc = clean(f"{ARTICLE[lang]}\n\n{sentence}", fmt)
    assert doc.removed == []
    assert sentence in doc.source_text


@pytest.mark.parametrize(
    "sentence",
    [
        "Thank you, the mayor told the residents who had waited three hours to speak.",
        "Readers who subscribe to the newsletter, the council said, will get route updates.",
    ],
)
def test_sentences_about_thanks_or_newsletters_in_the_middle_stay(sentence):
    first, second, third = ARTICLE["en"].split("\n\n")
    doc = clean("\n\n".join([first, sentence, second, third]), "html")
    assert doc.removed == []


@pytest.mark.parametrize(
    "lang, sentence",
    [
        ("en", "Related to the case, police arrested two men on Monday, officials said."),
        ("en", "Trending downwards for a year, bus use rose again in the spring, the report said."),
        ("it", "Ultime notizie dal fronte: l'esercito avanza verso la città, dice il ministero."),
        ("es", "Más información en la web del ministerio, según fuentes oficiales."),
    ],
)
@pytest.mark.parametrize("where", ["middle", "tail"])
def test_sentences_that_start_like_a_related_label_stay(lang, sentence, where):
    """A label is followed by a separator, nothing, or a capitalised title; not by a sentence."""
    first, second, third = ARTICLE[lang].split("\n\n")
    body = (
        [first, sentence, second, third]
        if where == "middle"
        else [*ARTICLE[lang].split("\n\n"), sentence]
    )
    doc = clean("\n\n".join(body))
    assert doc.removed == []
    assert sentence in doc.source_text
