"""The run's own fast paths (reading an input, splitting sentences, writing records) give what
their plain versions give, exactly. Each plain version is kept here as the reference."""

from __future__ import annotations

import json
import os
import pickle
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from normalise.inputs.files import InputFile
from normalise.record import Document, Removal, Segment, Sentence
from normalise.run.shards import content_digest
from normalise.settings import Settings
from normalise.stages import read as read_stage
from normalise.stages.read import ReadAhead, TooLarge, read_bounded, read_file
from normalise.text import sentences

REAL_FSTAT = os.fstat


def plain_read_bounded(path: Path, limit: int) -> bytes:
    """read_bounded as it was: one read of ``limit + 1`` bytes."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    try:
        info = os.fstat(fd)
        if info.st_size > limit:
            raise TooLarge(info.st_size)
        with os.fdopen(os.dup(fd), "rb") as handle:
            data = handle.read(limit + 1)
    finally:
        os.close(fd)
    if len(data) > limit:
        raise TooLarge(max(len(data), info.st_size))
    return data


def outcome(read, path: Path, limit: int) -> bytes | tuple[str, int]:
    try:
        return read(path, limit)
    except TooLarge as error:
        return ("too large", error.size)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(size=st.integers(0, 3000), known=st.integers(0, 3000), limit=st.integers(0, 3000))
def test_read_bounded_reads_what_one_read_to_the_limit_reads(
    tmp_path, monkeypatch, size, known, limit
):
    """``known``: the size fstat reports, smaller than ``size`` when the file grew after it."""
    path = tmp_path / "page.html"
    path.write_bytes(bytes(range(256)) * (size // 256) + bytes(size % 256))

    def fstat(fd):
        info = REAL_FSTAT(fd)
        reported = min(known, info.st_size)  # it can only have grown since
        return os.stat_result((*info[:6], reported, *info[7:]))

    with monkeypatch.context() as patch:  # one example's fstat, undone before the next
        patch.setattr(read_stage.os, "fstat", fstat)
        assert outcome(read_bounded, path, limit) == outcome(plain_read_bounded, path, limit)


def test_read_bounded_reads_a_grown_file_to_the_limit_and_no_further(tmp_path, monkeypatch):
    path = tmp_path / "page.html"
    path.write_bytes(b"x" * 100)
    monkeypatch.setattr(
        read_stage.os,
        "fstat",
        lambda fd: os.stat_result((*REAL_FSTAT(fd)[:6], 10, *REAL_FSTAT(fd)[7:])),
    )
    assert read_bounded(path, 100) == b"x" * 100
    with pytest.raises(TooLarge) as error:
        read_bounded(path, 99)
    assert error.value.size == 100


def test_read_ahead_holds_at_most_its_bytes_and_gives_each_up_once(tmp_path):
    ahead = ReadAhead(max_bytes=10)
    first, second = InputFile(tmp_path / "a", "a"), InputFile(tmp_path / "b", "b")
    ahead.keep(first, b"123456", "sha-a")
    ahead.keep(second, b"123456", "sha-b")  # would pass the bound: not kept
    assert ahead.take(second) is None
    assert ahead.take(first) == (b"123456", "sha-a")
    assert ahead.take(first) is None
    ahead.keep(second, b"123456", "sha-b")  # room again once taken
    assert ahead.take(second) == (b"123456", "sha-b")


def test_read_ahead_arrives_empty_in_another_process(tmp_path):
    ahead = ReadAhead(max_bytes=100)
    item = InputFile(tmp_path / "a", "a")
    ahead.keep(item, b"bytes", "sha")
    copy = pickle.loads(pickle.dumps(ahead))
    assert copy.max_bytes == 100
    assert copy.take(item) is None
    assert ahead.take(item) == (b"bytes", "sha")


@pytest.mark.parametrize("size", [0, 5, 300])
def test_a_file_read_ahead_is_keyed_and_read_as_without(tmp_path, size):
    path = tmp_path / "page.html"
    path.write_bytes(b"<p>caff\xc3\xa8</p>" * size)
    item, settings = InputFile(path, "page.html"), Settings(max_file_bytes=2000)
    ahead = ReadAhead()
    assert content_digest(item, 2000, ahead) == content_digest(item, 2000)
    kept = read_file(item, settings, ahead)
    assert ahead.take(item) is None  # taken by the read
    assert kept == read_file(item, settings)


def plain_starts_sentence(text: str, index: int) -> bool:
    first = sentences._next_word_start(text, index)
    if not first:
        return False
    return first.isupper() or first.isdigit() or text[index] in sentences._OPENERS


def plain_split_spans(text: str, lang: str | None = None) -> list[tuple[int, int]]:
    """split_spans as it was: every span stripped of whitespace, empty ones dropped."""
    table = sentences.abbreviations(lang)
    spans: list[tuple[int, int]] = []
    start = 0
    for match in sentences._BOUNDARY.finditer(text):
        after = match.end(3)
        if after >= len(text) or not plain_starts_sentence(text, after):
            continue
        if match.group(1) == ".":
            kind = sentences.abbreviation_kind(text, match.start(1), table)
            if kind == sentences.NEVER:
                continue
            if kind == sentences.MAY_END and not sentences._next_word_start(text, after).isupper():
                continue
        end = match.end(2) if match.group(2) else match.end(1)
        spans.append((start, end))
        start = after
    spans.append((start, len(text)))
    stripped = []
    for start, end in spans:
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if end > start:
            stripped.append((start, end))
    return stripped


# What sentence boundaries hang on: points, closing quotes and brackets, openers, whitespace of
# every kind, capitals, digits, and words the abbreviation lists hold.
SENTENCE_PIECES = st.lists(
    st.sampled_from(
        [
            ".",
            "..",
            "!",
            "?",
            "…",
            "?!",
            '"',
            "'",
            "”",
            "’",
            "»",
            ")",
            "]",
            "«",
            "¿",
            "¡",
            "(",
            "—",
            "–",
            "-",
            "“",
            "‘",
            " ",
            "  ",
            "\n",
            "\t",
            "\u00a0",
            "\u2003",
            "\u3000",
            "\x1c",
            "La",
            "casa",
            "Il",
            "1",
            "7,5",
            "1.000",
            "Sig",
            "Sr",
            "Mr",
            "etc",
            "EE",
            "UU",
            "p.m",
            "a.m",
            "A.I",
            "J",
            "K",
            "É",
            "ñ",
            "ß",
            "ǅ",
            "Ⅻ",
            "٣",
            "x",
        ]
    ),
    max_size=40,
).map("".join)


@settings(max_examples=600, deadline=None)
@given(text=SENTENCE_PIECES, lang=st.sampled_from([None, "it", "es", "en", "fr"]))
@example(text="Il prezzo sale. 1.000 persone. 7,5 euro", lang="it")
@example(text=" \u00a0Il Sig. Rossi parla, etc. La fine!  ", lang="it")
@example(text='"Ciao." «Sì» disse. (Poi) — Ok? ¿Qué? ¡No! …e poi. a casa', lang="es")
@example(text="A.I. Ok. J. K. Rowling. p.m. Dopo\u3000Fine.\n", lang="en")
def test_split_spans_gives_what_stripping_every_span_gives(text, lang):
    assert sentences.split_spans(text, lang) == plain_split_spans(text, lang)


@settings(max_examples=300, deadline=None)
@given(text=st.text(max_size=80), lang=st.sampled_from([None, "it", "es"]))
def test_split_spans_on_any_text_gives_what_stripping_every_span_gives(text, lang):
    assert sentences.split_spans(text, lang) == plain_split_spans(text, lang)


@pytest.mark.parametrize("name", ["eng", "ita", "spa"])
def test_split_spans_on_news_paragraphs_gives_what_stripping_every_span_gives(name):
    lang = {"eng": "en", "ita": "it", "spa": "es"}[name]
    path = Path(__file__).parent / "data" / "ntrex_sample"
    (found,) = path.glob(f"newstest2019-*.{name}.txt")
    lines = found.read_text("utf-8").splitlines()
    paragraphs = [" ".join(lines[i : i + 4]) for i in range(0, len(lines), 4)]
    assert paragraphs
    for text in [*paragraphs, *lines]:
        assert sentences.split_spans(text, lang) == plain_split_spans(text, lang)


def plain_record_line(doc: Document) -> str:
    """A record's line from :meth:`Document.to_dict` (copies of every field), as it was."""
    line = json.dumps(doc.to_dict(), ensure_ascii=False)
    for raw in ("\x85", "\u2028", "\u2029"):
        line = line.replace(raw, json.dumps(raw, ensure_ascii=True)[1:-1])
    return line


