"""Italian and Spanish news chrome (issue 13): one realistic snippet per rule family, each paired
with article sentences on the same subject that must stay; the neighbour-based head and tail
peel; datelines; running text without a final full stop on the plain-text path."""

from __future__ import annotations

import pytest
from test_boilerplate_languages import ARTICLE, clean, words

# (lang, chrome as a site prints it, category, content sentences on the same subject).
FAMILIES = [
    # Paywalls and subscription dialogs at the tail.
    (
        "es",
        "Este contenido es exclusivo para suscriptores. ¿Ya eres suscriptor? Inicia sesión",
        "paywall",
        "El diario anunció que su contenido será exclusivo para suscriptores desde marzo, "
        "según explicó su director.",
    ),
    (
        "es",
        "Tu suscripción está siendo usada en otro dispositivo",
        "paywall",
        "La empresa detectó que cada suscripción se usaba en tres dispositivos de media, "
        "según el informe.",
    ),
    (
        "it",
        "Questo contenuto è riservato agli abbonati. Sei già abbonato? Accedi",
        "paywall",
        "Il contenuto riservato agli abbonati è cresciuto del 20% nell'ultimo anno, secondo "
        "l'editore.",
    ),
    (
        "it",
        "Il tuo abbonamento è in uso su un altro dispositivo",
        "paywall",
        "Secondo l'Agcom il numero di abbonamenti ai quotidiani digitali è salito del 12%.",
    ),
    # Reader comments with relative time stamps.
    (
        "es",
        "Hace 37 minutos",
        "reader_comments",
        "Hace 37 minutos que el tren está parado en la estación, denunciaron los pasajeros.",
    ),
    (
        "it",
        "3 ore fa",
        "reader_comments",
        "Tre ore fa il sindaco ha firmato l'ordinanza che chiude le scuole fino a lunedì.",
    ),
    (
        "es",
        "Para comentar debes registrarte y completar los datos generales.",
        "reader_comments",
        "Los comentarios del ministro fueron criticados por la oposición en el Congreso.",
    ),
    # Agency copyright lines that do not start with ©.
    (
        "it",
        "RIPRODUZIONE RISERVATA © Copyright ANSA",
        "copyright_footer",
        "La riproduzione dell'opera è stata autorizzata dagli eredi dell'artista, ha detto "
        "il curatore.",
    ),
    (
        "es",
        "Queda prohibida la reproducción total o parcial de los contenidos sin autorización",
        "copyright_footer",
        "El tribunal consideró que la reproducción de la obra vulneraba los derechos del autor.",
    ),
    # Notes to the reader, support pitches, notification prompts.
    (
        "es",
        "Estimado lector, muchas gracias por su interés en nuestras notas. Hemos incorporado "
        "el registro con el objetivo de mejorar la información que le brindamos.",
        "reader_note",
        "El lector habitual de prensa en papel tiene más de 55 años, según el estudio.",
    ),
    (
        "it",
        "Caro lettore, per continuare a offrirti un'informazione di qualità ti chiediamo di "
        "sostenerci.",
        "reader_note",
        "Il lettore medio dei quotidiani italiani ha più di 50 anni, secondo il Censis.",
    ),
    (
        "es",
        "El periodismo independiente necesita del apoyo de sus lectores para continuar. Apóyanos.",
        "subscribe_prompt",
        "El periodismo independiente vive una crisis en la región, afirmó la relatora de la ONU.",
    ),
    (
        "es",
        "¿Querés recibir notificaciones de alertas?",
        "subscribe_prompt",
        "Los usuarios que quieren recibir notificaciones deberán aceptarlo de forma expresa, "
        "dijo el regulador.",
    ),
]


@pytest.mark.parametrize("fmt", ["text", "html"])
@pytest.mark.parametrize("lang, chrome, reason, content", FAMILIES)
def test_chrome_at_the_tail_goes_and_content_on_the_subject_stays(
    fmt, lang, chrome, reason, content
):
    doc = clean(f"{ARTICLE[lang]}\n\n{content}\n\n{chrome}", fmt)
    assert [r.reason for r in doc.removed] == [reason]
    assert words(doc.source_text) == words(f"{ARTICLE[lang]} {content}")
    # The content sentence alone at the tail stays as well.
    doc = clean(f"{ARTICLE[lang]}\n\n{content}", fmt)
    assert doc.removed == []


