"""Decode article bytes whatever their encoding, and say which encoding was used.

The order is deterministic and suits the languages we handle: a BOM wins; then strict UTF-8;
then UTF-16 without BOM when the NUL pattern shows it; then cp1252, the Windows code page
that legacy Italian and Spanish text is usually in (a superset of latin-1's printable
characters); latin-1 last, which decodes any byte string.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


class BinaryContent(ValueError):
    """The bytes are not text in any encoding we accept."""


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str
    note: str | None = None  # e.g. how many invalid bytes were replaced


def _looks_utf16(data: bytes) -> str | None:
    sample = data[:4096]
    if len(sample) < 4:
        return None
    even_nuls = sample[0::2].count(0) / len(sample[0::2])
    odd_nuls = sample[1::2].count(0) / len(sample[1::2])
    if odd_nuls > 0.3 and even_nuls < 0.05:
        return "utf-16-le"
    if even_nuls > 0.3 and odd_nuls < 0.05:
        return "utf-16-be"
    return None


def decode(data: bytes, *, max_control_ratio: float = 0.02) -> Decoded:
    """Decode ``data``; raise :class:`BinaryContent` when it is not text."""
    for bom, name in _BOMS:
        if data.startswith(bom):
            try:
                return _checked(data.decode(name), name, max_control_ratio)
            except UnicodeDecodeError as error:
                return _damaged(data, name, error, max_control_ratio)
    utf16 = _looks_utf16(data)
    if utf16:
        try:
            return _checked(data.decode(utf16), utf16, max_control_ratio)
        except UnicodeDecodeError:
            pass
    try:
        return _checked(data.decode("utf-8"), "utf-8", max_control_ratio, data)
    except UnicodeDecodeError:
        pass
    mostly_utf8 = _mostly_utf8(data, max_control_ratio)
    if mostly_utf8:
        return mostly_utf8
    try:
        return _checked(data.decode("cp1252"), "cp1252", max_control_ratio, data)
    except UnicodeDecodeError:
        return _checked(data.decode("latin-1"), "latin-1", max_control_ratio, data)


def _mostly_utf8(data: bytes, max_control_ratio: float) -> Decoded | None:
    """UTF-8 with a few corrupt bytes (a damaged file) rather than a legacy code page.

    Valid multi-byte sequences are very unlikely in cp1252 text, so when they outnumber the
    invalid bytes, the file is UTF-8 and the invalid bytes are replaced (and counted).
    """
    text = data.decode("utf-8", errors="surrogateescape")
    invalid = sum(1 for ch in text if "\udc80" <= ch <= "\udcff")
    valid_multibyte = sum(1 for ch in text if ord(ch) > 127 and not "\udc80" <= ch <= "\udcff")
    if valid_multibyte <= invalid:
        return None
    decoded = _checked(data.decode("utf-8", errors="replace"), "utf-8", max_control_ratio)
    note = f"{invalid} invalid UTF-8 byte(s) replaced with U+FFFD"
    return Decoded(decoded.text, "utf-8", "; ".join(filter(None, [note, decoded.note])))


def _damaged(
    data: bytes, encoding: str, error: UnicodeDecodeError, max_control_ratio: float
) -> Decoded:
    """A file with a BOM that does not fully decode (e.g. UTF-16 cut at an odd byte): keep
    the text when the damage is small, replacing and counting the bad bytes."""
    text = data.decode(encoding, errors="replace")
    replaced = text.count("\ufffd")
    if replaced > max(1, len(text) * max_control_ratio):
        raise BinaryContent(f"starts with a {encoding} BOM but does not decode: {error}")
    decoded = _checked(text, encoding, max_control_ratio)
    note = f"{replaced} undecodable {encoding} sequence(s) replaced with U+FFFD"
    return Decoded(decoded.text, encoding, "; ".join(filter(None, [note, decoded.note])))


# Control characters other than \t \n \v \f \r
_STRAY_CONTROL = re.compile("[\x00-\x08\x0e-\x1f]")
# ...looked for one by one: 27 substring tests (memchr in C) are several times faster than the
# regex's scan of a clean page (a quarter of a megabyte of HTML); in the bytes of an
# ASCII-compatible encoding, faster still (a text with a character past U+00FF is searched
# two or four bytes a character, without memchr).
_STRAY_CODES = (*range(0x00, 0x09), *range(0x0E, 0x20))
_STRAY_CHARACTERS = tuple(chr(code) for code in _STRAY_CODES)
_STRAY_BYTES = tuple(bytes([code]) for code in _STRAY_CODES)


def _checked(
    text: str, encoding: str, max_control_ratio: float, ascii_bytes: bytes | None = None
) -> Decoded:
    """Refuse binary data; remove a few stray NULs and control characters from real text.

    A text file with a handful of NUL bytes (a bad copy, a crashed writer) is still an
    article: the stray characters are removed and counted in the note. Many of them mean the
    bytes are not text at all.

    ``ascii_bytes``: the bytes ``text`` was decoded from, when their encoding is
    ASCII-compatible (UTF-8, cp1252, latin-1: a control character is its own byte, and no
    other character has such a byte), so that they are searched instead of the text.
    """
    if ascii_bytes is not None:
        clean = not any(byte in ascii_bytes for byte in _STRAY_BYTES)
    else:
        clean = not any(char in text for char in _STRAY_CHARACTERS)
    if clean:
        return Decoded(text, encoding)
    strays = len(_STRAY_CONTROL.findall(text))
    if strays > len(text) * max_control_ratio:
        raise BinaryContent(
            f"contains binary data ({strays} NUL or control characters in {len(text)}) "
            f"after decoding as {encoding}"
        )
    nuls = text.count("\x00")
    cleaned = _STRAY_CONTROL.sub("", text)
    others = strays - nuls
    what = " and ".join(
        part
        for part in (f"{nuls} NUL" if nuls else "", f"{others} control" if others else "")
        if part
    )
    return Decoded(cleaned, encoding, f"{what} character(s) removed")


def normalise_newlines(text: str) -> str:
    """CRLF and lone CR become LF, so that every later offset means the same thing."""
    if "\r" not in text:
        return text
    return text.replace("\r\n", "\n").replace("\r", "\n")
