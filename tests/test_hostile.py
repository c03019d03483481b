"""The whole run over the hostile corpus (tests/hostile.py): it finishes, every file is in
the output or the report with a specific status and reason, nothing reaches the network."""

from __future__ import annotations

import errno
import json
import socket
import traceback
from pathlib import Path

import pytest
from click.testing import CliRunner
from hostile import (
    ITALIAN,
    ITALIAN_UTF16,
    SPANISH,
    UNREADABLE,
    build,
    deep_relpath,
    deny_reading,
    long_line,
    on_disk,
)

from normalise.cli.app import cli

LIMIT = 120_000  # --max-file-size for these runs: the 50,000-character line fits under it


class HostileRun:
    def __init__(self, root: Path, expect: dict, result, out: Path, sockets: list):
        self.root, self.expect, self.result, self.sockets = root, expect, result, sockets
        lines = out.read_text(encoding="utf-8").splitlines()
        self.records = [json.loads(line) for line in lines]
        self.by_source = {r["source"]: r for r in self.records}
        self.report = json.loads(out.with_name("corpus.report.json").read_text())
        self.skipped = {s["source"]: s["reason"] for s in self.report["skipped"]}


def _caller() -> str:
    """``file:function`` of the code that asked for the socket."""
    frames = traceback.extract_stack()[:-2]
    here = Path(__file__).name
    frame = next(f for f in reversed(frames) if not f.filename.endswith(here))
    importing = any("importlib._bootstrap" in f.filename for f in frames)
    return f"{Path(frame.filename).parent.name}/{Path(frame.filename).name}:{frame.name}" + (
        " (at import)" if importing else ""
    )


# urllib3 (imported by trafilatura's URL helper, courlan) probes for IPv6 support when it is
# imported: it creates an AF_INET6 socket and binds it to ::1. Nothing is sent, nothing is
# connected, and with sockets blocked it simply concludes "no IPv6". It is the one attempt
# allowed below, and only at import time.
IMPORT_TIME_IPV6_PROBE = "util/connection.py:_has_ipv6 (at import)"


@pytest.fixture(scope="module")
def hostile_run(tmp_path_factory, tiny_store) -> HostileRun:
    """One in-process CLI run over the corpus, with reads of one file denied and socket
    creation and name lookups blocked and recorded. Module-scoped: the tests share it."""
    base = tmp_path_factory.mktemp("hostile")
    root = base / "crawl"
    expect = build(root, max_file_size=LIMIT)
    attempts: list[str] = []

    class BlockedSocket(socket.socket):
        def __init__(self, *args, **kwargs):
            attempts.append(f"socket{args} from {_caller()}")
            raise OSError(errno.EACCES, "sockets are blocked in this test")

    def blocked(name):
        def refuse(*args, **kwargs):
            attempts.append(f"{name}{args} from {_caller()}")
            raise OSError(errno.EACCES, "network blocked in this test")

        return refuse

    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.setenv("XDG_DATA_HOME", str(base / "data"))
        monkeypatch.setenv("ARGOS_PACKAGES_DIR", str(base / "argos"))
        monkeypatch.setattr(socket, "socket", BlockedSocket)
        for name in ("create_connection", "getaddrinfo", "gethostbyname"):
            monkeypatch.setattr(socket, name, blocked(name))
        deny_reading(monkeypatch, root / UNREADABLE)
        out = base / "out" / "corpus.jsonl"
        args = ["run", str(root), "-o", str(out), "--models-dir", str(tiny_store)]
        # --workers 1: in this process, where deny_reading and the socket guard are in force
        args += ["--workers", "1"]
        result = CliRunner().invoke(cli, [*args, "--max-file-size", str(LIMIT)])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return HostileRun(root, expect, result, out, attempts)


def test_run_finishes_with_exit_3_and_no_network_attempt(hostile_run):
    assert hostile_run.result.exit_code == 3, hostile_run.result.output
    others = [a for a in hostile_run.sockets if not a.endswith(IMPORT_TIME_IPV6_PROBE)]
    assert others == []
    # the probe, if trafilatura was first imported during this run, asked for AF_INET6 only
    assert all(a.startswith("socket(<AddressFamily.AF_INET6") for a in hostile_run.sockets)


def test_every_file_is_in_the_output_or_the_report_exactly_once(hostile_run):
    sources = [r["source"] for r in hostile_run.records]
    skipped = [s["source"] for s in hostile_run.report["skipped"]]
    assert len(sources) == len(set(sources))
    assert len(skipped) == len(set(skipped))
    assert not set(sources) & set(skipped)
    assert set(sources) | set(skipped) == on_disk(hostile_run.root)
    assert set(sources) | set(skipped) == set(hostile_run.expect)
    assert hostile_run.report["documents"] == len(sources)


def test_each_file_has_its_specific_status_and_reason(hostile_run):
    wrong = []
    for source, expected in sorted(hostile_run.expect.items()):
        if expected.skipped:
            got = ("skipped", hostile_run.skipped.get(source))
        else:
            record = hostile_run.by_source.get(source, {})
            got = (record.get("status"), record.get("reason"))
        want_status = "skipped" if expected.skipped else expected.status
        if got[0] != want_status or (expected.reason and expected.reason not in (got[1] or "")):
            wrong.append(f"{source!r}: expected {want_status} / {expected.reason!r}, got {got}")
    assert not wrong, "\n".join(wrong)