WORDS = st.text(alphabet="ab é“”\u2028\x85🙂\n", max_size=8)
SENTENCES = st.builds(
    Sentence,
    src=WORDS,
    en=st.none() | WORDS,
    start=st.integers(0, 9),
    end=st.integers(0, 9),
    flags=st.lists(WORDS, max_size=2),
    score=st.none() | st.floats(allow_nan=False),
)
SEGMENTS = st.builds(
    Segment,
    kind=st.sampled_from(["heading", "paragraph"]),
    text=WORDS,
    lang=st.none() | st.just("it"),
    sentences=st.lists(SENTENCES, max_size=3),
)


@settings(max_examples=300, deadline=None)
@given(
    segments=st.lists(SEGMENTS, max_size=3),
    removed=st.lists(st.builds(Removal, text=WORDS, reason=WORDS), max_size=2),
    metadata=st.dictionaries(WORDS, WORDS, max_size=2),
    reordered=st.lists(st.integers(0, 20), max_size=4),
)
def test_a_record_line_is_the_plain_encoding_of_its_fields(segments, removed, metadata, reordered):
    doc = Document(id="d", source="d.html", text="x", segments=segments, removed=removed)
    doc.metadata.update(metadata)
    sentences = [sentence for segment in segments for sentence in segment.sentences]
    objects = [*segments, *sentences, *removed]
    for index in reordered:  # an attribute deleted and set again moves to the end of __dict__
        if objects:
            target = objects[index % len(objects)]
            name = next(iter(target.__dict__))
            value = target.__dict__.pop(name)
            setattr(target, name, value)
    assert doc.to_json_line() == plain_record_line(doc)
