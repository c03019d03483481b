"""The reflow step gives, block for block, what the plain reference (tests/reflow_reference.py)
gives: on generated text, line by line the kinds of line it tells apart."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from reflow_reference import split_blocks as reference_split_blocks
from reflow_reference import wrap_width as reference_wrap_width

from normalise.text.reflow import split_blocks, wrap_width

WORDS = ["il", "the", "of", "Roma", "Gobierno", "città", "dell'", "said.", "end;", "a,", "—",
         "(AP)", "«Sì»", "x" * 30, "١٢", "3.", "4)"]  # fmt: skip
# Line starts: headings, list markers (digits of other scripts too), spaces, none.
STARTS = ["", "", "", "# ", "### ", "#######", "- ", "* ", "• ", "1. ", "12) ", "٣. ", "\t- ",
          "  ", "\u00a0", "-", "#x "]  # fmt: skip


@st.composite
def line(draw) -> str:
    words = draw(st.lists(st.sampled_from(WORDS), max_size=20))
    return draw(st.sampled_from(STARTS)) + " ".join(words) + draw(st.sampled_from(["", " ", "."]))


@settings(max_examples=500, deadline=None)
@given(st.lists(line(), max_size=25).map("\n".join))
def test_split_blocks_is_the_reference_reflow(text):
    assert split_blocks(text) == reference_split_blocks(text)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(st.sampled_from(" \tab."), max_size=130), max_size=30))
def test_wrap_width_is_the_reference_width(lines):
    assert wrap_width(lines) == reference_wrap_width(lines)