# "See also" labels (with or without their link) and channel prompts sit inside the body.
INSIDE = [
    ("es", "VEA TAMBIÉN: Entre heces y guaricha: la educación no brilla en Panamá Oeste"),
    ("es", "PUEDES VER:"),
    ("es", "MIRA: Madre se acerca a conocer los motivos de captura de su hijo"),
    ("es", "Lea más: El Gobierno propone legalizar la venta de cannabis"),
    ("es", "LEE MÁS | Kenji Fujimori: exministro niega que haya negociado obras"),
    ("es", "Noticia relacionada"),
    ("es", "También puede leer: Tras escándalo en la Policía, la bancada pide cambios"),
    ("it", "LEGGI ANCHE: Bollette, cosa cambia da aprile"),
    ("it", "Per approfondire:"),
    ("es", "▶️ Mantente informado en nuestro canal de Google Noticias"),
    ("es", "Síguenos en Telegram, Instagram, Facebook y Twitter"),
    ("es", "Únete a nuestro canal de WhatsApp"),
    ("es", "¡Mira lo que tiene nuestro canal de YouTube!"),
    ("it", "Seguici su Google News"),
    ("it", "Iscriviti al canale WhatsApp del Giornale"),
    ("es", "Puerto de Montevideo. Foto: Archivo"),
]


@pytest.mark.parametrize("fmt", ["text", "html"])
@pytest.mark.parametrize("lang, line", INSIDE)
def test_labels_and_channel_prompts_inside_the_article_go(fmt, lang, line):
    first, second, third = ARTICLE[lang].split("\n\n")
    doc = clean("\n\n".join([first, line, second, third]), fmt)
    assert len(doc.removed) == 1
    assert words(doc.source_text) == words(ARTICLE[lang])


@pytest.mark.parametrize(
    "lang, sentence",
    [
        ("es", "Mira, lo que pasó ayer en el Congreso no tiene precedentes, dijo la diputada."),
        ("es", "Lea más sobre el plan en la web del ministerio, recomendó el portavoz."),
        ("es", "El canal de YouTube del presidente publicó el vídeo de la reunión el martes."),
        ("it", "Leggi anche il rapporto dell'Istat, ha suggerito il ministro ai cronisti."),
        ("it", "Il canale Telegram del movimento ha diffuso il messaggio nella notte."),
        ("es", "La foto de la cumbre dio la vuelta al mundo en pocas horas, según la agencia."),
        # A verb label is a label only with its separator: these are sentences.
        ("es", "Puede ver Netflix en su móvil sin pagar más, explicó la operadora"),
        ("es", "Lea Michele protagonizará la nueva serie de la cadena, según la productora"),
        ("es", "Tendencia en alza para el dólar durante toda la semana"),
    ],
)
@pytest.mark.parametrize("fmt", ["text", "html"])
def test_sentences_that_start_like_a_label_or_a_prompt_stay(fmt, lang, sentence):
    first, second, third = ARTICLE[lang].split("\n\n")
    doc = clean("\n\n".join([first, sentence, second, third]), fmt)
    assert doc.removed == []


def test_a_see_also_label_takes_its_list_and_the_section_navigation_goes():
    first, second, third = ARTICLE["es"].split("\n\n")
    text = "\n\n".join(
        [
            first,
            "NOTAS RELACIONADAS",
            "- Hackers ofrecen descuento del 35% al Gobierno",
            "- Grupo Conti asegura haber hackeado el Ministerio de Hacienda",
            second,
            third,
            "Más leídas de Política",
            "- Larroque: Alberto fuerza la ruptura con Cristina",
            "- Los piqueteros desafían al Gobierno con una protesta",
        ]
    )
    doc = clean(text, "html")
    assert words(doc.source_text) == words(ARTICLE["es"])
    assert {r.reason for r in doc.removed} == {"related_links"}


@pytest.mark.parametrize("fmt", ["text", "html"])
def test_an_unknown_line_between_two_chrome_blocks_does_not_stop_the_tail(fmt):
    tail = [
        "© 1998-2024 El Diario SA - Todos los derechos reservados.",
        "Bienvenido",
        "REGISTRARSE EN ELDIA.COM",
        "DATOS PERSONALES",
        "¿Querés recibir notificaciones de alertas?",
    ]
    doc = clean("\n\n".join([ARTICLE["es"], *tail]), fmt)
    assert words(doc.source_text) == words(ARTICLE["es"])
    if fmt == "html":  # the plain-text path finds them outside the article already
        rules = {r.text: r.rule for r in doc.removed}
        assert rules["Bienvenido"] == "between_chrome"
        # The unknown line in capitals right before the last chrome block: by its neighbours
        # too, or as a section name with nothing but chrome after it.
        assert rules["DATOS PERSONALES"] in ("between_chrome", "heading_without_body")


