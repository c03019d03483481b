"""Exporters over hand-built documents: every format, its edge cases, and what it leaves out."""

from __future__ import annotations

import builtins
import json
import re
import weakref
import xml.etree.ElementTree as ET

import pytest

from normalise.outputs import ExportError, export, resolve_targets
from normalise.outputs.base import escape_field, one_line, unescape_field
from normalise.outputs.text import text_relpath
from normalise.record import Document, Segment, Sentence, Status

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def make_doc(doc_id: str, lang: str, segments: list[list[tuple[str, str | None]]], **kw):
    """A finished document: one list of (src, en) per segment."""
    status = kw.pop("status", Status.ENGLISH if lang == "en" else Status.TRANSLATED)
    doc = Document(id=doc_id, source=kw.pop("source", doc_id), lang=lang, status=status, **kw)
    for kind_index, pairs in enumerate(segments):
        sentences = [Sentence(src=src, en=en) for src, en in pairs]
        doc.segments.append(
            Segment(
                kind="heading" if kind_index == 0 else "paragraph", text="", sentences=sentences
            )
        )
    doc.text = "\n\n".join(" ".join(en for _, en in seg if en) for seg in segments)
    return doc


def corpus() -> list[Document]:
    it = make_doc(
        "news/it/a.html",
        "it",
        [[("Titolo & <sottotitolo>", "Title & <subtitle>")], [("Uno.", "One."), ("Due.", "Two.")]],
    )
    it.segments[1].sentences[1].flags.append("length_ratio")
    it.segments[1].sentences[1].score = -0.5
    es = make_doc(
        "b.txt", "es", [[("Hola\tmundo.", "Hello\tworld."), ("Dos\nlíneas.", "Two\nlines.")]]
    )
    es.segments[0].sentences.append(Sentence(src="Sep\u2028arado.", en="Sep\u2028arated."))
    en = make_doc("c.txt", "en", [[("An English line.", "An English line.")]])
    untranslated = make_doc("d.txt", "it", [[("Non tradotto.", None)]], status=Status.UNTRANSLATED)
    return [it, es, en, untranslated]


def expected_pairs(docs, include_english=False):
    return [
        (seg.lang or d.lang, s.src, s.en)
        for d in docs
        if d.status in Status.OK
        for seg in d.segments
        for s in seg.sentences
        if s.en is not None and (include_english or (seg.lang or d.lang) != "en")
    ]


def test_tmx_parses_and_round_trips_pairs(tmp_path):
    out = tmp_path / "c.tmx"
    stats = export(iter(corpus()), "tmx", out)
    root = ET.parse(out).getroot()
    header = root.find("header")
    assert root.get("version") == "1.4"
    assert header.get("segtype") == "sentence"
    assert header.get("creationtool") == "normalise" and header.get("creationtoolversion")
    assert header.get("srclang") == "*all*"
    units = root.findall("body/tu")
    got = []
    for tu in units:
        src, en = tu.findall("tuv")
        assert en.get(XML_LANG) == "en" and src.get(XML_LANG) == tu.get("srclang")
        got.append((src.get(XML_LANG), src.findtext("seg"), en.findtext("seg")))
    assert got == expected_pairs(corpus())
    assert stats.written == len(units) == 6
    props = {p.get("type"): p.text for p in units[2].findall("prop")}
    assert props == {
        "x-doc-id": "news/it/a.html",
        "x-seg-idx": "2",
        "x-segment": "1",
        "x-flags": "length_ratio",
        "x-score": "-0.5",
    }
    assert stats.left_out == {
        "English original (add --include-english)": 1,
        "status untranslated": 1,
    }


def test_tmx_include_english_and_single_language(tmp_path):
    out = tmp_path / "c.tmx"
    export(corpus(), "tmx", out, include_english=True)
    langs = [tu.get("srclang") for tu in ET.parse(out).getroot().iter("tu")]
    assert langs.count("en") == 1
    export(corpus(), "tmx", out, source_langs=["es"])
    root = ET.parse(out).getroot()
    assert root.find("header").get("srclang") == "es"
    assert {tu.get("srclang") for tu in root.iter("tu")} == {"es"}


def test_tmx_replaces_characters_xml_cannot_hold(tmp_path):
    doc = make_doc("x", "it", [[("Ciao\x00\x07 mondo\r.", "Hello\x1b world\r.")]])
    out = tmp_path / "c.tmx"
    stats = export([doc], "tmx", out)
    tu = ET.parse(out).getroot().find("body/tu")
    assert [t.findtext("seg") for t in tu.findall("tuv")] == [
        "Ciao\ufffd\ufffd mondo\r.",
        "Hello\ufffd world\r.",
    ]
    assert stats.notes["characters not allowed in XML replaced by U+FFFD"] == 3