def test_every_problem_is_in_the_report_with_its_reason(hostile_run):
    problems = {p["source"]: p for p in hostile_run.report["problems"]}
    for record in hostile_run.records:
        if record["status"] in ("translated", "english"):
            assert record["source"] not in problems
        else:
            assert record["reason"], record["source"]
            assert problems[record["source"]]["reason"] == record["reason"]


def test_legacy_encodings_and_boms_decode_without_mojibake(hostile_run):
    records = hostile_run.by_source
    cp1252 = records["enc/cp1252-italian.txt"]
    assert cp1252["encoding"] == "cp1252"
    assert cp1252["source_text"].split() == ITALIAN.split()
    latin1 = records["enc/latin1-spanish.txt"]
    assert latin1["encoding"] in ("cp1252", "latin-1")  # identical for these characters
    assert latin1["source_text"].split() == SPANISH.split()
    utf16 = records["enc/utf16-bom.txt"]
    assert utf16["encoding"] == "utf-16"
    assert utf16["source_text"].split() == ITALIAN_UTF16.split()
    bom = records["enc/utf8-bom.txt"]
    assert bom["encoding"] == "utf-8-sig" and not bom["source_text"].startswith("\ufeff")
    for record in hostile_run.records:
        assert "Ã" not in record["source_text"] and "\ufeff" not in record["source_text"]


def test_mixed_newlines_become_paragraphs(hostile_run):
    record = hostile_run.by_source["enc/mixed-newlines.txt"]
    assert "\r" not in record["source_text"]
    assert [s["kind"] for s in record["segments"]] == ["paragraph"] * 4
    assert record["segments"][-1]["text"] == "Published on Monday."


def test_stray_nuls_and_invalid_utf8_are_repaired_and_noted(hostile_run):
    nul = hostile_run.by_source["bin/nul-inside.txt"]
    assert nul["metadata"]["encoding_note"] == "3 NUL character(s) removed"
    assert "\x00" not in nul["source_text"] and "approved" in nul["source_text"]
    damaged = hostile_run.by_source["bin/invalid-utf8.txt"]
    assert damaged["encoding"] == "utf-8"
    assert damaged["metadata"]["encoding_note"].startswith("2 invalid UTF-8 byte(s)")
    assert "città" in damaged["source_text"] and "\ufffd" in damaged["source_text"]


def test_broken_markup_still_yields_the_article(hostile_run):
    record = hostile_run.by_source["bin/broken-markup.html"]
    assert record["title"] == "Budget approved"
    assert "The city council approved the new budget" in record["text"]
    assert "Residents can comment on the plan" in record["text"]


def test_the_50000_character_line_is_kept_whole_and_translated(hostile_run):
    record = hostile_run.by_source["size/long-line.txt"]
    line = long_line()
    assert len(line) == 50_000
    assert record["source_text"] == line  # nothing truncated
    sentences = [s for seg in record["segments"] for s in seg["sentences"]]
    assert "".join(s["src"] for s in sentences).replace(" ", "") == line.replace(" ", "")
    assert all(isinstance(s["en"], str) and s["en"] for s in sentences)


def test_deep_folders_and_odd_names_are_read_with_one_line_ids(hostile_run):
    records = hostile_run.by_source
    assert records[deep_relpath()]["status"] == "english"
    assert records["fs/line\nbreak.txt"]["id"] == "fs/line%0Abreak.txt"
    assert records["fs/name with spaces.txt"]["id"] == "fs/name%20with%20spaces.txt"
    assert records["fs/città – ñandú.txt"]["id"] == "fs/città%20–%20ñandú.txt"
    assert records["fs/caf\\xe9.txt"]["status"] == "english"  # a name that is not UTF-8
    assert all("\n" not in r["id"] for r in hostile_run.records)


def test_duplicates_are_flagged_and_kept(hostile_run):
    expected = {s: e.duplicate_of for s, e in hostile_run.expect.items() if e.duplicate_of}
    flagged = {
        r["source"]: r["metadata"]["duplicate_of"]
        for r in hostile_run.records
        if "duplicate_of" in r["metadata"]
    }
    assert flagged == expected
    copy = hostile_run.by_source["dup/b-copy.txt"]
    assert copy["text"] == hostile_run.by_source["dup/a-original.txt"]["text"]  # kept whole
    assert [d["source"] for d in hostile_run.report["duplicates"]] == sorted(expected)


def test_the_translator_chunks_the_long_line_into_many_inputs(tiny_store):
    """The 50,000-character line is one sentence for alignment, and many model inputs: every
    token goes to the model (none truncated), in order."""
    from normalise.argos.package import load_package
    from normalise.argos.translator import PackageTranslator

    translator = PackageTranslator(load_package(tiny_store / "translate-it_en-1_0"))
    line = long_line()
    tokens = translator.tokenizer.encode([line])[0]
    chunks = translator.pieces(tokens)
    assert len(chunks) > 10
    assert all(len(chunk) <= translator.max_input_tokens for chunk in chunks)
    assert sum(chunks, []) == tokens
    (translation,) = translator.translate([line])
    per_chunk = [translator.translate_tokens(chunk) for chunk in chunks]
    assert translation.text == " ".join(text for text in per_chunk if text)
    assert translation.text
