from normalise.langid.decide import decide
from normalise.settings import Settings

SETTINGS = Settings()


def test_detects_the_three_languages():
    assert (
        decide("Il governo ha approvato la nuova legge sul lavoro ieri sera.", SETTINGS).lang
        == "it"
    )
    assert (
        decide("El gobierno aprobó la nueva ley laboral ayer por la noche.", SETTINGS).lang == "es"
    )
    assert decide("The government approved the new labour law last night.", SETTINGS).lang == "en"


def test_deterministic_across_calls():
    text = "La reunión terminó sin acuerdo entre las partes implicadas."
    assert len({decide(text, SETTINGS) for _ in range(5)}) == 1


def test_too_short_or_numbers_only_is_undetermined():
    assert decide("OK", SETTINGS).lang == "und"
    assert decide("12 345 678 910 1112 1314 1516 1718 1920", SETTINGS).lang == "und"