def test_moses_files_are_line_aligned_with_ids(tmp_path):
    out = tmp_path / "moses"
    stats = export(corpus(), "moses", out)
    assert sorted(p.name for p in out.iterdir()) == [
        "corpus.es-en.en",
        "corpus.es-en.es",
        "corpus.es-en.ids",
        "corpus.it-en.en",
        "corpus.it-en.ids",
        "corpus.it-en.it",
    ]
    for lang in ("it", "es"):
        src = (out / f"corpus.{lang}-en.{lang}").read_text(encoding="utf-8").splitlines()
        en = (out / f"corpus.{lang}-en.en").read_text(encoding="utf-8").splitlines()
        ids = (out / f"corpus.{lang}-en.ids").read_text(encoding="utf-8").splitlines()
        assert len(src) == len(en) == len(ids)
        want = [(s, e) for lg, s, e in expected_pairs(corpus()) if lg == lang]
        assert list(zip(src, en, strict=True)) == [(one_line(s), one_line(e)) for s, e in want]
    assert (out / "corpus.es-en.ids").read_text().splitlines() == [
        "b.txt\t0",
        "b.txt\t1",
        "b.txt\t2",
    ]
    assert (out / "corpus.es-en.es").read_text().splitlines()[1] == "Dos líneas."
    assert stats.notes["sentences with tabs or line breaks put on one line"] == 6


def test_moses_english_only_when_asked(tmp_path):
    export(corpus(), "moses", tmp_path / "a")
    assert not list((tmp_path / "a").glob("corpus.en-en.*"))
    export(corpus(), "moses", tmp_path / "b", include_english=True)
    assert (tmp_path / "b/corpus.en-en.src").read_text() == "An English line.\n"
    assert (tmp_path / "b/corpus.en-en.en").read_text() == "An English line.\n"


def test_tsv_rows_escape_and_unescape(tmp_path):
    out = tmp_path / "c.tsv"
    export(corpus(), "tsv", out)
    lines = out.read_text(encoding="utf-8").split("\n")
    assert lines[-1] == ""
    rows = [[unescape_field(f) for f in line.split("\t")] for line in lines[:-1]]
    assert all(len(row) == 6 for row in rows)
    assert [(r[2], r[3], r[4]) for r in rows] == expected_pairs(corpus(), include_english=True)
    assert rows[2] == ["news/it/a.html", "2", "it", "Due.", "Two.", "length_ratio"]
    assert rows[3][:2] == ["b.txt", "0"]


@pytest.mark.parametrize("text", ["plain", "tab\there", "a\\tb", "new\nline", "\\", "x\u2028y\r"])
def test_tsv_escape_is_reversible_and_single_line(text):
    escaped = escape_field(text)
    assert "\t" not in escaped and len(escaped.splitlines()) <= 1
    assert unescape_field(escaped) == text


def test_text_files_mirror_the_input_tree(tmp_path):
    out = tmp_path / "text"
    stats = export(corpus(), "text", out)
    files = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    assert files == ["b.txt", "c.txt", "news/it/a.html.txt"]
    assert (out / "news/it/a.html.txt").read_text() == "Title & <subtitle>\n\nOne. Two.\n"
    assert stats.left_out == {"status untranslated": 1}


@pytest.mark.parametrize(
    ("source", "path"),
    [
        ("../../etc/passwd", "%2E%2E/%2E%2E/etc/passwd.txt"),
        ("/abs/x.md", "abs/x.md.txt"),
        ("a/./b.TXT", "a/b.TXT"),
        ("", "_.txt"),
        ("bad\x00name", "bad%00name.txt"),
    ],
)
def test_text_paths_stay_inside_the_output(source, path):
    assert text_relpath(source) == path


def test_text_clashing_paths_get_a_suffix(tmp_path):
    docs = [make_doc(i, "en", [[("Same.", "Same.")]], source="x.txt") for i in ("1", "2")]
    stats = export(docs, "text", tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["x.txt", "x~2.txt"]
    assert stats.notes["documents with a clashing path given a ~N suffix"] == 1


def test_jsonl_is_the_canonical_record(tmp_path):
    out = tmp_path / "c.jsonl"
    export(corpus(), "jsonl", out)
    records = [json.loads(line) for line in out.read_text().splitlines()]
    assert records == [doc.to_json() for doc in corpus()]
    assert [Document.from_json(r) for r in records][1].segments[0].sentences[
        1
    ].src == "Dos\nlíneas."


def test_parquet_round_trips_documents(tmp_path):
    pq = pytest.importorskip("pyarrow.parquet")  # in the test extra; optional for users
    out = tmp_path / "c.parquet"
    export(corpus(), "parquet", out)
    rows = pq.read_table(out).to_pylist()
    assert [r["id"] for r in rows] == [d.id for d in corpus()]
    assert rows[1]["segments"][0]["sentences"][2]["en"] == "Sep\u2028arated."
    assert rows[0]["segments"][1]["sentences"][1]["flags"] == ["length_ratio"]


def test_parquet_without_pyarrow_is_a_clear_error(tmp_path, monkeypatch):
    real_import = builtins.__import__

    def no_pyarrow(name, *args, **kwargs):
        if name.startswith("pyarrow"):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_pyarrow)
    with pytest.raises(ExportError, match=r"pip install 'normalise\[parquet\]'"):
        export(corpus(), "parquet", tmp_path / "c.parquet")
    assert not list(tmp_path.iterdir())


