"""normalise.langid.ngrams gives langdetect's own numbers, bit for bit.

The detector is re-implemented for speed (numpy over the 55 profiles); these tests hold it to
langdetect 1.0.9 itself, run side by side on the same texts with the same seeds.
"""

from __future__ import annotations

import os
from pathlib import Path
from unittest import mock

import pytest
from conftest import SEEDS
from langdetect.detector_factory import PROFILES_DIRECTORY, DetectorFactory
from langdetect.lang_detect_exception import LangDetectException

from normalise.langid.ngrams import extract_ngrams, probabilities, profiles

SAMPLE = Path(__file__).parent / "data" / "ntrex_sample"
MAX_CHARS = 3000


def langdetect_says(factory: DetectorFactory, text: str, seed: int) -> list[tuple[str, float]]:
    factory.set_seed(seed)
    detector = factory.create()
    detector.set_max_text_length(MAX_CHARS)
    detector.append(text)
    try:
        return [(p.lang, p.prob) for p in detector.get_probabilities()]
    except LangDetectException:
        return []


def texts() -> list[str]:
    lines = [
        line
        for path in sorted(SAMPLE.glob("*.txt"))
        for line in path.read_text("utf-8").splitlines()
        if line.strip()
    ]
    articles = [path.read_text("utf-8") for path in sorted(SEEDS.glob("*.txt"))]
    odd = [
        "", "1234 5678", "¡Venga!", "HELLO WORLD, SAID THE BBC", "Ţară şi ţară, și țară",
        "日本語のテキストです", "Привет, мир", "see https://example.org/a?b=1 or a@b.com now",
        "Việt Nam", "x" * 5000,
    ]  # fmt: skip
    return lines + articles + odd


def sorted_factory() -> DetectorFactory:
    """langdetect's factory with its profiles listed in sorted order, as ngrams.py lists
    them (langdetect itself takes the file system's order)."""
    listdir = os.listdir
    factory = DetectorFactory()
    with mock.patch("os.listdir", lambda path: sorted(listdir(path))):
        factory.load_profile(PROFILES_DIRECTORY)
    return factory


@pytest.fixture(scope="module")
def factory_map():
    return sorted_factory()


def test_the_profile_order_does_not_depend_on_the_file_system():
    listdir = os.listdir
    profiles.cache_clear()
    try:
        with mock.patch("os.listdir", lambda path: sorted(listdir(path), reverse=True)):
            reversed_order = profiles()
    finally:
        profiles.cache_clear()
    table = profiles()
    assert reversed_order.languages == table.languages == tuple(sorted(table.languages))
    assert (reversed_order.matrix == table.matrix).all()
    assert probabilities("Il governo ha approvato la legge.", 0, MAX_CHARS)[0][0] == "it"


def test_the_profile_matrix_holds_langdetects_probabilities(factory_map):
    table = profiles()
    assert list(table.languages) == factory_map.langlist and len(table.languages) == 55
    assert table.rows.keys() == factory_map.word_lang_prob_map.keys()
    for gram in ("e", "de", "the", "ción", "ão", "ţ"):
        if gram in table.rows:
            expected = factory_map.word_lang_prob_map[gram]
            assert table.matrix[table.rows[gram]].tolist() == expected


def test_ngrams_are_langdetects(factory_map):
    from langdetect.detector import Detector

    for text in texts():
        detector = Detector(factory_map)
        detector.set_max_text_length(MAX_CHARS)
        detector.append(text)
        detector.cleaning_text()
        assert extract_ngrams(detector.text, profiles().rows) == detector._extract_ngrams()


@pytest.mark.parametrize("seed", [0, 7])
def test_probabilities_are_langdetects_bit_for_bit(factory_map, seed):
    samples = texts()
    assert len(samples) > 60
    for text in samples:
        expected = langdetect_says(factory_map, text, seed)
        assert probabilities(text, seed, MAX_CHARS) == expected, text[:60]
