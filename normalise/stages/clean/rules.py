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
import sys
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from pathlib import Path

from ...languages import TARGET_LANG

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
    view = text
    # Each substitution only where its character is there to act on (the same result, and
    # most blocks have none of them).
    if "<" in view:
        view = _INLINE_TAG.sub("", view)
    if "*" in view:
        view = _EMPHASIS.sub("", view)
    if "\\" in view:
        view = _ESCAPE.sub(r"\1", view)
    view = " ".join(view.split())
    wrapped = _WRAPPED.match(view) if view[:1] in ("(", "[") else None
    if wrapped:
        inner = wrapped.group(1) if wrapped.group(1) is not None else wrapped.group(2)
        if _balanced(inner):
            view = inner.strip()
    return view or text


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
    once for all the rules, not once per rule: the cleaner's largest cost)."""
    words = len(text.split())
    return next(
        (rule for rule in rules if words <= rule.max_words and rule.regex.search(text)), None
    )


# Faster matching, same answers. Most of a rule's cost is a pattern that is not anchored at the
# start: the engine tries it at every position of every block. Such a pattern usually needs
# one of a few literal words ("cookies", "all rights reserved"), and a block without any of
# them cannot match. So each rule gets a *prefilter* derived from its own pattern (never
# written by hand: rules are data, and users add their own): a plain search for those words
# in the block's case-folded text, proven to say "no" only when the rule cannot match. When
# nothing can be proven, the rule is searched as before.

try:  # The regex parser: private, but the engine's own reading of the pattern.
    from re import _casefix, _parser
    from re import _constants as _sre
except ImportError:  # pragma: no cover - another Python: every rule is searched plainly
    _parser = None

# A literal this short proves too little to be worth checking.
PREFILTER_MIN_CHARS = 3


def _case_groups() -> dict[str, str]:
    """The lower-case letters that IGNORECASE matches to each other, besides upper and lower
    case of one letter (``s`` and ``ſ``, ``σ`` and ``ς``, ``i`` and ``ı``): each mapped to
    the smallest of its group, so that one string comparison sees them as the engine does."""
    if _parser is None:  # pragma: no cover
        return {}
    group: dict[int, int] = {}

    def root(code: int) -> int:
        while group.get(code, code) != code:
            code = group[code]
        return code

    for lower, others in _casefix._EXTRA_CASES.items():
        for other in others:
            first, second = sorted((root(lower), root(other)))
            group[second] = first
    return {chr(code): chr(root(code)) for code in group if root(code) != code}


_CASE_GROUPS = str.maketrans(_case_groups())
_IN_CASE_GROUPS = re.compile(
    "[" + "".join(re.escape(chr(code)) for code in _CASE_GROUPS) + "]" if _CASE_GROUPS else "(?!)"
)


def fold_case(text: str) -> str:
    """``text`` as IGNORECASE sees it, one character for one: if the engine matches a pattern
    character to a text character, both fold to the same character. (``str.lower`` alone does
    not: it makes ``İ`` two characters where the engine lowers it to ``i``, and it keeps
    ``ſ`` apart from ``s``.)"""
    if "İ" in text:
        text = text.replace("İ", "i")
    text = text.lower()
    if _IN_CASE_GROUPS.search(text):
        text = text.translate(_CASE_GROUPS)
    return text


def required_literals(pattern: str, flags: int = 0) -> frozenset[str] | None:
    """Literal strings one of which is in every text the pattern matches (as the pattern
    writes them, before case folding), or None when the pattern proves none.

    Read from the parsed pattern: a run of literal characters is required where the pattern
    requires it (not inside an optional part, a negative lookaround or a conditional); a
    branch requires one of what its alternatives require, provided that each requires some.
    Of the candidates, the one whose shortest string is longest is kept."""
    if _parser is None:  # pragma: no cover
        return None
    try:
        parsed = _parser.parse(pattern, flags)
    except Exception:  # noqa: BLE001 - anything the parser cannot read proves nothing
        return None
    return _required(parsed.data)


def _required(items: Iterable[tuple]) -> frozenset[str] | None:
    best: frozenset[str] | None = None

    def consider(candidate: frozenset[str] | None) -> None:
        nonlocal best
        if candidate and all(candidate) and _strength(candidate) > _strength(best):
            best = candidate

    run: list[str] = []
    for op, value in items:
        if op is _sre.LITERAL:
            run.append(chr(value))
            continue
        if run:
            consider(frozenset(["".join(run)]))
            run = []
        if op is _sre.BRANCH:
            alternatives = [_required(branch) for branch in value[1]]
            if all(alternatives):
                consider(frozenset().union(*alternatives))
        elif op is _sre.SUBPATTERN:
            consider(_required(value[3]))
        elif op in (_sre.MAX_REPEAT, _sre.MIN_REPEAT, _sre.POSSESSIVE_REPEAT):
            if value[0] >= 1:
                consider(_required(value[2]))
        elif op is _sre.ATOMIC_GROUP:
            consider(_required(value))
        elif op is _sre.ASSERT:  # a positive lookahead or lookbehind: in the text too
            consider(_required(value[1]))
    if run:
        consider(frozenset(["".join(run)]))
    return best


