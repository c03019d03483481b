"""Languages are data: an installed x→en package makes x a translated language, and pattern
files are found by name."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from normalise import normalise
from normalise.argos.store import ModelStore
from normalise.record import Status
from normalise.stages.clean import rules
from normalise.testing.argos_builder import build_package

FRENCH = (
    "Le gouvernement a présenté mardi un projet de loi sur la réforme des retraites. "
    "Les syndicats ont appelé à une grève nationale la semaine prochaine.\n\n"
    "Selon le ministre, la réforme doit permettre d'équilibrer les comptes d'ici à 2030. "
    "L'opposition dénonce un texte injuste et promet de le combattre au Parlement."
)


@pytest.fixture(scope="module")
def french_store(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("fr")
    package = build_package(folder / "built", "fr", seed=7, training_text=FRENCH.split(". "))
    root = folder / "store"
    ModelStore(root).install(package)
    return root


def test_without_a_package_french_stays_unsupported(tmp_path):
    (doc,) = normalise([FRENCH], models_dir=tmp_path / "empty-store")
    assert doc.lang == "fr"
    assert doc.status == Status.UNSUPPORTED_LANGUAGE
    assert "'fr'" in doc.reason


def test_a_fr_en_package_makes_french_translated_and_aligned(french_store):
    (doc,) = normalise([FRENCH], models_dir=french_store)
    assert doc.lang == "fr"
    assert doc.status == Status.TRANSLATED
    assert doc.translator["name"] == "translate-fr_en-1_0"
    sentences = [s for segment in doc.segments for s in segment.sentences]
    assert len(sentences) == 4  # the four French sentences, each with its own English
    for sentence in sentences:
        assert sentence.src == doc.source_text[sentence.start : sentence.end]
        assert sentence.en  # a translation, from the package, for every source sentence
    record = json.loads(doc.dumps())
    assert [s["src"] for seg in record["segments"] for s in seg["sentences"]] == [
        s.src for s in sentences
    ]


def test_a_pullable_language_without_its_model_is_untranslated_with_the_fix(tmp_path):
    (doc,) = normalise(
        ["Il governo ha approvato ieri la nuova legge sul lavoro dopo un lungo dibattito."],
        models_dir=tmp_path / "empty-store",
    )
    assert doc.status == Status.UNTRANSLATED
    assert "normalise models pull it" in doc.reason


def test_pattern_files_are_found_by_name(tmp_path, monkeypatch):
    names = rules.builtin_pattern_files()
    assert names[:2] == ["common.toml", "en.toml"]
    assert {"it.toml", "es.toml"} <= set(names)
    # a new language's file counts by being there: point the loader at a copy with pt.toml
    source = Path(rules.__file__).parent / "patterns"
    copy = tmp_path / "patterns"
    copy.mkdir()
    for path in source.glob("*.toml"):
        (copy / path.name).write_text(path.read_text("utf-8"), "utf-8")
    (copy / "pt.toml").write_text(
        '[[rule]]\nname = "pt_leia_tambem"\nreason = "related_links"\n'
        'pattern = "^leia tamb[ée]m:?$"\n',
        "utf-8",
    )

    class Files:
        def __truediv__(self, name):
            assert name == "patterns"
            return copy

    monkeypatch.setattr(rules.resources, "files", lambda package: Files())
    rules.builtin_rules.cache_clear()
    try:
        assert "pt.toml" in rules.builtin_pattern_files()
        assert "pt_leia_tambem" in {rule.name for rule in rules.builtin_rules()}
    finally:
        rules.builtin_rules.cache_clear()
