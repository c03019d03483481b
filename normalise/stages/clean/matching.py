"""Matching many blocks against the rules: the answers of :func:`.rules.first_match`, faster.

Searching every rule's pattern in every block was the cleaner's largest cost, and almost all
of those searches fail. So, before any search, a :class:`RuleSet` sets aside the rules that
a block provably cannot match, from facts derived from each rule's own pattern (never
written by hand: rules are data, and users add their own with ``--patterns``):

- words: a block longer than the rule's ``max_words`` (as :func:`.rules.first_match`);
- literals: most patterns need one of a few literal strings ("cookies", "all rights
  reserved"); a block holding none of them cannot match (:func:`required_literals`). One
  search per block finds which of all the rules' literals it holds (:class:`_Literals`);
- first character: a pattern anchored at the start (``^(share|tweet)``) can only match a
  block that starts with one of its first characters (:func:`first_chars`).

Where nothing can be proven (a pattern starting with ``\\W*``, a literal under three
characters), the rule is searched as before. The literals and characters are compared in
case-folded text (:func:`fold_case`), folded so that whatever IGNORECASE matches folds the same.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable
from functools import lru_cache

from .rules import ANYWHERE, Rule, first_match

try:  # The regex parser: private, but the engine's own reading of the pattern.
    from re import _casefix, _parser
    from re import _constants as _sre
except ImportError:  # pragma: no cover - another Python: every rule is searched plainly
    _parser = None

# A literal this short proves too little to be worth looking for.
MIN_LITERAL_CHARS = 3


def _case_groups() -> dict[str, str]:
    """The lower-case letters that IGNORECASE matches to each other, besides upper and lower
    case of one letter (``s`` and ``ſ``, ``σ`` and ``ς``, ``i`` and ``ı``): each mapped to
    the smallest of its group."""
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
            if first != second:
                group[second] = first
    return {chr(code): chr(root(code)) for code in group if root(code) != code}


_CASE_GROUPS = str.maketrans(_case_groups())
_IN_CASE_GROUPS = re.compile(
    "[" + "".join(re.escape(chr(code)) for code in _CASE_GROUPS) + "]" if _CASE_GROUPS else "(?!)"
)


def fold_case(text: str) -> str:
    """``text`` as IGNORECASE sees it, one character for one: where the engine matches a
    pattern character to a text character, both fold to the same character. (``str.lower``
    alone does not: it makes ``İ`` two characters where the engine lowers it to ``i``, and
    it keeps ``ſ`` apart from ``s``.)"""
    if text.isascii():  # the lower-case ASCII letters are the first of their groups
        return text.lower()
    if "İ" in text:
        text = text.replace("İ", "i")
    text = text.lower()
    if _IN_CASE_GROUPS.search(text):
        text = text.translate(_CASE_GROUPS)
    return text


@lru_cache(maxsize=512)
def _parsed(pattern: str, flags: int) -> tuple[tuple, ...] | None:
    """The parsed pattern's top-level items, parsed once (the parser is slow: 0.1 ms or more
    a pattern)."""
    if _parser is None:  # pragma: no cover
        return None
    try:
        return tuple(_parser.parse(pattern, flags).data)
    except Exception:  # noqa: BLE001 - anything the parser cannot read proves nothing
        return None


def required_literals(pattern: str, flags: int = 0) -> frozenset[str] | None:
    """Literal strings one of which is in every text the pattern matches (as the pattern
    writes them, before case folding), or None when the pattern proves none.

    Read from the parsed pattern: a run of literal characters is required where the pattern
    requires it (not inside an optional part, a negative lookaround or a conditional); a
    branch requires one of what its alternatives require, provided that each requires some.
    Of the candidates, the one whose shortest string is longest is kept."""
    data = _parsed(pattern, flags)
    return None if data is None else _required(data)


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


@lru_cache(maxsize=4096)
def literals_needed(pattern: str, flags: int) -> frozenset[str] | None:
    """The :func:`required_literals` of a pattern, folded (:func:`fold_case`), when they
    are long enough to be worth looking for; None otherwise."""
    literals = required_literals(pattern, flags)
    if not literals or min(map(len, literals)) < MIN_LITERAL_CHARS:
        return None
    return frozenset(map(fold_case, literals))


@lru_cache(maxsize=4096)
def first_chars(pattern: str, flags: int) -> frozenset[str] | None:
    """For a pattern anchored at the start (``^...``, no MULTILINE): the characters, folded
    (:func:`fold_case`), one of which starts every text it matches; None when the pattern is
    not anchored, may match an empty string, or may start with a character not proven
    (``\\W``, ``.``, a range)."""
    data = _parsed(pattern, flags)
    if not data or data[0] != (_sre.AT, _sre.AT_BEGINNING) or flags & re.MULTILINE:
        return None
    chars, may_be_empty = _starts(data)
    return None if chars is None or may_be_empty else chars


def _starts(items: Iterable[tuple]) -> tuple[frozenset[str] | None, bool]:
    """What a match of ``items`` starts with: (its possible first characters, folded, or
    None for any; can it be empty?)."""
    chars: frozenset[str] = frozenset()
    for op, value in items:
        first, may_be_empty = _item_starts(op, value)
        if first is None:
            return None, True
        chars |= first
        if not may_be_empty:
            return chars, False
    return chars, True


def _item_starts(op: object, value: object) -> tuple[frozenset[str] | None, bool]:
    if op is _sre.LITERAL:
        return frozenset([fold_case(chr(value))]), False
    if op is _sre.IN:  # a set of characters, if it is only characters
        if all(member is _sre.LITERAL for member, _ in value):
            return frozenset(fold_case(chr(code)) for _, code in value), False
        return None, True
    if op in (_sre.AT, _sre.ASSERT, _sre.ASSERT_NOT):  # width zero
        return frozenset(), True
    if op is _sre.BRANCH:
        starts = [_starts(branch) for branch in value[1]]
        if any(chars is None for chars, _ in starts):
            return None, True
        chars = frozenset().union(*(chars for chars, _ in starts))
        return chars, any(may_be_empty for _, may_be_empty in starts)
    if op is _sre.SUBPATTERN:
        return _starts(value[3])
    if op is _sre.ATOMIC_GROUP:
        return _starts(value)
    if op in (_sre.MAX_REPEAT, _sre.MIN_REPEAT, _sre.POSSESSIVE_REPEAT):
        chars, may_be_empty = _starts(value[2])
        return chars, may_be_empty or value[0] == 0
    return None, True  # any character (., \w, a range, a back reference...)


def trie_pattern(strings: Iterable[str]) -> str:
    """A regular expression matching exactly ``strings`` (not empty), as a trie, so that the
    engine follows one path per position instead of trying every string; where one string
    is a prefix of another, the longer is matched first."""
    root: dict[str, dict] = {}
    for string in strings:
        node = root
        for char in string:
            node = node.setdefault(char, {})
        node[""] = {}

    def build(node: dict[str, dict]) -> str:
        branches = [re.escape(char) + build(child) for char, child in sorted(node.items()) if char]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if "" in node:
            return body + "?" if len(branches) > 1 else "(?:" + body + ")?"
        return body

    return build(root)


class _Literals:
    """All the literals the rules need, found in a text with one search.

    A text with none of them (most blocks) costs one search. Otherwise every position where
    one starts is found, one search from the position after the last (so that overlapping
    ones count), with the longest one there; the others there are its prefixes."""

    def __init__(self, literals: Iterable[str]) -> None:
        self.literals = frozenset(literals)
        pattern = trie_pattern(self.literals) if self.literals else "(?!)"
        self._any = re.compile(pattern)
        self._prefixes = {
            longest: frozenset(
                prefix
                for prefix in (longest[:end] for end in range(1, len(longest) + 1))
                if prefix in self.literals
            )
            for longest in self.literals
        }

    def found_in(self, folded: str) -> frozenset[str]:
        search = self._any.search
        match = search(folded)
        if match is None:
            return frozenset()
        found: set[str] = set()
        while match is not None:
            found |= self._prefixes[match.group()]
            match = search(folded, match.start() + 1)
        return frozenset(found)


class Subject:
    """A text as the rules read it, with what they need from it computed once."""

    __slots__ = ("text", "words", "first", "_folded", "_found", "_found_by")

    def __init__(self, text: str, words: int | None = None) -> None:
        """``words``: ``len(text.split())``, when the caller knows it."""
        self.text = text
        self.words = len(text.split()) if words is None else words
        # fold_case maps one character to one, so this is the folded text's first character.
        self.first = fold_case(text[:1])
        self._folded: str | None = None
        self._found: frozenset[str] = frozenset()
        self._found_by: _Literals | None = None

    def folded(self) -> str:
        """The text case-folded (:func:`fold_case`)."""
        if self._folded is None:
            self._folded = fold_case(self.text)
        return self._folded

    def found(self, literals: _Literals) -> frozenset[str]:
        """The rules' literals in this text."""
        if self._found_by is not literals:
            self._found, self._found_by = literals.found_in(self.folded()), literals
        return self._found


