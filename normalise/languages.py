"""The languages the tool handles, in one place.

English is the one target: every corpus is English, and the Argos packages we run translate
*into* it. A source language is *translated* when an Argos package for it→en is installed
(:meth:`normalise.argos.catalog.Catalog.find`): install a fr→en package and French articles are
translated and aligned like Italian ones, with no change here. Without a package, a language
is ``untranslated`` when ``normalise models pull`` can fetch one (it is in the pinned manifest,
``normalise/data/manifest.json``), and ``unsupported_language`` otherwise.

Italian and Spanish are *tuned*: they have their own boilerplate rules
(``stages/clean/patterns/<code>.toml``, found by file name), function-word evidence for telling
them from their neighbours (``data/langid_evidence.toml``) and sentence-splitting abbreviations
(``data/abbreviations.toml``). Other languages get the language-neutral rules.
"""

from __future__ import annotations

TARGET_LANG = "en"
TUNED_SOURCE_LANGS = ("it", "es")