def _strength(literals: frozenset[str] | None) -> tuple[int, int]:
    """Longer is rarer; with equal shortest lengths, fewer alternatives."""
    if not literals:
        return (0, 0)
    return (min(map(len, literals)), -len(literals))


def _anchored(pattern: str, flags: int) -> bool:
    """Is every match at the start of the text (``^`` first, no MULTILINE)? Then the engine
    tries one position only, and a prefilter would cost more than it saves."""
    try:
        data = _parser.parse(pattern, flags).data
    except Exception:  # noqa: BLE001
        return False
    return bool(data) and data[0] == (_sre.AT, _sre.AT_BEGINNING) and not flags & re.MULTILINE


@lru_cache(maxsize=4096)
def prefilter(pattern: str, flags: int) -> re.Pattern[str] | None:
    """A search over :func:`fold_case` text that finds nothing only where ``pattern``
    (compiled with ``flags``) cannot match; None where no prefilter is proven or useful."""
    if _parser is None or _anchored(pattern, flags):
        return None
    literals = required_literals(pattern, flags)
    if not literals or min(map(len, literals)) < PREFILTER_MIN_CHARS:
        return None
    folded = {fold_case(literal) for literal in literals}
    # A literal that holds another adds nothing: where it is, the other is.
    needed = [s for s in folded if not any(other != s and other in s for other in folded)]
    return re.compile("|".join(map(re.escape, sorted(needed, key=lambda s: (-len(s), s)))))


class Subject:
    """A text as the rules read it, with what every rule needs computed once: its word count
    and, when a prefilter first asks, its case-folded form."""

    __slots__ = ("text", "words", "_folded")

    def __init__(self, text: str) -> None:
        self.text = text
        self.words = len(text.split())
        self._folded: str | None = None

    @property
    def folded(self) -> str:
        if self._folded is None:
            self._folded = fold_case(self.text)
        return self._folded


class RuleSet:
    """Rules compiled for matching many blocks: :meth:`match` answers what
    :func:`first_match` answers, with each rule's prefilter (:func:`prefilter`) first."""

    def __init__(self, rules: Iterable[Rule]) -> None:
        self.rules = tuple(rules)
        # (position in self.rules, rule, prefilter)
        checks = [
            (position, rule, prefilter(rule.regex.pattern, rule.regex.flags))
            for position, rule in enumerate(self.rules)
        ]
        self._all = checks
        self._anywhere = [check for check in checks if check[1].where == ANYWHERE]
        self._edge = [check for check in checks if check[1].where != ANYWHERE]
        self._position: dict[int, int] = {}
        for position, rule in enumerate(self.rules):
            self._position.setdefault(id(rule), position)

    def match(self, subject: Subject | str) -> Rule | None:
        """The first rule that matches: ``first_match(self.rules, text)``."""
        return _first(self._all, _subject(subject))

    def anywhere(self, subject: Subject | str) -> Rule | None:
        """The first "anywhere" rule that matches."""
        return _first(self._anywhere, _subject(subject))

    def match_knowing(self, subject: Subject, anywhere: Rule | None) -> Rule | None:
        """:meth:`match`, given ``anywhere = self.anywhere(subject)``: the anywhere rules
        are not searched twice. No anywhere rule before that one matches, so the answer is
        the first edge rule before it that matches, else that one."""
        if anywhere is None:
            return _first(self._edge, subject)
        return _first(self._edge, subject, self._position[id(anywhere)]) or anywhere


def _subject(subject: Subject | str) -> Subject:
    return subject if isinstance(subject, Subject) else Subject(subject)


def _first(
    checks: list[tuple[int, Rule, re.Pattern[str] | None]],
    subject: Subject,
    stop: int = sys.maxsize,
) -> Rule | None:
    """The first rule of ``checks`` before position ``stop`` that matches."""
    words, text = subject.words, subject.text
    for position, rule, required in checks:
        if position >= stop:
            break
        if words > rule.max_words:
            continue
        if required is not None and required.search(subject.folded) is None:
            continue
        if rule.regex.search(text):
            return rule
    return None


_RULE_SETS: dict[int, tuple[tuple[Rule, ...], RuleSet]] = {}


def rule_set(rules: tuple[Rule, ...]) -> RuleSet:
    """The :class:`RuleSet` of a tuple of rules, compiled once per tuple (the tuple is kept
    with it, so its id cannot be reused while it is cached)."""
    cached = _RULE_SETS.get(id(rules))
    if cached is None or cached[0] is not rules:
        if len(_RULE_SETS) >= 16:
            _RULE_SETS.clear()
        cached = _RULE_SETS[id(rules)] = (rules, RuleSet(rules))
    return cached[1]
