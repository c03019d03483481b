"""Language identification and its decision rules (see docs/language.md).

:func:`decide` gives one calibrated decision for a text: langdetect over its full profile set,
re-checked against function-word evidence for neighbouring languages, then held against a
confidence threshold and an optional hint.
"""

from .decide import UNDETERMINED, LanguageGuess, decide
from .hints import html_lang, normalise_code

__all__ = ["UNDETERMINED", "LanguageGuess", "decide", "html_lang", "normalise_code"]
