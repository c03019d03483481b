"""JSONL input records: validation, pass-through of unknown fields, and bad lines."""

from __future__ import annotations

from normalise.inputs.corpus import read_corpus
from normalise.inputs.files import InputRecord, RejectedRecord
from normalise.inputs.jsonl import read_records
from normalise.settings import Settings
from normalise.stages.pipeline import Pipeline


def test_records_with_optional_fields_and_extras_in_metadata():
    lines = [
        b'{"id": "a", "text": "Ciao", "lang": "it", "format": "html", "metadata": {"k": 1}}\n',
        b'{"id": 7, "text": "Hi", "url": "https://x", "added": "2024"}\n',
    ]
    assert list(read_records(lines)) == [
        InputRecord("a", "Ciao", "html", "it", {"k": 1}),
        InputRecord("7", "Hi", "text", None, {"url": "https://x", "added": "2024"}),
    ]


def test_explicit_metadata_wins_over_a_clashing_top_level_field(caplog):
    [record] = read_records(['{"id": "a", "text": "t", "k": 1, "metadata": {"k": 2}}'])
    assert record.metadata == {"k": 2}
    assert "kept metadata's ['k']" in caplog.text


def test_every_bad_line_becomes_a_rejected_record_with_its_line_number():
    lines = [
        b'{"id": "ok", "text": "fine"}\n',
        b"\n",  # blank lines are skipped, but still counted
        b"{not json\n",
        b'["a list"]\n',
        b'{"id": "no-text"}\n',
        b'{"id": "n", "text": 5}\n',
        b'{"id": "f", "text": "t", "format": "pdf"}\n',
        b'{"id": "m", "text": "t", "metadata": [1]}\n',
        b'{"id": {"x": 1}, "text": "t"}\n',
        b'{"id": "l", "text": "t", "lang": 3}\n',
        b'{"id": "u", "text": "\xff"}\n',
    ]
    items = list(read_records(lines, name="in.jsonl"))
    assert isinstance(items[0], InputRecord)
    assert items[1:] == [
        RejectedRecord(
            "in.jsonl:3",
            "line 3: invalid JSON (Expecting property name enclosed in double quotes at column 2)",
        ),
        RejectedRecord("in.jsonl:4", "line 4: a record must be a JSON object, got a list"),
        RejectedRecord("no-text", "line 5: the record has no 'text'"),
        RejectedRecord("n", "line 6: 'text' must be a string, got int"),
        RejectedRecord("f", "line 7: 'format' must be one of text, html, got 'pdf'"),
        RejectedRecord("m", "line 8: 'metadata' must be an object, got a list"),
        RejectedRecord("in.jsonl:9", "line 9: 'id' must be a string or an integer, got an object"),
        RejectedRecord("l", "line 10: 'lang' must be a string, got int"),
        RejectedRecord("in.jsonl:11", "line 11: not UTF-8 (invalid start byte at byte 21)"),
    ]


def test_missing_id_falls_back_to_the_line_and_bom_is_accepted():
    [record] = read_records([b'\xef\xbb\xbf{"text": "hello"}\n'], name="stdin")
    assert record == InputRecord("stdin:1", "hello")


def test_rejected_records_become_error_documents_in_order(tmp_path):
    lines = ['{"id": "a", "text": ""}', "oops", '{"id": "b", "text": "   "}']
    docs = list(Pipeline(Settings(models_dir=tmp_path)).process_items(read_records(lines)))
    assert [(d.id, d.status) for d in docs] == [
        ("a", "empty"),
        ("stdin:2", "error"),
        ("b", "empty"),
    ]
    assert docs[1].reason.startswith("line 2: invalid JSON")


def test_corpus_reader_reports_bad_lines_and_keeps_going():
    problems = []
    lines = [
        '{"id": "a", "source": "a", "segments": []}',
        "garbage",
        '{"id": "b", "source": "b", "segments": [{"kind": "paragraph", "text": "t", "odd": 1}]}',
        '{"id": "c", "source": "c"}',
    ]
    docs = list(read_corpus(lines, lambda n, p: problems.append((n, p))))
    assert [d.id for d in docs] == ["a", "c"]
    assert [n for n, _ in problems] == [2, 3]
    assert "not a normalise record" in problems[1][1]