def test_a_short_last_line_next_to_the_article_stays():
    """Between the article and chrome, not between two chrome blocks: the article's."""
    doc = clean(f"{ARTICLE['es']}\n\nMadrid, marzo de 2024\n\n© 2024 El Diario", "html")
    assert "Madrid, marzo de 2024" in doc.source_text
    assert [r.reason for r in doc.removed] == ["copyright_footer"]


@pytest.mark.parametrize("fmt", ["text", "html"])
def test_a_reader_comment_between_its_stamp_and_buttons_goes(fmt):
    comments = [
        "Comentarios",
        "juan_perez",
        "Hace 37 minutos",
        "Totalmente de acuerdo",
        "Responder",
    ]
    doc = clean("\n\n".join([ARTICLE["es"], *comments]), fmt)
    assert words(doc.source_text) == words(ARTICLE["es"])


@pytest.mark.parametrize("fmt", ["text", "html"])
def test_a_dateline_in_capitals_stays(fmt):
    head = ["# El Gobierno aprueba el plan de vivienda", "Por Lucía Fernández", "WASHINGTON"]
    doc = clean("\n\n".join([*head, "Actualizado: 12/03/2024 10:45", ARTICLE["es"]]), fmt)
    assert "WASHINGTON" in doc.source_text
    assert [r.reason for r in doc.removed] == ["byline", "date_line"]


def test_a_dateline_after_a_section_label_is_not_taken_as_its_list():
    text = "\n\n".join(
        [
            "# California certifica voto, Biden oltre quorum",
            "i più letti",
            "WASHINGTON",
            "06 Dicembre 2020",
            ARTICLE["it"],
        ]
    )
    doc = clean(text, "html")
    assert "WASHINGTON" in doc.source_text
    assert [r.reason for r in doc.removed] == ["related_links", "date_line"]


def test_a_section_name_in_capitals_after_the_article_heads_nothing():
    tail = ["LO MÁS VISTO EN DEPORTES", "© 2024 El Diario"]
    doc = clean("\n\n".join([ARTICLE["es"], *tail]), "html")
    assert words(doc.source_text) == words(ARTICLE["es"])
    # A sub-heading in capitals followed by its paragraph is the article's.
    first, second, third = ARTICLE["es"].split("\n\n")
    doc = clean("\n\n".join([first, second, "LA REACCIÓN DE LOS SINDICATOS", third]), "html")
    assert doc.removed == []


MENU = "Inicio\nNacional\nInternacional\nEconomía\nDeportes\nCultura\nOpinión\nVideos"
FOOTER = "Aviso legal\nPolítica de privacidad\nContacto\nPublicidad\nTrabaja con nosotros"


def test_plain_text_keeps_a_standfirst_and_paragraphs_without_a_final_full_stop():
    standfirst = (
        "La medida prevé la construcción de miles de pisos de alquiler asequible y ayudas "
        "directas para los jóvenes que buscan su primera vivienda en las grandes ciudades"
    )
    first, second, third = ARTICLE["es"].split("\n\n")
    open_paragraph = (
        "Según los datos del ministerio, el precio medio del alquiler ha subido un ocho por "
        "ciento en el último año y la oferta de pisos sigue cayendo en casi todas las capitales"
    )
    text = "\n\n".join(
        [MENU, "El Gobierno aprueba el plan de vivienda", standfirst, first, open_paragraph]
        + [second, third, FOOTER]
    )
    doc = clean(text, "text")
    assert standfirst in doc.source_text
    assert open_paragraph in doc.source_text
    assert "Inicio" not in doc.source_text and "Aviso legal" not in doc.source_text


@pytest.mark.parametrize("fmt", ["text", "html"])
def test_a_thread_of_reader_comments_goes_however_long_the_comments(fmt):
    thread = [
        "Commenti",
        "mario_rossi",
        "3 ore fa",
        "Finalmente una decisione sensata, ma i tempi di attuazione restano troppo lunghi e le "
        "famiglie aspettano da anni un intervento serio sulle bollette.",
        "Rispondi",
        "lucia.b",
        "2 ore fa",
        "Sono d'accordo con chi dice che servono controlli, altrimenti i soldi finiranno come "
        "sempre nelle mani sbagliate.",
        "Rispondi",
    ]
    doc = clean("\n\n".join([ARTICLE["it"], *thread]), fmt)
    assert words(doc.source_text) == words(ARTICLE["it"])
    assert {r.reason for r in doc.removed} == {"reader_comments", "share_buttons", "navigation"}


def test_the_last_paragraph_before_a_time_stamp_stays():
    """Prose is a comment only between two comment blocks, not next to one."""
    doc = clean(f"{ARTICLE['es']}\n\nHace 2 horas", "html")
    assert words(doc.source_text) == words(ARTICLE["es"])
    assert [r.rule for r in doc.removed] == ["reader_comments_es"]
