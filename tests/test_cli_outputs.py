"""`normalise run --format`, `normalise export`, the stdin/stdout filter and the Python API,
end to end over the seed articles and the tiny genuine models."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import SEEDS

import normalise
from normalise.cli.app import cli
from normalise.outputs.base import unescape_field

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
ALL_FORMATS = ["jsonl", "tmx", "moses", "tsv", "text", "parquet"]


def invoke(*args: str, input: str | None = None):
    return CliRunner().invoke(cli, list(args), input=input, catch_exceptions=False)


def records_of(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def aligned(records: list[dict], lang: str | None = None) -> list[tuple[str, str, str]]:
    """(src_lang, src, en) for every translated sentence of the corpus, in order."""
    return [
        (seg["lang"] or r["lang"], s["src"], s["en"])
        for r in records
        if r["status"] == "translated"
        for seg in r["segments"]
        for s in seg["sentences"]
        if s["en"] is not None and (seg["lang"] or r["lang"]) != "en"
        if lang is None or (seg["lang"] or r["lang"]) == lang
    ]


@pytest.fixture(scope="module")
def seeds_run(tmp_path_factory, tiny_store) -> Path:
    out = tmp_path_factory.mktemp("run") / "out"
    formats = [arg for f in ALL_FORMATS for arg in ("-f", f)]
    result = invoke("run", str(SEEDS), "-o", str(out), *formats, "--models-dir", str(tiny_store))
    assert result.exit_code == 0, result.output
    return out


def test_run_writes_every_format_and_one_report(seeds_run):
    assert sorted(p.name for p in seeds_run.iterdir()) == [
        "corpus.jsonl",
        "corpus.parquet",
        "corpus.parts",  # the run's shards, for resuming (docs/scaling.md)
        "corpus.report.json",
        "corpus.tmx",
        "corpus.tsv",
        "moses",
        "text",
    ]
    report = json.loads((seeds_run / "corpus.report.json").read_text())
    assert [e["format"] for e in report["exports"]] == ALL_FORMATS
    assert set(report["stage_seconds"]) == {
        "prepass_read", "prepass_extract", "prepass_count",  # the repetition pre-pass
        "read", "extract", "clean", "detect", "sentences", "translate", "other"
    }  # fmt: skip
    assert report["sentences"]["translated"] > 0


def test_tmx_parses_and_round_trips_the_jsonl_pairs(seeds_run):
    records = records_of(seeds_run / "corpus.jsonl")
    root = ET.parse(seeds_run / "corpus.tmx").getroot()
    units = [
        (tu.get("srclang"), *[tuv.findtext("seg") for tuv in tu.findall("tuv")])
        for tu in root.iter("tu")
    ]
    assert units == aligned(records)
    assert {lang for lang, _, _ in units} == {"it", "es"}
    for tu in root.iter("tu"):
        assert [tuv.get(XML_LANG) for tuv in tu.findall("tuv")] == [tu.get("srclang"), "en"]


def test_moses_files_have_equal_line_counts_and_match_the_jsonl(seeds_run):
    records = records_of(seeds_run / "corpus.jsonl")
    by_id = {r["id"]: r for r in records}
    for lang in ("it", "es"):
        stem = seeds_run / "moses" / f"corpus.{lang}-en"
        src = Path(f"{stem}.{lang}").read_text(encoding="utf-8").splitlines()
        en = Path(f"{stem}.en").read_text(encoding="utf-8").splitlines()
        ids = Path(f"{stem}.ids").read_text(encoding="utf-8").splitlines()
        assert len(src) == len(en) == len(ids) > 0
        assert list(zip(src, en, strict=True)) == [(s, e) for _, s, e in aligned(records, lang)]
        for line, source_line in zip(ids, src, strict=True):
            doc_id, index = line.split("\t")
            sentences = [s for seg in by_id[doc_id]["segments"] for s in seg["sentences"]]
            assert sentences[int(index)]["src"] == source_line


def test_tsv_and_text_match_the_jsonl(seeds_run):
    records = records_of(seeds_run / "corpus.jsonl")
    rows = [
        [unescape_field(f) for f in line.split("\t")]
        for line in (seeds_run / "corpus.tsv").read_text(encoding="utf-8").splitlines()
    ]
    total = sum(len(seg["sentences"]) for r in records for seg in r["segments"])
    assert len(rows) == total  # English originals are rows too
    assert [(r[2], r[3], r[4]) for r in rows if r[2] != "en"] == aligned(records)
    for record in records:
        assert (seeds_run / "text" / record["source"]).read_text() == record["text"] + "\n"


def test_export_gives_the_same_files_as_run(seeds_run, tmp_path):
    corpus = seeds_run / "corpus.jsonl"
    result = invoke("export", str(corpus), "-f", "tmx", "-f", "moses", "-o", str(tmp_path))
    assert result.exit_code == 0, result.output
    assert (tmp_path / "corpus.tmx").read_bytes() == (seeds_run / "corpus.tmx").read_bytes()
    for path in (seeds_run / "moses").iterdir():
        assert (tmp_path / "moses" / path.name).read_bytes() == path.read_bytes()
    assert "left out: 3 document(s): English original (add --include-english)" in result.output


def test_export_include_english_and_language_filter(seeds_run, tmp_path):
    corpus = str(seeds_run / "corpus.jsonl")
    invoke("export", corpus, "-f", "moses", "-o", str(tmp_path / "all"), "--include-english")
    assert (tmp_path / "all" / "corpus.en-en.src").read_text() == (
        tmp_path / "all" / "corpus.en-en.en"
    ).read_text()
    invoke("export", corpus, "-f", "moses", "-o", str(tmp_path / "it"), "--lang", "it")
    assert sorted(p.name for p in (tmp_path / "it").iterdir()) == [
        "corpus.it-en.en",
        "corpus.it-en.ids",
        "corpus.it-en.it",
    ]


def test_export_skips_bad_lines_with_their_number_and_exits_3(seeds_run, tmp_path):
    lines = (seeds_run / "corpus.jsonl").read_text(encoding="utf-8").splitlines()
    broken = tmp_path / "broken.jsonl"
    broken.write_text("\n".join([lines[2], "{oops", lines[3]]) + "\n", encoding="utf-8")
    result = invoke("export", str(broken), "-f", "tsv", "-o", str(tmp_path / "c.tsv"))
    assert result.exit_code == 3
    assert f"skipped {broken}:2: invalid JSON" in result.output
    assert (tmp_path / "c.tsv").read_text().count("\n") > 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-f", "moses", "-o", "-"], "standard output"),
        (["-o", "x.tmx"], "choose an output format"),
    ],
)
def test_export_usage_errors_exit_2(seeds_run, args, message):
    result = invoke("export", str(seeds_run / "corpus.jsonl"), *args)
    assert result.exit_code == 2 and message in result.output


HTML_PAGE = """<html><head><title>Budget</title></head><body><article>
<h1>Council approves the budget</h1>
<p>The city council approved the new budget on Tuesday evening after a long debate.</p>
<p>The plan increases spending on schools and public transport over the next three years.</p>
</article></body></html>"""
INPUT_RECORDS = [
    {"id": "it-1", "text": (SEEDS / "002_87fb64a53af5b8d3.txt").read_text(), "source": "feed"},
    {"id": "es-1", "text": (SEEDS / "003_1ac1e4e7438d54ef.txt").read_text(), "lang": "es"},
    {"id": "en-1", "text": HTML_PAGE, "format": "html", "metadata": {"url": "https://example.org/a"}},
]  # fmt: skip


def test_stdin_to_stdout_filter_in_a_shell_pipeline(tiny_store, tmp_path):
    lines = [json.dumps(r) for r in INPUT_RECORDS]
    lines.insert(1, '{"id": "broken", "text": ')
    env = dict(os.environ, NORMALISE_MODELS_DIR=str(tiny_store))
    normalise_cmd = f"{sys.executable} -m normalise"
    result = subprocess.run(
        f"cat | {normalise_cmd} run - -o - | {normalise_cmd} export - -f tsv -o -",
        shell=True,
        input="\n".join(lines) + "\n",
        capture_output=True,
        text=True,
        env=env,
    )
    assert result.returncode == 0, result.stderr  # the exit status of the last command
    rows = [line.split("\t") for line in result.stdout.splitlines()]
    assert {row[0] for row in rows} == {"it-1", "es-1", "en-1"}
    assert "stdin:2: error: line 2: invalid JSON" in result.stderr

    direct = subprocess.run(
        [sys.executable, "-m", "normalise", "run", "-", "-o", "-"],
        input="\n".join(lines) + "\n",
        capture_output=True,
        text=True,
        env=env,
    )
    assert direct.returncode == 3  # one record is an error
    records = [json.loads(line) for line in direct.stdout.splitlines()]  # stdout: only records
    assert [(r["id"], r["status"]) for r in records] == [
        ("it-1", "translated"),
        ("stdin:2", "error"),
        ("es-1", "translated"),
        ("en-1", "english"),
    ]
    assert records[0]["metadata"]["source"] == "feed"  # unknown field passed through
    assert records[3]["metadata"]["url"] == "https://example.org/a"
    assert "\r" not in direct.stderr  # no progress bar when stderr is not a terminal
    assert not list(Path.cwd().glob("*.report.json"))


def _with_footer_and_copy(records: list[dict]) -> list[dict]:
    """Six more records sharing a footer line (repeated-line boilerplate), one of them a copy."""
    footer = "Giovanni Rossi has written about the harbour district for this paper since 1998."
    extra = [
        {"id": f"n{i}", "text": f"Story {i}: the mayor opened bridge number {i} today.\n\n{footer}"}
        for i in range(5)
    ]
    return [*records, *extra, {**extra[0], "id": "n0-copy"}]


def test_api_and_cli_give_identical_records(tiny_store, tmp_path):
    inputs = _with_footer_and_copy(INPUT_RECORDS)
    source = tmp_path / "records.jsonl"
    source.write_text("".join(json.dumps(r) + "\n" for r in inputs), encoding="utf-8")
    out = tmp_path / "cli.jsonl"
    result = invoke("run", str(source), "-o", str(out), "--models-dir", str(tiny_store))
    assert result.exit_code in (0, 3), result.output
    from_cli = records_of(out)
    from_api = [d.to_json() for d in normalise.normalise(inputs, models_dir=tiny_store)]
    assert from_api == from_cli
    assert [r["status"] for r in from_api[:3]] == ["translated", "translated", "english"]
    # the corpus-level checks ran on both paths: the shared footer is gone, the copy flagged
    assert all("Giovanni Rossi" not in r["text"] for r in from_api[3:])
    assert from_api[-1]["metadata"]["duplicate_of"] == "n0"


def test_api_reuses_one_pipeline_and_accepts_plain_strings(tiny_store):
    pipeline = normalise.Pipeline(normalise.Settings(models_dir=tiny_store))
    text = INPUT_RECORDS[0]["text"]
    first = list(normalise.normalise([text], pipeline=pipeline))
    second = list(normalise.normalise(text, pipeline=pipeline))  # one string is one input
    assert [d.id for d in first + second] == ["text-0", "text-0"]
    assert first[0].to_json() == second[0].to_json()
    assert pipeline.translate.stats.counters["cache_hits"] > 0  # models and cache kept across calls
    with pytest.raises(TypeError, match="unknown option"):
        normalise.normalise([text], beam=2)
    with pytest.raises(TypeError, match="expected a string, a dict or an InputRecord"):
        list(normalise.normalise([3], pipeline=pipeline))


def test_every_input_file_is_in_the_report(tmp_path, tiny_store):
    folder = tmp_path / "in"
    (folder / "sub").mkdir(parents=True)
    (folder / "a.txt").write_text("This is an English sentence about the weather today.")
    (folder / "sub" / "b.html").write_text(
        "<p>Il consiglio ha approvato il bilancio ieri sera.</p>"
    )
    (folder / "empty.txt").write_text("")
    (folder / "bin.txt").write_bytes(bytes(range(256)) * 4)
    (folder / "image.png").write_bytes(b"\x89PNG\r\n")
    (folder / "notes").write_text("no extension")
    out = tmp_path / "out" / "c.tmx"
    result = invoke(
        "run", str(folder), "-o", str(out), "-f", "tmx", "--models-dir", str(tiny_store)
    )
    assert result.exit_code == 3
    report = json.loads((tmp_path / "out" / "c.report.json").read_text())
    listed = {entry["source"]: entry for entry in report["inputs"]}
    on_disk = {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}
    assert set(listed) == on_disk
    for entry in listed.values():
        assert entry["status"] in ("translated", "english") or entry["reason"]
    assert listed["image.png"]["status"] == "skipped"
    assert listed["empty.txt"]["status"] == "empty"
    assert listed["bin.txt"]["status"] == "error"


def test_report_option_and_no_report_for_stdout(tmp_path, tiny_store):
    record = json.dumps({"id": "x", "text": "The weather is lovely in the city today, they say."})
    report = tmp_path / "r.json"
    result = invoke(
        "run", "-", "-o", "-", "--report", str(report), "--models-dir", str(tiny_store),
        input=record + "\n",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert json.loads(report.read_text())["inputs"] == [
        {"source": "x", "id": "x", "status": "english"}
    ]
