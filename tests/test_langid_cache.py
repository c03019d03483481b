"""The compiled language tables: the cache gives exactly what building them gives."""

from __future__ import annotations

import numpy as np
import pytest

from normalise.langid import cache, ngrams, words


@pytest.fixture
def fresh_tables(monkeypatch, tmp_path):
    """Tables loaded anew, with the cache in ``tmp_path``."""
    monkeypatch.setenv(cache.CACHE_ENV, str(tmp_path))
    ngrams.profiles.cache_clear()
    words.tables.cache_clear()
    yield tmp_path
    ngrams.profiles.cache_clear()
    words.tables.cache_clear()


def _reload():
    ngrams.profiles.cache_clear()
    words.tables.cache_clear()
    return ngrams.profiles(), words.tables()


def test_the_cache_gives_the_tables_it_was_built_from(fresh_tables):
    built_profiles, built_words = _reload()  # built, and written to the cache
    assert {path.name.split("-")[0] for path in fresh_tables.iterdir()} == {"langdetect", "words"}
    cached_profiles, cached_words = _reload()  # read back
    assert not cached_profiles.matrix.flags.owndata  # mapped from the file, not read into memory
    assert cached_profiles.languages == built_profiles.languages
    assert cached_profiles.rows == built_profiles.rows
    assert np.array_equal(cached_profiles.matrix, built_profiles.matrix)
    assert cached_words.languages == built_words.languages
    assert np.array_equal(cached_words.zipf, built_words.zipf)
    assert np.array_equal(cached_words.missing, built_words.missing)
    text = "Il governo ha approvato la legge ieri sera, didn't it? ¡Venga!"
    assert ngrams.probabilities(text, 0, 3000) == ngrams.probabilities(text, 0, 3000)


def test_word_lookup_finds_listed_words_and_only_them(fresh_tables):
    table = words.tables()
    assert "the" in table.rows and "governo" in table.rows
    assert "zzqxjw" not in table.rows and "" not in table.rows
    longer_than_any = "a" * (table.rows.width + 1)
    assert table.rows.find(["the", longer_than_any, "zzqxjw", "governo"]) == [
        table.rows.find(["the"])[0],
        table.rows.find(["governo"])[0],
    ]
    assert words.vote("the government said that it was ready").lang == "en"


def test_an_unwritable_cache_only_costs_time(fresh_tables, monkeypatch):
    blocker = fresh_tables / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv(cache.CACHE_ENV, str(blocker))
    profiles, tables = _reload()
    assert profiles.matrix.flags.owndata  # built in memory
    assert words.vote("il governo ha detto che era pronto").lang == "it"
    assert ngrams.probabilities("Il governo ha approvato la legge.", 0, 3000)[0][0] == "it"


def test_a_damaged_entry_is_rebuilt(fresh_tables):
    _reload()
    for index in fresh_tables.glob("langdetect-*/index.json"):
        index.write_text("{not json")
    profiles, _ = _reload()
    assert ngrams.probabilities("The government approved the law.", 0, 3000)[0][0] == "en"
    assert len(profiles.languages) == 55
    _reload()  # the entry was written again
    assert not ngrams.profiles().matrix.flags.owndata