# A rule ready to search: (its position in the rule set, the rule, the folded literals one of
# which it needs, or None).
_Check = tuple[int, Rule, "frozenset[str] | None"]
# The rules a text may match (:meth:`_Checks.for_subject`): all, those needing no literal, and
# the number of literals the others need.
_Lists = tuple[list[_Check], list[_Check], int]
# Looking for one literal on its own costs about what the search for all of them at once costs
# on this many characters of text: a long text that few literals matter to is searched for
# those alone.
CHARS_PER_LITERAL = 2


class _Checks:
    """Some rules of a rule set, in order, with the ones a text cannot match for its word
    count or its first character set aside. The list for each (first character, word count)
    is made when first needed, then kept."""

    def __init__(self, rules: list[tuple[int, Rule]]) -> None:
        self._rules = [
            (
                (position, rule, literals_needed(rule.regex.pattern, rule.regex.flags)),
                first_chars(rule.regex.pattern, rule.regex.flags),
            )
            for position, rule in rules
        ]
        self._starters = frozenset().union(*(chars or () for _, chars in self._rules))
        # Above this many words no rule applies: counts are capped here.
        self._most_words = max((rule.max_words for _, rule in rules), default=0) + 1
        self._lists: dict[tuple[str, int], _Lists] = {}

    @property
    def literals(self) -> frozenset[str]:
        return frozenset().union(*(check[2] or () for check, _ in self._rules))

    def for_subject(self, subject: Subject) -> _Lists:
        """The rules the subject may match: all of them, those needing no literal (all it
        may match when it holds none), and how many literals the others need in all."""
        first = subject.first if subject.first in self._starters else ""
        key = (first, min(subject.words, self._most_words))
        lists = self._lists.get(key)
        if lists is None:
            checks = [
                check
                for check, chars in self._rules
                if key[1] <= check[1].max_words and (chars is None or first in chars)
            ]
            plain = [check for check in checks if check[2] is None]
            literals = sum(len(check[2] or ()) for check in checks)
            lists = self._lists[key] = (checks, plain, literals)
        return lists


