"""Duplicate flagging: later copies marked with the first id, kept whole, memory bounded."""

from __future__ import annotations

import pytest

from normalise.record import Document
from normalise.run.duplicates import DuplicateFlagger, text_key


def doc(id_: str, text: str) -> Document:
    return Document(id=id_, source=id_, source_text=text)


def test_later_copy_flagged_with_the_first_id_whitespace_ignored():
    docs = [
        doc("a", "One article.\n\nSecond paragraph."),
        doc("b", "Another article."),
        doc("c", "One  article.\n\n\nSecond paragraph.  "),
        doc("d", "One article. Second paragraph."),
    ]
    flagged = list(DuplicateFlagger()(docs))
    assert [d.metadata.get("duplicate_of") for d in flagged] == [None, None, "a", "a"]
    assert flagged[2].source_text.startswith("One  article")  # kept as it was


def test_case_and_words_matter():
    flagger = DuplicateFlagger()
    flagger.flag(doc("a", "One article."))
    assert "duplicate_of" not in flagger.flag(doc("b", "one article.")).metadata
    assert "duplicate_of" not in flagger.flag(doc("c", "One article!")).metadata


def test_documents_without_text_are_never_duplicates():
    flagger = DuplicateFlagger()
    for name in ("empty-1", "empty-2", "blank"):
        assert text_key(doc(name, " \n ")) is None
        assert "duplicate_of" not in flagger.flag(doc(name, "  \n")).metadata
    assert flagger.flagged == 0


def test_memory_is_bounded_by_forgetting_the_older_half():
    flagger = DuplicateFlagger(max_entries=4)
    for index in range(4):
        flagger.flag(doc(f"d{index}", f"text {index}"))
    flagger.flag(doc("d4", "text 4"))  # table full: d0 and d1 forgotten, d4 remembered
    assert len(flagger._first) == 3
    assert "duplicate_of" not in flagger.flag(doc("late-copy-of-d0", "text 0")).metadata
    assert flagger.flag(doc("copy-of-d3", "text 3")).metadata["duplicate_of"] == "d3"
    assert flagger.flag(doc("copy-of-d4", "text 4")).metadata["duplicate_of"] == "d4"


def test_bound_must_be_usable():
    with pytest.raises(ValueError):
        DuplicateFlagger(max_entries=1)
