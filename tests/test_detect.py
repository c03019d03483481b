from normalise.settings import Settings
from normalise.stages.detect import guess_language

SETTINGS = Settings()


def test_detects_the_three_languages():
    assert (
        guess_language(
            "Il governo ha approvato la nuova legge sul lavoro ieri sera.", SETTINGS
        ).lang
        == "it"
    )
    assert (
        guess_language("El gobierno aprobó la nueva ley laboral ayer por la noche.", SETTINGS).lang
        == "es"
    )
    assert (
        guess_language("The government approved the new labour law last night.", SETTINGS).lang
        == "en"
    )


def test_deterministic_across_calls():
    text = "La reunión terminó sin acuerdo entre las partes implicadas."
    assert len({guess_language(text, SETTINGS) for _ in range(5)}) == 1


def test_too_short_or_numbers_only_is_undetermined():
    assert guess_language("OK", SETTINGS).lang == "und"
    assert guess_language("12 345 678 910 1112 1314 1516 1718 1920", SETTINGS).lang == "und"
