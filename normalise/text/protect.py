"""Find the spans of a sentence that translation must not change, and the user's glossary.

Pure text functions, no model: URLs, e-mail addresses, @handles, #hashtags, numbers (with
their separators, currency and percent signs), file names, domains, code-like tokens and
letter-digit tokens, as regular expressions kept as data (``normalise/data/
protected_spans.toml``); and glossary terms (``--glossary FILE.toml``): terms never to
translate and terms with a fixed English rendering. ``normalise/models/protected.py`` masks the
spans with placeholders before translation and puts them back after.

Glossary file::

    keep = ["Mario Draghi", "Banco Santander"]      # every source language

    [render]                                         # fixed English, every source language
    "Camera dei Deputati" = "Chamber of Deputies"

    [es]                                             # one source language only
    keep = ["Real Madrid"]
    render = { "Congreso de los Diputados" = "Congress of Deputies" }

Terms match case-sensitively, as whole words; the longest term wins where terms overlap.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path

GLOSSARY_KEEP = "glossary_keep"
GLOSSARY_RENDER = "glossary_render"
_TRAILING = ".,;:!?'\"»”’)]}"
_TRIMMED_KINDS = frozenset({"url", "email", "domain", "code"})


@dataclass(frozen=True)
class Span:
    """``text`` at ``[start, end)`` of the sentence; the English must contain ``render``
    (the text itself, or a glossary term's fixed rendering)."""

    start: int
    end: int
    kind: str
    text: str
    render: str


class GlossaryError(ValueError):
    """A glossary file that cannot be used; the message names the file and the fix."""


@dataclass(frozen=True)
class Glossary:
    """Terms per source language; the key ``"*"`` holds those for every language."""

    keep: dict[str, tuple[str, ...]] = field(default_factory=dict)
    render: dict[str, dict[str, str]] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path) -> Glossary:
        path = Path(path)
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except OSError as error:
            raise GlossaryError(f"{path}: cannot read the glossary: {error}") from None
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
            raise GlossaryError(f"{path}: not valid TOML: {error}") from None
        keep: dict[str, tuple[str, ...]] = {}
        render: dict[str, dict[str, str]] = {}
        sections = {"*": {k: v for k, v in data.items() if k in ("keep", "render")}}
        for key, value in data.items():
            if key in ("keep", "render"):
                continue
            if not isinstance(value, dict) or not re.fullmatch(r"[a-z]{2,3}", key):
                raise GlossaryError(
                    f"{path}: unknown key {key!r}: expected `keep = [...]`, a [render] table, "
                    "or a table per source language such as [it] or [es]"
                )
            sections[key] = value
        for lang, section in sections.items():
            where = f"{path}: [{lang}]" if lang != "*" else str(path)
            unknown = set(section) - {"keep", "render"}
            if unknown:
                raise GlossaryError(
                    f"{where}: unknown key(s) {', '.join(sorted(unknown))}: "
                    "only `keep` and `render` are allowed"
                )
            terms = section.get("keep", [])
            if not isinstance(terms, list) or not all(
                isinstance(t, str) and t.strip() for t in terms
            ):
                raise GlossaryError(f"{where}: `keep` must be a list of non-empty strings")
            table = section.get("render", {})
            if not isinstance(table, dict) or not all(
                isinstance(k, str) and k.strip() and isinstance(v, str) for k, v in table.items()
            ):
                raise GlossaryError(
                    f'{where}: `render` must map terms to English strings: "term" = "English"'
                )
            keep[lang] = tuple(terms)
            render[lang] = dict(table)
        return cls(keep, render)

    def terms(self, lang: str | None) -> list[tuple[str, str, str]]:
        """(term, English rendering, kind) for ``lang``, longest term first."""
        found: dict[str, tuple[str, str]] = {}
        for scope in ("*", lang):
            for term in self.keep.get(scope or "", ()):
                found[term] = (term, GLOSSARY_KEEP)
            for term, english in self.render.get(scope or "", {}).items():
                found[term] = (english, GLOSSARY_RENDER)
        return sorted(
            ((term, english, kind) for term, (english, kind) in found.items()),
            key=lambda item: (-len(item[0]), item[0]),
        )


@cache
def _kinds() -> tuple[tuple[str, re.Pattern[str]], ...]:
    text = (resources.files("normalise") / "data" / "protected_spans.toml").read_text("utf-8")
    data = tomllib.loads(text)
    extensions = "|".join(re.escape(e) for e in data["extensions"].split())
    tlds = "|".join(re.escape(t) for t in data["tlds"].split())
    return tuple(
        (
            kind,
            re.compile(
                pattern.replace("{EXTENSIONS}", extensions).replace("{TLDS}", tlds), re.VERBOSE
            ),
        )
        for kind, pattern in data["kinds"].items()
    )


@cache
def _glossary_pattern(terms: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile("|".join(rf"(?<!\w){re.escape(t)}(?!\w)" for t in terms))


def find_spans(
    sentence: str, glossary: Glossary | None = None, lang: str | None = None
) -> list[Span]:
    """The protected spans of ``sentence``, in order, never overlapping."""
    candidates: list[tuple[int, int, int, Span]] = []  # (tier, start, -length, span)
    if glossary is not None:
        terms = glossary.terms(lang)
        if terms:
            english = {term: (render, kind) for term, render, kind in terms}
            for match in _glossary_pattern(tuple(t for t, _, _ in terms)).finditer(sentence):
                render, kind = english[match.group()]
                span = Span(match.start(), match.end(), kind, match.group(), render)
                candidates.append((0, span.start, -len(span.text), span))
    for order, (kind, pattern) in enumerate(_kinds(), start=1):
        for match in pattern.finditer(sentence):
            start, end = match.span()
            if kind in _TRIMMED_KINDS:
                while (
                    end > start
                    and sentence[end - 1] in _TRAILING
                    and not _balanced(sentence[start:end])
                ):
                    end -= 1
            if end <= start:
                continue
            text = sentence[start:end]
            candidates.append((order, start, start - end, Span(start, end, kind, text, text)))
    chosen: list[Span] = []
    taken: list[tuple[int, int]] = []
    # glossary terms first, then by start, the longer first, then by kind order
    for _, _, _, span in sorted(candidates, key=lambda c: (c[0] != 0, c[1], c[2], c[0])):
        if any(span.start < end and start < span.end for start, end in taken):
            continue
        chosen.append(span)
        taken.append((span.start, span.end))
    return sorted(chosen, key=lambda s: s.start)


def _balanced(text: str) -> bool:
    """A closing bracket that closes one opened inside the span belongs to it (a URL such
    as ``…/Foo_(bar)``); every other trailing punctuation mark is the sentence's."""
    last = text[-1]
    pairs = {")": "(", "]": "[", "}": "{"}
    return last in pairs and text.count(pairs[last]) >= text.count(last)
