"""Boilerplate rules: loaded from the TOML data files in ``normalise/stages/clean/patterns``.

Rules are data, not code, so that users can read, extend and override them
(``--patterns FILE.toml``). This module only loads and matches them; which blocks get removed,
given their position, is decided in :mod:`normalise.stages.clean.stage`.

Rules read a block's *plain view* (:func:`plain_view`), not its raw text: trafilatura writes
Markdown (``**READ MORE:** ...``, ``*Jane Doe contributed to this report.*``, ``\\_\\_\\_``),
and a rule anchored at the start of a block (``^read more``) must not miss a label because the
site set it in bold. The audit trail still records the raw text.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

from ...languages import TARGET_LANG
from ...text.spacing import surely_single_spaced

EDGE, ANYWHERE = "edge", "anywhere"

_INLINE_TAG = re.compile(r"</?(?:u|b|i|em|strong|span|a|sup|sub|mark)\b[^>]*>", re.IGNORECASE)
_EMPHASIS = re.compile(r"(?<!\\)\*+")
_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|>~<])")
_WRAPPED = re.compile(r"^\((.*)\)\W?$|^\[(.*)\]\W?$")


def plain_view(text: str) -> str:
    """The text rules are matched against: no Markdown emphasis, escapes or inline tags, and
    no parentheses around the whole block (``(Reporting by ...; editing by ...)``).

    A block that is nothing but markup (``* * *``) keeps its raw text, so that a rule for
    separators still sees it.
    """
    return plain_view_and_words(text)[0]


def plain_view_and_words(text: str) -> tuple[str, int]:
    """:func:`plain_view`, and its number of words (``len(view.split())``), counted by its
    spaces where the view is single-spaced (it is, unless it is the raw text)."""
    view = text
    # Each substitution only where its character is there to act on (the same result, and
    # most blocks have none of them).
    if "<" in view:
        view = _INLINE_TAG.sub("", view)
    if "*" in view:
        view = _EMPHASIS.sub("", view)
    if "\\" in view:
        view = _ESCAPE.sub(r"\1", view)
    if not surely_single_spaced(view):
        view = " ".join(view.split())
    wrapped = _WRAPPED.match(view) if view[:1] in ("(", "[") else None
    if wrapped:
        inner = wrapped.group(1) if wrapped.group(1) is not None else wrapped.group(2)
        if _balanced(inner):
            view = inner.strip()  # a part of a single-spaced text, stripped: single-spaced
    if not view:
        return text, len(text.split())
    return view, view.count(" ") + 1


def _balanced(text: str) -> bool:
    """Do the brackets inside close in order? ``(AP) — ... (today)`` is not one wrapped span."""
    depth = 0
    for char in text:
        depth += char in "(["
        depth -= char in ")]"
        if depth < 0:
            return False
    return depth == 0


class PatternError(ValueError):
    """A pattern file is malformed; the message names the file and the rule."""


@dataclass(frozen=True)
class Rule:
    name: str
    reason: str
    regex: re.Pattern[str]
    where: str = EDGE
    max_words: int = 40

    def matches(self, text: str) -> bool:
        return len(text.split()) <= self.max_words and self.regex.search(text) is not None


def _parse(source: str, data: dict) -> list[Rule]:
    rules = []
    for index, entry in enumerate(data.get("rule", [])):
        where = f"{source}, rule #{index + 1}"
        try:
            name, reason, pattern = entry["name"], entry["reason"], entry["pattern"]
        except KeyError as missing:
            raise PatternError(f"{where}: missing key {missing}") from None
        if entry.get("where", EDGE) not in (EDGE, ANYWHERE):
            raise PatternError(f"{where} ({name}): 'where' must be '{EDGE}' or '{ANYWHERE}'")
        try:
            regex = re.compile(pattern, re.IGNORECASE)
        except re.error as error:
            raise PatternError(f"{where} ({name}): bad regular expression: {error}") from None
        rules.append(
            Rule(name, reason, regex, entry.get("where", EDGE), int(entry.get("max_words", 40)))
        )
    return rules


def builtin_pattern_files() -> list[str]:
    """The built-in pattern files, found by name: ``common.toml`` (language-neutral) first,
    then ``<code>.toml`` for each language that has its own (a new ``pt.toml`` counts as soon
    as it is there), the target language first and the others in name order."""
    folder = resources.files(__package__) / "patterns"
    names = sorted(entry.name for entry in folder.iterdir() if entry.name.endswith(".toml"))
    first = ["common.toml", f"{TARGET_LANG}.toml"]
    return [name for name in first if name in names] + [n for n in names if n not in first]


@cache
def builtin_rules() -> tuple[Rule, ...]:
    rules: list[Rule] = []
    folder = resources.files(__package__) / "patterns"
    for name in builtin_pattern_files():
        text = (folder / name).read_text(encoding="utf-8")
        rules += _parse(f"normalise/stages/clean/patterns/{name}", tomllib.loads(text))
    return tuple(rules)


def load_rules(extra_files: Iterable[Path] = ()) -> tuple[Rule, ...]:
    """Built-in rules, then the user's: a user rule with an existing name replaces it."""
    by_name = {rule.name: rule for rule in builtin_rules()}
    for path in extra_files:
        try:
            data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as error:
            raise PatternError(f"{path}: cannot read pattern file: {error}") from None
        for rule in _parse(str(path), data):
            by_name[rule.name] = rule
    return tuple(by_name.values())


def first_match(rules: Iterable[Rule], text: str) -> Rule | None:
    """The first rule that matches ``text`` (:meth:`Rule.matches`, with the words counted
    once for all the rules, not once per rule). The reference: the cleaner asks
    :class:`normalise.stages.clean.matching.RuleSet`, which gives the same answers faster."""
    words = len(text.split())
    return next(
        (rule for rule in rules if words <= rule.max_words and rule.regex.search(text)), None
    )
