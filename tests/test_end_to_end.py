"""The whole CLI over the seed articles, as a user runs it."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

from conftest import SEEDS

from normalise.text.sentences import split


def run_cli(*args: str, env_extra: dict | None = None) -> subprocess.CompletedProcess:
    import os

    env = dict(os.environ, **(env_extra or {}))
    return subprocess.run(
        [sys.executable, "-m", "normalise", *args], capture_output=True, text=True, env=env
    )


def read_records(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_seeds_are_translated_aligned_and_cleaned(tmp_path, tiny_store):
    out = tmp_path / "corpus.jsonl"
    result = run_cli("run", str(SEEDS), "-o", str(out), "--models-dir", str(tiny_store))
    assert result.returncode == 0, result.stderr
    records = read_records(out)
    assert len(records) == 5
    assert [r["lang"] for r in records] == ["en", "en", "it", "es", "en"]
    by_lang = {r["lang"]: r for r in records if r["lang"] != "en"}
    for lang in ("it", "es"):
        record = by_lang[lang]
        assert record["status"] == "translated"
        assert record["translator"]["name"] == f"translate-{lang}_en-1_0"
        sentences = [s for seg in record["segments"] for s in seg["sentences"]]
        # one English string per source sentence, and the sources are the split of each segment
        assert all(isinstance(s["en"], str) for s in sentences)
        for seg in record["segments"]:
            assert [s["src"] for s in seg["sentences"]] == split(seg["text"], lang)
        # offsets point into the cleaned source text
        for s in sentences:
            assert record["source_text"][s["start"] : s["end"]] == s["src"]


def test_english_seeds_unchanged_apart_from_cleaning(tmp_path, tiny_store):
    out = tmp_path / "corpus.jsonl"
    run_cli("run", str(SEEDS), "-o", str(out), "--models-dir", str(tiny_store))
    for record in read_records(out):
        if record["lang"] != "en":
            continue
        assert record["status"] == "english"
        original = (SEEDS / record["source"]).read_text(encoding="utf-8")
        kept = " ".join(record["text"].split())
        removed = [r["text"] for r in record["removed"]]
        rebuilt = " ".join(" ".join([record["text"], *removed]).split())
        assert sorted(rebuilt.split()) == sorted(" ".join(original.split()).split())
        for seg in record["segments"]:
            for s in seg["sentences"]:
                assert s["en"] == s["src"]
        assert kept in " ".join(original.split()) or record["removed"]


def test_seed_004_boilerplate_removed_and_recorded(tmp_path, tiny_store):
    out = tmp_path / "corpus.jsonl"
    run_cli("run", str(SEEDS), "-o", str(out), "--models-dir", str(tiny_store))
    record = next(r for r in read_records(out) if r["source"].startswith("004_"))
    removed = {r["text"]: r["reason"] for r in record["removed"]}
    assert removed == {
        "For details, check the original article at The Verge.": "source_credit",
        "This website uses cookies.": "cookie_notice",
    }
    assert "The Verge" not in record["text"]
    assert "cookies" not in record["text"]
    assert record["text"].endswith("at an accelerated pace.")


def test_italian_line_wraps_rejoined(tmp_path, tiny_store):
    out = tmp_path / "corpus.jsonl"
    run_cli("run", str(SEEDS), "-o", str(out), "--models-dir", str(tiny_store))
    record = next(r for r in read_records(out) if r["lang"] == "it")
    lines = record["source_text"].splitlines()
    for fragment in ("e", "NVIDIA", "OpenAI", "Microsoft", "Oracle", "intelligenza artificiale"):
        assert fragment not in [line.strip() for line in lines]
    first = record["segments"][0]
    assert first["kind"] == "paragraph"
    assert first["text"].startswith(
        "OpenAI e NVIDIA hanno stretto un accordo che promette di ridefinire il panorama "
        "dell'intelligenza artificiale su scala globale."
    )
    assert "come Microsoft e Oracle. Questa mossa" in record["source_text"]
    assert len(record["segments"]) == 5


def test_structure_kept_for_spanish_and_english(tmp_path, tiny_store):
    out = tmp_path / "corpus.jsonl"
    run_cli("run", str(SEEDS), "-o", str(out), "--models-dir", str(tiny_store))
    records = {r["source"][:3]: r for r in read_records(out)}
    es = records["003"]
    kinds = [(s["kind"], s["text"]) for s in es["segments"]]
    assert ("heading", "Puntos clave") in kinds
    assert sum(kind == "list_item" for kind, _ in kinds) == 6
    assert es["title"].startswith("Nvidia y OpenAI Forjan")
    en = records["001"]
    assert ("heading", "Looking Ahead") in [(s["kind"], s["text"]) for s in en["segments"]]


def test_rerun_is_byte_identical(tmp_path, tiny_store):
    first, second = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    for out in (first, second):
        result = run_cli("run", str(SEEDS), "-o", str(out), "--models-dir", str(tiny_store))
        assert result.returncode == 0, result.stderr
    assert first.read_bytes() == second.read_bytes()


def test_without_models_documents_are_untranslated_with_exit_3(tmp_path):
    """The Quickstart before `models pull`: the default store does not exist yet."""
    out = tmp_path / "corpus.jsonl"
    result = run_cli("run", str(SEEDS), "-o", str(out))
    assert result.returncode == 3
    records = read_records(out)
    assert len(records) == 5
    untranslated = [r for r in records if r["status"] == "untranslated"]
    assert {r["lang"] for r in untranslated} == {"it", "es"}
    for record in untranslated:
        assert f"normalise models pull {record['lang']}" in record["reason"]
        assert record["source_text"]  # cleaned text kept: nothing lost
    assert "normalise models pull es it" in result.stderr
    report = json.loads((tmp_path / "corpus.report.json").read_text())
    assert report["missing_models"] == ["es", "it"]


def test_other_files_are_reported_as_skipped(tmp_path, tiny_store):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text("This is an English sentence about the weather today.")
    (folder / "image.png").write_bytes(b"\x89PNG\r\n")
    out = tmp_path / "out"
    result = run_cli("run", str(folder), "-o", str(out) + "/", "--models-dir", str(tiny_store))
    assert result.returncode == 3
    assert re.search(r"image\.png: unsupported file type \.png", result.stderr)
    report = json.loads((out / "corpus.report.json").read_text())
    assert report["skipped"] == [{"source": "image.png", "reason": "unsupported file type .png"}]
    assert len(read_records(out / "corpus.jsonl")) == 1


def test_run_makes_no_network_attempt(tmp_path, tiny_store, socket_attempts):
    """The whole CLI, in-process, with every socket creation recorded: there must be none."""
    from click.testing import CliRunner

    from normalise.cli.app import cli

    attempts = socket_attempts
    out = tmp_path / "corpus.jsonl"
    result = CliRunner().invoke(
        cli, ["run", str(SEEDS), "-o", str(out), "--models-dir", str(tiny_store)]
    )
    assert result.exit_code == 0, result.output
    assert len(read_records(out)) == 5
    assert attempts == []


def test_a_failing_model_fails_its_documents_not_the_run(tmp_path, tiny_store, monkeypatch):
    """Any exception from the engine turns that language's documents into `error` records;
    the other documents are written as usual."""
    from click.testing import CliRunner

    from normalise.argos.translator import PackageTranslator
    from normalise.cli.app import cli

    def broken(self, sentences):
        raise KeyError("corrupt vocabulary entry")

    monkeypatch.setattr(PackageTranslator, "translate", broken)
    out = tmp_path / "corpus.jsonl"
    result = CliRunner().invoke(
        cli, ["run", str(SEEDS), "-o", str(out), "--models-dir", str(tiny_store), "--workers", "1"]
    )
    assert result.exit_code == 3, result.output
    records = {r["lang"]: r for r in read_records(out)}
    assert len(read_records(out)) == 5
    for lang in ("it", "es"):
        assert records[lang]["status"] == "error"
        assert "KeyError" in records[lang]["reason"]
    assert records["en"]["status"] == "english"
