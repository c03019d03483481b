"""Property: whatever bytes or text come in, the run finishes and accounts for each input once.

In-process and without models (documents in it/es become ``untranslated``), with few
examples, so that this stays a few seconds; hypothesis shrinks any failure to a small input.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from normalise.cli.app import cli
from normalise.inputs.files import InputRecord
from normalise.settings import Settings
from normalise.stages.pipeline import Pipeline

KNOWN_STATUSES = {
    "translated",
    "english",
    "untranslated",
    "unsupported_language",
    "empty",
    "too_large",
    "error",
}
EXTENSIONS = [".txt", ".md", ".html", ".htm", ".bin"]

any_text = st.text(st.characters(codec=None, exclude_categories=()), max_size=400)
file_content = st.one_of(
    st.binary(max_size=2000),
    any_text.map(lambda t: t.encode("utf-8", "surrogatepass")),
    any_text.map(lambda t: t.encode("utf-16", "surrogatepass")),
    st.text(max_size=300).map(lambda t: f"<html><body><p>{t}</p>".encode()),
)


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(files=st.lists(st.tuples(file_content, st.sampled_from(EXTENSIONS)), max_size=5))
def test_any_files_every_one_in_the_output_or_the_report_once(files):
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "in"
        root.mkdir()
        names = []
        for index, (data, extension) in enumerate(files):
            name = f"f{index}{extension}"
            (root / name).write_bytes(data)
            names.append(name)
        out = Path(tmp) / "out" / "corpus.jsonl"
        store = Path(tmp) / "no-models"  # an empty store: it/es documents are untranslated
        store.mkdir()
        result = CliRunner().invoke(
            cli, ["run", str(root), "-o", str(out), "--models-dir", str(store)]
        )
        if all(name.endswith(".bin") for name in names):  # nothing to read: a usage error
            assert result.exit_code == 2 and "no input files in" in result.output
            return
        assert result.exit_code in (0, 3), result.output
        lines = out.read_text(encoding="utf-8").splitlines()
        records = [json.loads(line) for line in lines]
        report = json.loads((out.parent / "corpus.report.json").read_text(encoding="utf-8"))
        accounted = [r["source"] for r in records] + [s["source"] for s in report["skipped"]]
        assert sorted(accounted) == sorted(names)
        for record in records:
            assert record["status"] in KNOWN_STATUSES
            if record["status"] not in ("translated", "english"):
                assert record["reason"]


@settings(max_examples=15, deadline=None)
@given(texts=st.lists(any_text, max_size=6), html=st.booleans())
def test_any_unicode_records_yield_one_writable_record_each(texts, html):
    """JSONL/API input may hold any code point, lone surrogates included."""
    items = [
        InputRecord(id=f"r{index}\ud800", text=text, format="html" if html else "text")
        for index, text in enumerate(texts)
    ]
    pipeline = Pipeline(Settings(models_dir=Path(tempfile.gettempdir()) / "no-models-here"))
    docs = list(pipeline.process_items(items))
    assert len(docs) == len(items)
    for doc in docs:
        assert doc.status in KNOWN_STATUSES
        json.loads(doc.dumps().encode("utf-8"))  # valid UTF-8 JSON, whatever came in