class RuleSet:
    """Rules compiled for matching many blocks: :meth:`match` answers what
    :func:`.rules.first_match` answers."""

    def __init__(self, rules: Iterable[Rule]) -> None:
        self.rules = tuple(rules)
        numbered = list(enumerate(self.rules))
        self._all = _Checks(numbered)
        self._anywhere = _Checks([(i, rule) for i, rule in numbered if rule.where == ANYWHERE])
        self._edge = _Checks([(i, rule) for i, rule in numbered if rule.where != ANYWHERE])
        self._literals = _Literals(self._all.literals)
        self._position: dict[int, int] = {}
        for position, rule in numbered:
            self._position.setdefault(id(rule), position)

    def match(self, subject: Subject | str) -> Rule | None:
        """The first rule that matches: ``first_match(self.rules, text)``."""
        subject = _subject(subject)
        return self._first(self._all.for_subject(subject), subject)

    def anywhere(self, subject: Subject | str) -> Rule | None:
        """The first "anywhere" rule that matches."""
        subject = _subject(subject)
        return self._first(self._anywhere.for_subject(subject), subject)

    def match_knowing(self, subject: Subject, anywhere: Rule | None) -> Rule | None:
        """:meth:`match`, given ``anywhere = self.anywhere(subject)``: the anywhere rules
        are not searched twice. No anywhere rule before that one matches, so the answer is
        the first edge rule before it that matches, else that one."""
        edge = self._edge.for_subject(subject)
        if anywhere is None:
            return self._first(edge, subject)
        return self._first(edge, subject, self._position[id(anywhere)]) or anywhere

    def _first(
        self,
        lists: _Lists,
        subject: Subject,
        stop: int = sys.maxsize,
    ) -> Rule | None:
        """The first rule of ``lists`` (:meth:`_Checks.for_subject`) before position
        ``stop`` that matches."""
        checks, plain, literals = lists
        if len(plain) == len(checks):
            found: frozenset[str] = frozenset()
        elif (
            literals * CHARS_PER_LITERAL < len(subject.text)
            and subject._found_by is not self._literals
        ):
            return _first_holding(checks, subject, stop)
        else:
            found = subject.found(self._literals)
        if not found:
            checks = plain
        text = subject.text
        for position, rule, needed in checks:
            if position >= stop:
                break
            if needed is not None and needed.isdisjoint(found):
                continue
            if rule.regex.search(text):
                return rule
        return None


