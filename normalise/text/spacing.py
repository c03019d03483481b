"""Is a text single-spaced already? Answered without splitting it.

``" ".join(text.split())`` (words one space apart, none at either end) is how the renderer and
the cleaner re-space text, and most text is single-spaced already: the test below is one quick
scan where splitting makes a string of every word.
"""

from __future__ import annotations


def surely_single_spaced(text: str) -> bool:
    """True only if ``text`` equals ``" ".join(text.split())``. Every white space character
    but the space is unprintable (``str.isprintable``), so a printable text holds no white
    space but spaces; then no two in a row and none at either end is enough. False for any
    text with an unprintable character, single-spaced or not: the caller re-spaces it, to the
    same result."""
    return text.isprintable() and "  " not in text and text[:1] != " " and text[-1:] != " "
