import codecs
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from normalise.text.encoding import BinaryContent, decode, normalise_newlines

ITALIAN = "Perché la città è più bella? Già, così."
SPANISH = "¿Qué año? El niño comió piña en España."


@pytest.mark.parametrize(
    "data, encoding",
    [
        (ITALIAN.encode("utf-8"), "utf-8"),
        (codecs.BOM_UTF8 + ITALIAN.encode("utf-8"), "utf-8-sig"),
        (ITALIAN.encode("utf-16"), "utf-16"),
        (SPANISH.encode("cp1252"), "cp1252"),
        ("Prezzo: 5 € “citato”".encode("cp1252"), "cp1252"),
    ],
)
def test_decodes_and_names_the_encoding(data, encoding):
    decoded = decode(data)
    assert decoded.encoding == encoding
    assert decoded.text in (ITALIAN, SPANISH, "Prezzo: 5 € “citato”")


def test_latin1_bytes_undefined_in_cp1252_still_decode():
    data = "caffè".encode("latin-1") + b"\x81"
    decoded = decode(data)
    assert decoded.encoding == "latin-1"
    assert decoded.text.startswith("caffè")


def test_mostly_utf8_with_a_bad_byte_is_utf8_not_mojibake():
    data = "città è ".encode() + b"\xff" + " perché".encode()
    decoded = decode(data)
    assert decoded.encoding == "utf-8"
    assert decoded.text == "città è \ufffd perché"
    assert "1 invalid" in decoded.note


@pytest.mark.parametrize("data", [bytes(range(256)) * 8, b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"])
def test_binary_is_refused(data):
    with pytest.raises(BinaryContent):
        decode(data)


def test_newlines_normalised():
    assert normalise_newlines("a\r\nb\rc\nd") == "a\nb\nc\nd"


@given(st.text(alphabet=st.characters(max_codepoint=0x2FF) | st.sampled_from("\x00\x07\x1b’…€")))
def test_searching_the_bytes_finds_what_searching_the_text_finds(text):
    """In an ASCII-compatible encoding a control character is its own byte: the bytes are
    searched instead of the text, with the same outcome (kept, cleaned or refused)."""
    from normalise.text.encoding import _checked

    for encoding in ("utf-8", "cp1252", "latin-1"):
        data = text.encode(encoding, errors="ignore")
        decoded = data.decode(encoding)
        try:
            expected = _checked(decoded, encoding, 0.02)
        except BinaryContent as refused:
            with pytest.raises(BinaryContent, match=re.escape(str(refused))):
                _checked(decoded, encoding, 0.02, data)
            continue
        assert _checked(decoded, encoding, 0.02, data) == expected
