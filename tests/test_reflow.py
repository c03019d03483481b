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
