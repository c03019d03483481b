"""Language hints from the input: a JSONL record's ``lang`` or an HTML ``<html lang>``.

Hints are normalised to the two-letter codes langdetect uses, and are only ever weighed against
the text (see :mod:`normalise.langid.decide`): pages declare ``lang="en"`` in templates of every
language.
"""

from __future__ import annotations

import re
from functools import cache

_HTML_LANG = re.compile(
    r"<html\b[^>]*?\blang\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s>]+))", re.IGNORECASE
)
# ISO 639-2/3 codes users put in data, for the languages langdetect knows best
_THREE_LETTER = {
    "eng": "en", "ita": "it", "spa": "es", "cat": "ca", "por": "pt", "fra": "fr", "fre": "fr",
    "ron": "ro", "rum": "ro", "deu": "de", "ger": "de", "nld": "nl", "dut": "nl", "glg": "gl",
}  # fmt: skip
_CODE = re.compile(r"[a-z]{2,3}")


def normalise_code(code: str | None) -> str | None:
    """``"es-ES"``, ``"ES"``, ``"spa"`` → ``"es"``; None for anything that is not a code."""
    if not code:
        return None
    primary = re.split(r"[-_]", code.strip().lower(), maxsplit=1)[0]
    if not _CODE.fullmatch(primary):
        return None
    return _THREE_LETTER.get(primary, primary)


def html_lang(html: str) -> str | None:
    """The normalised ``lang`` attribute of the ``<html>`` element, if any (first 64 KiB)."""
    match = _HTML_LANG.search(html[:65536])
    if match is None:
        return None
    return normalise_code(next(group for group in match.groups() if group is not None))


def note_html_lang(doc) -> None:
    """Keep a page's ``<html lang>`` as the document's language hint, unless the input record
    already gave one (called by the extract stage before the markup is dropped)."""
    code = html_lang(doc.raw_text)
    if code:
        doc.metadata.setdefault("lang_hint", code)


@cache
def known_codes() -> frozenset[str]:
    """Every language code detection can give: langdetect's profile names (``zh-cn`` and
    ``zh-tw`` also as ``zh``). Read from the installed profiles, so the list cannot drift."""
    from importlib.resources import files

    names = {entry.name for entry in files("langdetect").joinpath("profiles").iterdir()}
    return frozenset(names | {name.split("-")[0] for name in names})
