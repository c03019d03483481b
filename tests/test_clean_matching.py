"""The cleaner's fast paths give the plain evaluation's answers: the rule set (prefilters
derived from the patterns, dispatch by first character and word count) against
``first_match``, case folding against the regex engine's IGNORECASE, the lazy verdicts and
features against computing all of them, and the quick scans against the searches they
spare."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest
from test_boilerplate_languages import ARTICLE, HEAD, MIDDLE, TAIL, TAIL_CHROME, page
from test_chrome_it_es import FAMILIES, INSIDE

from normalise.record import Document
from normalise.stages.clean import content, matching, rules, stage
from normalise.stages.clean.content import Features, features, main_run
from normalise.stages.clean.matching import (
    RuleSet,
    Subject,
    _Literals,
    first_chars,
    fold_case,
    literals_needed,
    required_literals,
    trie_pattern,
)
from normalise.stages.clean.repetition import RepeatedLines, line_key
from normalise.stages.clean.rules import first_match, load_rules, plain_view
from normalise.text.reflow import split_blocks

REPO = Path(__file__).resolve().parents[1]
RULES = load_rules()
# Characters the engine treats specially under IGNORECASE, or that str.lower does.
SPECIAL = "İıIiſSsKkKΣσςẞßµμΩωΩﬅﬆ"


# Chrome for the rules that the test corpora above leave without a match.
MORE_CHROME = [
    "https://example.com/news",
    "@newsdesk",
    "desk@example.com",
    "Click here to subscribe to our daily briefing",
    "Haz clic aquí para suscribirte",
    "Más leídas de la semana en Madrid",
    "Tendencias en Twitter",
    "Clicca qui per ricevere la nostra newsletter",
    "Il giornalismo indipendente ha bisogno di te: sostieni il nostro lavoro.",
    "Vuoi ricevere le notifiche?",
]


def _documents() -> list[str]:
    texts = [path.read_text(encoding="utf-8") for path in sorted((REPO / "seeds").glob("*.txt"))]
    langid = REPO / "bench" / "data" / "langid"
    texts += [path.read_text(encoding="utf-8") for path in sorted(langid.rglob("*.txt"))]
    texts += [page(lang) for lang in ARTICLE]
    texts += ["\n\n".join([*HEAD[lang], *MIDDLE[lang], *TAIL[lang]]) for lang in ARTICLE]
    texts += ["\n\n".join(line for _, line, _ in TAIL_CHROME)]
    texts += ["\n\n".join(part for family in FAMILIES for part in (family[1], family[3]))]
    texts += ["\n\n".join(line for _, line in INSIDE)]
    texts += ["\n\n".join(MORE_CHROME)]
    return texts


def _literal_texts() -> list[str]:
    """Texts holding each rule's literals: alone, at the start, inside prose, in capitals,
    with the letters IGNORECASE matches besides their case (ſ for s, ı and İ for i, K)."""
    prose = "The council met on Tuesday and the mayor said that the plan would go ahead."
    texts = []
    for rule in RULES:
        for literal in sorted(required_literals(rule.regex.pattern, rule.regex.flags) or ()):
            for variant in {
                literal,
                literal.upper(),
                literal.title(),
                literal.replace("s", "ſ"),
                literal.replace("i", "ı"),
                literal.replace("i", "İ").replace("I", "İ"),
                literal.replace("k", "\u212a"),
            }:
                texts += [
                    variant,
                    f"{variant}: {prose}",
                    f"{prose} {variant}",
                    f"{prose} {variant} {prose}",
                    f"{variant} 2024",
                    f"— {variant}",
                ]
    return texts


DOCUMENTS = _documents()
BLOCK_TEXTS = [block.text for text in DOCUMENTS for block in split_blocks(text)]
TEXTS = sorted({*BLOCK_TEXTS, *map(plain_view, BLOCK_TEXTS), *_literal_texts()})


def test_the_corpus_has_matches_of_most_rules():
    """The equality tests below mean something only if the rules do match in them."""
    matched = {rule.name for rule in RULES for text in TEXTS if rule.matches(text)}
    assert len(matched) >= 0.9 * len(RULES), sorted({r.name for r in RULES} - matched)


def test_rule_set_answers_first_match():
    rule_set = RuleSet(RULES)
    for text in TEXTS:
        assert rule_set.match(text) == first_match(RULES, text), text


def test_each_rule_alone_answers_its_own_search():
    """Rule by rule, so that a wrong filter on a rule that an earlier one shadows shows."""
    for rule in RULES:
        alone = RuleSet([rule])
        for text in TEXTS:
            expected = rule if rule.matches(text) else None
            assert alone.match(text) is expected, (rule.name, text)


def test_anywhere_then_edge_answers_first_match():
    rule_set = RuleSet(RULES)
    anywhere = tuple(rule for rule in RULES if rule.where == rules.ANYWHERE)
    for text in TEXTS:
        subject = Subject(text)
        found = rule_set.anywhere(subject)
        assert found == first_match(anywhere, text)
        assert rule_set.match_knowing(subject, found) == first_match(RULES, text), text


def _all_characters() -> str:
    return "".join(chr(code) for code in range(0x110000) if not 0xD800 <= code < 0xE000)


def test_fold_case_folds_alike_whatever_ignorecase_matches():
    """For every character of the rules' literals and first characters, and the letters
    of Latin, Greek and Cyrillic: every character in Unicode that IGNORECASE matches to it
    folds to what it folds to."""
    everything = _all_characters()
    chars = set(SPECIAL)
    chars |= {chr(code) for code in range(0x20, 0x180)}
    chars |= {chr(code) for code in range(0x370, 0x460)}
    for rule in RULES:
        chars |= set("".join(required_literals(rule.regex.pattern, rule.regex.flags) or ()))
        chars |= set(first_chars(rule.regex.pattern, rule.regex.flags) or ())
    for char in sorted(chars):
        matched = re.compile(re.escape(char), re.IGNORECASE).findall(everything)
        assert char in matched
        assert {fold_case(other) for other in matched} == {fold_case(char)}, char


def test_fold_case_maps_one_character_to_one():
    everything = _all_characters()
    assert len(fold_case(everything)) == len(everything)
    for text in ["İSTANBUL", "ΟΔΟΣ ΣΟΦΙΑΣ", "Σ", "aΣ b", "ſtraße", "KELVIN \u212a", *SPECIAL]:
        assert fold_case(text) == "".join(fold_case(char) for char in text), text


@pytest.mark.parametrize(
    "pattern, literals",
    [
        (r"\ball rights reserved\b", {"all rights reserved"}),
        (r"(?x) read[ ]more \b", {"read more"}),
        (r"colou?r", {"colo"}),
        (r"(?:abc)?defg", {"defg"}),
        (r"^(?:foo|bar)bazz", {"bazz"}),
        (r"(?:cookies|privacy policy)", {"cookies", "privacy policy"}),
        (r"(?:cookies|\d+)", None),
        (r"(?:cookies|)", None),
        (r"x(?!banana)", {"x"}),
        (r"^(?=.*\bcookies\b)", {"cookies"}),
        (r"(?<=paywall )\w+", {"paywall "}),
        (r"(?:abc){2}", {"abc"}),
        (r"(?:abc)*", None),
        (r"(?P<q>['\"]).*(?P=q)", None),
        (r"[", None),
    ],
)
def test_required_literals(pattern, literals):
    assert required_literals(pattern, re.IGNORECASE) == (frozenset(literals) if literals else None)


def test_short_literals_are_not_looked_for():
    assert literals_needed(r"\bp\.?iva\b|ab", re.IGNORECASE) is None
    assert literals_needed(r"Cookies", re.IGNORECASE) == {"cookies"}


@pytest.mark.parametrize(
    "pattern, flags, chars",
    [
        (r"^(?:Foo|bar)", 0, {"f", "b"}),
        (r"^x?y", 0, {"x", "y"}),
        (r"^\bTweet", 0, {"t"}),
        (r"^[(\[]?reuters", 0, {"(", "[", "r"}),
        (r"^İ", 0, {"i"}),
        (r"^x*", 0, None),
        (r"^\W*follow", 0, None),
        (r"^(?:a|\d)", 0, None),
        (r"^[a-z]", 0, None),
        (r"foo", 0, None),
        (r"^foo|bar", 0, None),
        (r"^foo", re.MULTILINE, None),
    ],
)
def test_first_chars(pattern, flags, chars):
    assert first_chars(pattern, flags | re.IGNORECASE) == (frozenset(chars) if chars else None)


def test_literals_found_are_exactly_those_in_the_text():
    strings = {"ab", "abcd", "b", "bca", "cookie", "cookies", "kie ", "d d"}
    assert re.fullmatch(trie_pattern(strings), "abcd")
    literals = _Literals(strings)
    generator = random.Random(19)
    for _ in range(3000):
        text = "".join(generator.choice("abcd kieosx") for _ in range(generator.randrange(30)))
        assert literals.found_in(text) == {s for s in strings if s in text}, text


def test_link_like_scan_answers_the_search():
    texts = [*TEXTS, "", "!!!", "—\n", "a @b", "x | y", "http://", "me@x.com", "» Next ›"]
    for text in texts:
        assert content._link_like(text) == bool(content._LINK_LIKE.search(text)), text


def _plain_view_by_the_formula(text: str) -> str:
    view = rules._ESCAPE.sub(r"\1", rules._EMPHASIS.sub("", rules._INLINE_TAG.sub("", text)))
    view = " ".join(view.split())
    wrapped = rules._WRAPPED.match(view)
    if wrapped:
        inner = wrapped.group(1) if wrapped.group(1) is not None else wrapped.group(2)
        if rules._balanced(inner):
            view = inner.strip()
    return view or text


def test_plain_view_answers_the_formula():
    marked = ["**READ MORE:** x", "\\_\\_\\_", "* * *", "(Reporting by A; editing by B)", "[x]"]
    for text in [*BLOCK_TEXTS, *marked, "<b>Bold</b> and *it*", "\\*not emphasis\\*"]:
        assert plain_view(text) == _plain_view_by_the_formula(text), text


def _documents_blocks():
    for text in DOCUMENTS:
        yield split_blocks(text)


def test_lazy_verdicts_and_features_answer_the_eager_ones():
    repeated = RepeatedLines(frozenset(line_key(text) for text in BLOCK_TEXTS[::7]))
    rule_set = RuleSet(RULES)
    for blocks in _documents_blocks():
        subjects = [Subject(plain_view(block.text)) for block in blocks]
        anywhere = [rule_set.anywhere(subject) for subject in subjects]
        verdicts = stage._Verdicts(blocks, subjects, rule_set, anywhere, repeated)
        feats = Features(blocks)
        eager = []
        for index, block in enumerate(blocks):
            rule = first_match(RULES, plain_view(block.text))
            expected = stage.Verdict.of(rule) if rule else None
            if expected is None and block.text in repeated:
                expected = stage.REPEATED
            eager.append(expected)
            assert feats[index] == features(block)
        # Asked in another order than the stage's: the answers do not depend on it.
        for index in reversed(range(len(blocks))):
            assert verdicts[index] == eager[index]
            assert (index in verdicts) == (eager[index] is not None)
        matched = {index for index, verdict in enumerate(eager) if verdict}
        excluded = {index for index, rule in enumerate(anywhere) if rule}
        lazy = stage._Verdicts(blocks, subjects, rule_set, anywhere, repeated)
        assert main_run(blocks, excluded, lazy, Features(blocks)) == main_run(
            blocks, excluded, matched
        )


# Patterns a user might write (``--patterns``), with what the filters must not get wrong:
# back references, conditionals, lookbehind, scoped flags, letters IGNORECASE matches to
# others (ſ, İ, the Kelvin sign, the ligatures ﬅ and ﬆ), MULTILINE anchors, empty matches.
USER_PATTERNS = [
    r"(?x) ^ \W* (?:síguenos|follow[ ]us) \b",
    r"(\w+) and \1",
    r"(?:(<)?cookies(?(1)>|!))",
    r"(?<=paywall )\w+",
    r"(?-i:COOKIES)",
    r"(?s)all.rights",
    r"(?a)\bstop\b",
    r"\bİstanbul\b",
    r"^(?:)",
    r"^$",
    r"ﬅore",
    r"(?m)^foo$",
    r"^\u212aelvin",
    r"^[ſ]hare",
    r"ΟΔΟΣ",
]
USER_TEXTS = [
    "ISTANBUL",
    "ıstanbul",
    "the ſtop",
    "STOP here",
    "x\nfoo",
    "all\nRIGHTS",
    "ﬆore",
    "STORE",
    "kelvin",
    "Share",
    "ſhare this",
    "οδος",
    "οδοσ",
    "cookies!",
    "<cookies>",
    "COOKIES",
    "cookies",
    "bread and bread",
    "the paywall blocks",
    "",
    " ",
    "…Síguenos en X",
]


def test_user_patterns_answer_their_searches():
    user_rules = tuple(
        rules.Rule(f"user_{i}", "user", re.compile(pattern, re.IGNORECASE), where, 40)
        for i, pattern in enumerate(USER_PATTERNS)
        for where in (rules.EDGE, rules.ANYWHERE)
    )
    rule_set = RuleSet(user_rules)
    alone = [(rule, RuleSet([rule])) for rule in user_rules]
    # Each pattern matches some of the texts, so that the filters are tried on matches too.
    assert all(any(rule.matches(text) for text in USER_TEXTS) for rule in user_rules)
    for text in [*USER_TEXTS, *TEXTS[::5]]:
        assert rule_set.match(text) == first_match(user_rules, text), text
        for rule, one in alone:
            expected = rule if rule.matches(text) else None
            assert one.match(text) is expected, (rule.regex.pattern, text)


def _cleaned_records(monkeypatch, compile_after: int) -> list[dict]:
    monkeypatch.setattr(matching, "COMPILE_AFTER_BLOCKS", compile_after)
    matching._BY_ID.clear()
    matching._matcher_of.cache_clear()
    repeated = RepeatedLines(frozenset(line_key(text) for text in BLOCK_TEXTS[::5]))
    records = []
    for fmt in ("text", "html"):
        for lines in (None, repeated):
            for number, text in enumerate(DOCUMENTS):
                doc = Document(id=str(number), source="x", format=fmt, raw_text=text)
                records.append(stage.clean_document(doc, RULES, False, lines).to_dict())
    return records


def test_documents_are_cleaned_alike_with_plain_and_compiled_rules(monkeypatch):
    """The stage's answers do not depend on whether the rules are compiled yet."""
    plain = _cleaned_records(monkeypatch, compile_after=10**9)
    assert isinstance(matching.rule_set(RULES), matching.PlainRules)
    compiled = _cleaned_records(monkeypatch, compile_after=0)
    assert isinstance(matching.rule_set(RULES), RuleSet)
    assert compiled == plain
    assert any(record["removed"] for record in plain)
