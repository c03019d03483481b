"""Per-sentence quality flags."""

import pytest

from normalise.argos.quality import quality_flags


@pytest.mark.parametrize(
    "source, translation, expected",
    [
        ("Il governo ha approvato la legge.", "The government approved the law.", []),
        ("Il governo ha approvato la legge.", "  ", ["empty_output"]),
        (
            "Il governo ha approvato la legge.",
            "il governo  ha approvato la legge.",
            ["identical_to_source"],
        ),
        ("OpenAI, NVIDIA.", "OpenAI, NVIDIA.", []),  # names: fewer than 3 words, not flagged
        ("Il governo ha approvato la nuova legge sul lavoro.", "Yes.", ["length_ratio_outlier"]),
        ("Ciao.", "Hello there, how are you doing today?", []),  # short source: no ratio check
        (
            "Il governo ha approvato la nuova legge sul lavoro.",
            "The the the the government approved.",
            ["repeated_ngram_loop"],
        ),
        (
            "Il governo ha approvato la nuova legge sul lavoro ieri sera a Roma.",
            "of the law of the law of the law in Rome",
            ["repeated_ngram_loop"],
        ),
        ("Ha detto: no, no, no.", "He said: no, no, no.", []),  # three in a row is speech
    ],
)
def test_quality_flags(source, translation, expected):
    assert quality_flags(source, translation) == expected