def _first_holding(checks: list[_Check], subject: Subject, stop: int) -> Rule | None:
    """:meth:`RuleSet._first`, each rule's literals looked for on their own."""
    folded, text = subject.folded(), subject.text
    for position, rule, needed in checks:
        if position >= stop:
            break
        if needed is not None and not any(map(folded.__contains__, needed)):
            continue
        if rule.regex.search(text):
            return rule
    return None


def _subject(subject: Subject | str) -> Subject:
    return subject if isinstance(subject, Subject) else Subject(subject)


class PlainRules:
    """The rules searched one by one (:func:`.rules.first_match`), behind the interface of
    :class:`RuleSet`: nothing to set up."""

    def __init__(self, rules: Iterable[Rule]) -> None:
        self.rules = tuple(rules)
        self._anywhere = tuple(rule for rule in self.rules if rule.where == ANYWHERE)

    def match(self, subject: Subject | str) -> Rule | None:
        return first_match(self.rules, _subject(subject).text)

    def anywhere(self, subject: Subject | str) -> Rule | None:
        return first_match(self._anywhere, _subject(subject).text)

    def match_knowing(self, subject: Subject, anywhere: Rule | None) -> Rule | None:
        return first_match(self.rules, subject.text)


# Compiling a rule set costs about 30 ms (parsing every pattern); searching every rule costs
# tens of microseconds a block. So a process searches plainly until it has judged this many
# blocks with one set of rules, then compiles it: a run of one file starts no slower, and a
# corpus runs fast. The answers are the same either way.
COMPILE_AFTER_BLOCKS = 500


class _Matcher:
    """One set of rules in this process: plain until enough blocks, then compiled."""

    def __init__(self, rules: tuple[Rule, ...]) -> None:
        self.rules, self.blocks = rules, 0
        self.plain = PlainRules(rules)
        self.compiled: RuleSet | None = None

    def for_blocks(self, count: int) -> RuleSet | PlainRules:
        if self.compiled is None:
            self.blocks += count
            if self.blocks < COMPILE_AFTER_BLOCKS:
                return self.plain
            self.compiled = RuleSet(self.rules)
        return self.compiled


_BY_ID: dict[int, tuple[tuple[Rule, ...], _Matcher]] = {}


def rule_set(rules: tuple[Rule, ...], blocks: int = 0) -> RuleSet | PlainRules:
    """The matcher for a tuple of rules, about to judge ``blocks`` blocks: plain, or
    compiled once enough blocks have been judged with these rules
    (:data:`COMPILE_AFTER_BLOCKS`). Looked up by the tuple's identity (kept with it, so that
    its id cannot be reused meanwhile), then by its value (``load_rules()`` makes a new,
    equal tuple at each call)."""
    cached = _BY_ID.get(id(rules))
    if cached is None or cached[0] is not rules:
        if len(_BY_ID) >= 16:
            _BY_ID.clear()
        cached = _BY_ID[id(rules)] = (rules, _matcher_of(rules))
    return cached[1].for_blocks(blocks)


@lru_cache(maxsize=16)
def _matcher_of(rules: tuple[Rule, ...]) -> _Matcher:
    return _Matcher(rules)