@pytest.mark.parametrize("fmt", ["tmx", "moses", "jsonl", "tsv"])
def test_a_failed_export_leaves_nothing_behind(tmp_path, fmt):
    def failing():
        yield from corpus()[:2]
        raise RuntimeError("upstream failed")

    with pytest.raises(RuntimeError):
        export(failing(), fmt, tmp_path / "out")
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []


def test_targets_for_one_and_several_formats(tmp_path):
    assert resolve_targets(["tmx"], str(tmp_path / "x.tmx")) == [("tmx", tmp_path / "x.tmx")]
    assert resolve_targets(["tmx"], str(tmp_path)) == [("tmx", tmp_path / "corpus.tmx")]
    assert resolve_targets(["moses"], str(tmp_path / "m")) == [("moses", tmp_path / "m")]
    assert resolve_targets(["jsonl", "moses"], str(tmp_path / "o")) == [
        ("jsonl", tmp_path / "o" / "corpus.jsonl"),
        ("moses", tmp_path / "o" / "moses"),
    ]
    assert resolve_targets(["tsv"], "-") == [("tsv", "-")]
    for formats, output in ((["moses"], "-"), (["jsonl", "tmx"], "-"), (["nope"], "x")):
        with pytest.raises(ExportError):
            resolve_targets(formats, output)
    (tmp_path / "file").write_text("")
    with pytest.raises(ExportError, match="is a file"):
        resolve_targets(["text"], str(tmp_path / "file"))


@pytest.mark.parametrize(
    "formats, output, expected",
    [  # the table in docs/outputs.md, row by row
        (["jsonl"], "x.jsonl", ["x.jsonl"]),
        (["parquet"], "x.PARQUET", ["x.PARQUET"]),
        (["jsonl"], "out", ["out/corpus.jsonl"]),  # no suffix: a folder, not a file "out"
        (["tmx"], "out/", ["out/corpus.tmx"]),
        (["tmx"], "run.2024", ["run.2024/corpus.tmx"]),  # not an output suffix: a folder
        (["moses"], "out", ["out"]),
        (["jsonl", "moses"], "out", ["out/corpus.jsonl", "out/moses"]),
        (["tmx"], "x.jsonl", "name it x.tmx"),
        (["jsonl", "tmx"], "x.jsonl", "give a folder, such as -o x/"),
        (["moses"], "x.tmx", "give a folder, such as -o x/"),
    ],
)
def test_output_path_rules(tmp_path, monkeypatch, formats, output, expected):
    monkeypatch.chdir(tmp_path)
    if isinstance(expected, str):
        with pytest.raises(ExportError, match=re.escape(expected)):
            resolve_targets(formats, output)
    else:
        targets = resolve_targets(formats, output)
        assert [str(target) for _, target in targets] == expected


def test_an_existing_folder_with_a_file_suffix_is_a_folder(tmp_path):
    (tmp_path / "x.jsonl").mkdir()
    assert resolve_targets(["jsonl"], str(tmp_path / "x.jsonl")) == [
        ("jsonl", tmp_path / "x.jsonl" / "corpus.jsonl")
    ]


@pytest.mark.parametrize("fmt", ["tmx", "moses", "tsv", "text", "jsonl", "parquet"])
def test_exporters_stream_without_holding_the_corpus(tmp_path, fmt):
    """By the time document i is produced, every document before i-1 has been freed
    (documents hold no reference cycles, so reference counting frees them at once)."""
    if fmt == "parquet":
        pytest.importorskip("pyarrow")
    refs: list[weakref.ref] = []

    def docs():
        for i in range(30):
            alive = [r for r in refs[:-1] if r() is not None]
            if fmt != "parquet":  # parquet buffers a row group of plain dicts, not documents
                assert alive == [], f"{len(alive)} earlier documents still held at {i}"
            doc = make_doc(f"d{i}", "it", [[(f"Frase {i}.", f"Sentence {i}.")]])
            refs.append(weakref.ref(doc))
            yield doc

    stats = export(docs(), fmt, tmp_path / "out")
    assert stats.documents == 30
