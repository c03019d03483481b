import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

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
        (
            "it",
            "Un terremoto di magnitudo 7.5. Poi lo tsunami. Oh, no. Non è finita.",
            ["Un terremoto di magnitudo 7.5.", "Poi lo tsunami.", "Oh, no.", "Non è finita."],
        ),
        (
            "es",
            "Llueve en el suroeste de EE. UU. Tal como se preveía, Rosa llegó.",
            ["Llueve en el suroeste de EE. UU.", "Tal como se preveía, Rosa llegó."],
        ),
        (
            "en",
            "It closed on Oct. 5 at 1 p.m. However, U.S. President Trump spoke. Det. Ray agreed.",
            [
                "It closed on Oct. 5 at 1 p.m.",
                "However, U.S. President Trump spoke.",
                "Det. Ray agreed.",
            ],
        ),
        (
            "it",
            "«Andiamo!» Ha detto. Ma… Davvero? Sì.",
            ["«Andiamo!»", "Ha detto.", "Ma…", "Davvero?", "Sì."],
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


def test_abbreviation_lists_are_data():
    from normalise.text.sentences import abbreviations

    assert {"sig", "dott"} <= abbreviations("it").never_final
    assert "uu" in abbreviations("es").may_end
    assert "sig" in abbreviations(None).never_final  # unknown language: every list


def test_ntrex_sample_boundaries():
    """The benchmark's scoring on a shipped 60-line NTREX-128 sample (see its README)."""
    import importlib.util
    from pathlib import Path

    repo = Path(__file__).resolve().parents[1]
    spec = importlib.util.spec_from_file_location("bench_sentences", repo / "bench/sentences.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    sample = repo / "tests" / "data" / "ntrex_sample"
    for lang in ("it", "es", "en"):
        units = bench.paragraphs(bench.load_documents(sample, lang))
        precision, recall, f1, *_ = bench.score(units, lang)
        assert f1 >= 0.97, (lang, precision, recall)


@settings(max_examples=500, deadline=None)
@given(
    st.text(alphabet=st.sampled_from("ab.'’- \nÉ_1\u00a0ǅ٣!"), max_size=200),
    st.integers(min_value=0, max_value=200),
)
def test_the_word_before_a_point_is_the_one_a_search_from_the_start_finds(text, end):
    """The windowed search gives what ``_WORD_BEFORE.search(text, 0, end)`` gives, for words
    shorter and longer than the window."""
    from normalise.text.sentences import _WORD_BEFORE, _word_before

    end = min(end, len(text))
    expected = _WORD_BEFORE.search(text, 0, end)
    assert _word_before(text, end) == (expected and expected.group(1))


def test_a_dotted_word_longer_than_the_window_is_read_whole():
    from normalise.text.sentences import _WORD_WINDOW, _word_before

    word = "a." * _WORD_WINDOW
    text = f"See {word} Then more."
    assert _word_before(text, text.index(" Then")) == word
