"""The cleaner's quick tests give the answers of the plain formulas they stand for: the plain
view's spacing, a tail heading in capitals, the links under a related-links label."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from test_clean_matching import DOCUMENTS, RULES, _plain_view_by_the_formula

from normalise.stages.clean import stage
from normalise.stages.clean.content import Features
from normalise.stages.clean.matching import CHARS_PER_LITERAL, RuleSet, Subject, required_literals
from normalise.stages.clean.rules import ANYWHERE, first_match, plain_view, plain_view_and_words
from normalise.text.reflow import HEADING, Block, split_blocks

# Every kind of white space next to words, emphasis, brackets and letters without case.
SPACES = [" ", "  ", "\t", "\n", "\u00a0", "\u2003", "\u3000", "\x1c", "\x85", "\u2028"]
PIECES = ["word", "WORD", "**", "\\_", "(", ")", "[", "]", "<b>", "</b>", "é", "中", "ⓐ", "·", "*"]
TEXT = st.lists(st.sampled_from(SPACES + PIECES), max_size=12).map("".join)


@settings(max_examples=500, deadline=None)
@given(TEXT)
def test_plain_view_and_its_words_answer_the_formula_whatever_the_spaces(text):
    view = _plain_view_by_the_formula(text)
    assert plain_view(text) == view
    assert plain_view_and_words(text) == (view, len(view.split()))


def test_plain_view_words_of_the_test_documents():
    for text in DOCUMENTS:
        for block in split_blocks(text):
            view = _plain_view_by_the_formula(block.text)
            assert plain_view_and_words(block.text) == (view, len(view.split()))


def _tail_heading_by_the_formula(block: Block) -> bool:
    if block.marked:
        return True
    text = block.text
    letters = [char for char in text if char.isalpha()]
    return (
        len(letters) >= stage.CAPS_HEADING_MIN_LETTERS
        and len(text.split()) >= 2
        and all(char.isupper() for char in letters)
        and not stage._FINISHED.search(text)
    )


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(["LO MÁS", "VISTO", "news", "Dalle", "中文", "ⓐ", "ǅ", " ", "."]),
                max_size=6).map("".join), st.booleans())  # fmt: skip
def test_tail_heading_answers_the_formula(text, marked):
    block = Block("paragraph", text, 0, 0, [text], marked=marked)
    assert stage._tail_heading(block) == _tail_heading_by_the_formula(block)


def _remove_label_list_by_the_formula(blocks, feats, label, removed) -> None:
    following = [i for i in range(label + 1, len(blocks)) if i not in removed]
    for position, index in enumerate(following):
        if feats[index].is_prose or stage.is_dateline(blocks[index]):
            return
        if blocks[index].kind == HEADING:
            after = following[position + 1] if position + 1 < len(following) else None
            if after is not None and feats[after].is_prose:
                return
        removed[index] = stage.LABEL_LIST


# Blocks of every kind the walk tells apart: prose, headings, datelines, short links.
KINDS = [
    "# Section heading",
    "The council approved the new budget on Tuesday after a long debate in the hall.",
    "WASHINGTON",
    "Read the full story",
    "- Another link",
    "## More news",
]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.sampled_from(KINDS), min_size=1, max_size=10),
    st.data(),
)
def test_label_list_answers_the_formula(kinds, data):
    blocks = split_blocks("\n\n".join(kinds))
    label = data.draw(st.integers(0, len(blocks) - 1))
    before = data.draw(st.sets(st.integers(0, len(blocks) - 1)))
    removed = {index: stage.NAVIGATION for index in before}
    expected = dict(removed)
    _remove_label_list_by_the_formula(blocks, Features(blocks), label, expected)
    stage._remove_label_list(blocks, Features(blocks), label, removed)
    assert removed == expected


def test_label_lists_in_the_test_documents_answer_the_formula():
    for text in DOCUMENTS:
        blocks = split_blocks(text)
        for label in range(len(blocks)):
            removed: dict[int, stage.Verdict] = {}
            expected: dict[int, stage.Verdict] = {}
            stage._remove_label_list(blocks, Features(blocks), label, removed)
            _remove_label_list_by_the_formula(blocks, Features(blocks), label, expected)
            assert removed == expected


def test_long_texts_searched_for_their_few_literals_answer_first_match():
    """A long text that few rules' literals matter to is searched for those alone
    (:func:`matching._first_holding`): the answers are still :func:`first_match`'s, with
    each rule's literal at the start, inside, at the end, in capitals."""
    rule_set = RuleSet(RULES)
    anywhere = tuple(rule for rule in RULES if rule.where == ANYWHERE)
    held, matched = 0, 0
    for rule in RULES:
        for literal in sorted(required_literals(rule.regex.pattern, rule.regex.flags) or ()):
            for words in (rule.max_words - 2, rule.max_words):
                filler = ["internationalisation"] * max(words - len(literal.split()), 0)
                for place in (0, len(filler) // 2, len(filler)):
                    for variant in (literal, literal.upper()):
                        text = " ".join([*filler[:place], variant, *filler[place:]])
                        subject = Subject(text)
                        checks, plain, count = rule_set._anywhere.for_subject(subject)
                        if len(plain) < len(checks) and count * CHARS_PER_LITERAL < len(text):
                            held += 1
                        found = rule_set.anywhere(subject)
                        assert found == first_match(anywhere, text), text
                        matched += found is not None
                        assert rule_set.match_knowing(subject, found) == first_match(RULES, text)
                        assert rule_set.match(text) == first_match(RULES, text)
    assert held > 100 and matched > 20
