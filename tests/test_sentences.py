import pytest

from normalise.text.sentences import split, split_spans


@pytest.mark.parametrize(
    "lang, text, expected",
    [
        (
            "it",
            "Il Sig. Rossi è arrivato. Il prezzo è salito a 7,5 euro. Costa 1.000 euro!",
            ["Il Sig. Rossi è arrivato.", "Il prezzo è salito a 7,5 euro.", "Costa 1.000 euro!"],
        ),
        (
            "it",
            "Lo ha detto il Dott. Bianchi. Poi è uscito.",
            ["Lo ha detto il Dott. Bianchi.", "Poi è uscito."],
        ),
        (
            "es",
            'Viven en EE. UU. desde 2010. La Sra. García dijo: "Todo inicia aquí." Luego salió.',
            [
                "Viven en EE. UU. desde 2010.",
                'La Sra. García dijo: "Todo inicia aquí."',
                "Luego salió.",
            ],
        ),
        (
            "es",
            "¿Vendrás? ¡Claro que sí! El Sr. Pérez también.",
            ["¿Vendrás?", "¡Claro que sí!", "El Sr. Pérez también."],
        ),
        (
            "en",
            "The U.S. economy grew 3.5 percent. Mr. Smith agreed... and left. J. K. Rowling wrote.",
            [
                "The U.S. economy grew 3.5 percent.",
                "Mr. Smith agreed... and left.",
                "J. K. Rowling wrote.",
            ],
        ),
    ],
)
def test_split(lang, text, expected):
    assert split(text, lang) == expected


def test_spans_are_offsets_into_the_text():
    text = "  Uno due.   Tre quattro.  "
    assert [text[s:e] for s, e in split_spans(text, "it")] == ["Uno due.", "Tre quattro."]


def test_text_without_punctuation_is_one_sentence():
    text = "parola " * 1000
    assert split(text, "it") == [text.strip()]
