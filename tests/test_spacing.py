"""``surely_single_spaced`` says a text is single-spaced only when re-spacing leaves it
unchanged, and says so of every printable one."""

from __future__ import annotations

import sys

from hypothesis import given, settings
from hypothesis import strategies as st

from normalise.text.spacing import surely_single_spaced

WHITE_SPACE = [chr(code) for code in range(sys.maxunicode + 1) if chr(code).isspace()]


def test_every_white_space_character_but_the_space_is_unprintable():
    assert " " in WHITE_SPACE and len(WHITE_SPACE) > 20
    assert [char for char in WHITE_SPACE if char.isprintable()] == [" "]


PIECES = st.sampled_from([*WHITE_SPACE, "a", "word", "é", "中", "\u200b", "\x00", "·"])


@settings(max_examples=1000, deadline=None)
@given(st.lists(PIECES, max_size=8).map("".join) | st.text(max_size=12))
def test_surely_single_spaced_is_unchanged_by_re_spacing(text):
    unchanged = " ".join(text.split()) == text
    if surely_single_spaced(text):
        assert unchanged
    elif text.isprintable():
        assert not unchanged
