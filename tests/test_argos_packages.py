"""Argos packages: built for real, read natively, installed safely, translated in batches."""

import json
import zipfile

import pytest

from normalise.argos.catalog import Catalog
from normalise.argos.package import PackageError, load_package
from normalise.argos.store import ModelStore
from normalise.argos.translator import PackageTranslator
from normalise.testing.archives import write_symlink_zip, write_zip, write_zip_bomb


def test_built_package_has_argos_layout(tiny_packages):
    names = zipfile.ZipFile(tiny_packages["it"]).namelist()
    top = "translate-it_en-1_0/"
    assert {top + "metadata.json", top + "sentencepiece.model", top + "model/model.bin"} <= set(
        names
    )


def test_store_install_and_catalog(tiny_store):
    catalog = Catalog(tiny_store)
    package = catalog.find("it", "en")
    assert package is not None and package.version == "1.0" and package.origin == "store"
    assert catalog.find("fr", "en") is None


def test_catalog_finds_argospm_packages_and_prefers_higher_version(
    tmp_path, tiny_packages, monkeypatch
):
    from normalise.testing.argos_builder import build_package

    argos_dir = tmp_path / "argos"
    ModelStore(argos_dir).install(
        build_package(tmp_path / "b", "it", version="1.1", package_name="translate-it_en-1_1")
    )
    monkeypatch.setenv("ARGOS_PACKAGES_DIR", str(argos_dir))
    store = tmp_path / "store"
    ModelStore(store).install(tiny_packages["it"])
    chosen = Catalog(store).find("it", "en")
    assert (chosen.origin, chosen.version) == ("argospm", "1.1")


META = json.dumps({"from_code": "it", "to_code": "en", "package_version": "1.0"})


@pytest.mark.parametrize(
    "entries, message",
    [
        ({"pkg/metadata.json": META, "../evil": "x"}, "escapes"),
        ({"pkg/metadata.json": META, "/etc/evil": "x"}, "absolute path"),
        ({"a/metadata.json": META, "b/metadata.json": META}, "one top-level folder"),
        ({"pkg/model/model.bin": "x"}, "no pkg/metadata.json"),
        ({"pkg/metadata.json": "{not json"}, "invalid metadata.json"),
        ({"pkg/metadata.json": json.dumps({"to_code": "en"})}, "from_code"),
    ],
)
def test_bad_archives_are_refused_and_store_unchanged(tmp_path, tiny_store, entries, message):
    archive = write_zip(tmp_path / "bad.argosmodel", entries)
    before = sorted(p.relative_to(tiny_store) for p in tiny_store.rglob("*"))
    with pytest.raises(PackageError, match=message):
        ModelStore(tiny_store).install(archive)
    assert sorted(p.relative_to(tiny_store) for p in tiny_store.rglob("*")) == before


def test_symlink_entry_refused(tmp_path):
    archive = write_symlink_zip(tmp_path / "link.argosmodel", META, "pkg/link", "/etc/passwd")
    with pytest.raises(PackageError, match="symbolic link"):
        ModelStore(tmp_path / "store").install(archive)
    assert not (tmp_path / "store" / "pkg").exists()


def test_truncated_zip_refused(tmp_path, tiny_packages):
    data = tiny_packages["it"].read_bytes()
    broken = tmp_path / "broken.argosmodel"
    broken.write_bytes(data[: len(data) // 2])
    with pytest.raises(PackageError, match="not a valid zip"):
        ModelStore(tmp_path / "store").install(broken)


def test_installed_twice_needs_replace(tmp_path, tiny_packages):
    store = ModelStore(tmp_path / "store")
    store.install(tiny_packages["es"])
    with pytest.raises(PackageError, match="already installed"):
        store.install(tiny_packages["es"])
    assert store.install(tiny_packages["es"], replace=True).name == "translate-es_en-1_0"
    assert [p.name for p in store.packages()] == ["translate-es_en-1_0"]


def test_zip_bomb_member_refused(tmp_path):
    archive = write_zip_bomb(tmp_path / "bomb.argosmodel", META)
    with pytest.raises(PackageError, match="zip bomb"):
        ModelStore(tmp_path / "store").install(archive)
    assert not (tmp_path / "store").exists() or not any((tmp_path / "store").iterdir())


def test_length_clock_stops_the_decoder_whatever_the_limit(tmp_path):
    """Benchmarks rely on generated models that stop by themselves (see bench/translate.py)."""
    from dataclasses import replace

    from normalise.testing.argos_builder import TINY, build_package, extract_package

    archive = build_package(tmp_path, "it", shape=replace(TINY, eos_after=12))
    translator = PackageTranslator(load_package(extract_package(archive, tmp_path / "x")))
    sentences = [
        "Il governo ha approvato la nuova legge sul lavoro.",
        "Ciao.",
        "La partita è finita con una vittoria della squadra di casa dopo novanta minuti.",
    ]
    tokens = translator.tokenizer.encode(sentences)
    lengths = {
        limit: [
            len(r.hypotheses[0])
            for r in translator.model.translate_batch(
                tokens, beam_size=4, max_decoding_length=limit
            )
        ]
        for limit in (60, 200)
    }
    assert lengths[60] == lengths[200]
    assert all(8 <= n <= 20 for n in lengths[60]), lengths
