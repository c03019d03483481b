from normalise.text.reflow import HEADING, LIST_ITEM, PARAGRAPH, split_blocks


def kinds(text):
    return [(b.kind, b.text) for b in split_blocks(text)]


def test_link_broken_lines_are_rejoined():
    text = (
        "OpenAI\ne\nNVIDIA\nhanno firmato un accordo sull'\nintelligenza artificiale\n"
        "su scala globale."
    )
    assert kinds(text) == [
        (
            PARAGRAPH,
            "OpenAI e NVIDIA hanno firmato un accordo sull'intelligenza artificiale "
            "su scala globale.",
        )
    ]


def test_leading_punctuation_joins_without_space():
    text = "con altri colossi come\nMicrosoft\ne\nOracle\n. Questa mossa conta."
    assert kinds(text) == [
        (PARAGRAPH, "con altri colossi come Microsoft e Oracle. Questa mossa conta.")
    ]


def test_heading_then_paragraph_without_blank_line():
    text = "Compromiso Financiero\nComo parte del acuerdo, Nvidia invertirá."
    assert kinds(text) == [
        (HEADING, "Compromiso Financiero"),
        (PARAGRAPH, "Como parte del acuerdo, Nvidia invertirá."),
    ]


def test_list_items_and_markdown_headings():
    text = "## Puntos clave\n- Primero punto.\n* Segundo punto\n1. Tercero.\nTexto normal."
    assert kinds(text) == [
        (HEADING, "Puntos clave"),
        (LIST_ITEM, "Primero punto."),
        (LIST_ITEM, "Segundo punto"),
        (LIST_ITEM, "Tercero."),
        (PARAGRAPH, "Texto normal."),
    ]


def test_hard_wrapped_line_ending_in_function_word_is_not_a_heading():
    text = "The company said on Tuesday that\nMicrosoft would invest more."
    assert kinds(text) == [
        (PARAGRAPH, "The company said on Tuesday that Microsoft would invest more.")
    ]


def test_line_numbers_recorded_for_audit():
    blocks = split_blocks("Title Here\n\nfirst line\nsecond line.")
    assert [(b.first_line, b.last_line) for b in blocks] == [(0, 0), (2, 3)]


def test_menu_of_short_lines_stays_one_block_per_line():
    text = "Home\nWorld\nBusiness\nrealtor.com\nMarkets\nOpinion"
    assert [b.text for b in split_blocks(text)] == [
        "Home",
        "World",
        "Business realtor.com",
        "Markets",
        "Opinion",
    ]


def test_menu_line_before_lowercase_continuation_still_joins():
    """Seed 002's shape: link-broken names inside a sentence that goes on in lower case."""
    text = "Il sindaco ha incontrato i rappresentanti di\nOpenAI\ne\nGoogle\nper discutere."
    assert kinds(text) == [
        (PARAGRAPH, "Il sindaco ha incontrato i rappresentanti di OpenAI e Google per discutere.")
    ]


def test_hard_wrapped_prose_is_rejoined_even_when_a_line_looks_like_a_title():
    text = (
        "The committee published its report on Tuesday after months of\n"
        "hearings with ministers, officials and the heads of the largest\n"
        "energy companies in the country. The report calls for Parliament\n"
        "To Act Quickly On Energy Prices and to review the regulator\n"
        "before the end of the year, according to people who have read it.\n"
        "\n"
        "Ministers are expected to respond to the report within two months\n"
        "of its publication, as is usual for select committee reports.\n"
    )
    assert kinds(text) == [
        (
            PARAGRAPH,
            "The committee published its report on Tuesday after months of hearings with "
            "ministers, officials and the heads of the largest energy companies in the country. "
            "The report calls for Parliament To Act Quickly On Energy Prices and to review the "
            "regulator before the end of the year, according to people who have read it.",
        ),
        (
            PARAGRAPH,
            "Ministers are expected to respond to the report within two months of its "
            "publication, as is usual for select committee reports.",
        ),
    ]


def test_wrap_width_only_for_hard_wrapped_text():
    from normalise.text.reflow import wrap_width

    wrapped = ["x" * 70, "y" * 68, "z" * 72, "w" * 65, "v" * 71, "short."]
    assert wrap_width(wrapped) == 71
    one_paragraph_per_line = ["x" * 300, "y" * 80, "z" * 1200, "w" * 40, "v" * 500]
    assert wrap_width(one_paragraph_per_line) is None
    menu = ["Home", "World", "Business", "Markets", "Opinion", "Sport"]
    assert wrap_width(menu) is None


def test_spanish_heading_between_paragraphs_without_blank_lines():
    text = (
        "La alianza marca un cambio notable en la estrategia.\n"
        "Implicaciones Estratégicas\n"
        "Microsoft ha invertido más de trece mil millones de dólares."
    )
    assert kinds(text) == [
        (PARAGRAPH, "La alianza marca un cambio notable en la estrategia."),
        (HEADING, "Implicaciones Estratégicas"),
        (PARAGRAPH, "Microsoft ha invertido más de trece mil millones de dólares."),
    ]


def test_a_teaser_card_is_a_marked_list_item_without_its_heading_marks():
    """Trafilatura writes a teaser card as a list item made of headings; our HTML rendering as
    ``- # Headline Standfirst``. Either way no ``#`` reaches the text."""
    for line in ("- ### Headline #### The standfirst", "- # Headline The standfirst"):
        (block,) = split_blocks(line)
        assert block.kind == LIST_ITEM and block.marked
        assert "#" not in block.text and block.text.startswith("Headline")
    (heading, item) = split_blocks("# Title\n- An item")
    assert heading.marked and not item.marked
    # A line that merely looks like a heading is not marked up.
    (plain,) = split_blocks("Title Here")
    assert plain.kind == HEADING and not plain.marked
