"""Where is the article? A content-block model for plain text, without a DOM.

Text copied from a whole web page is mostly chrome: menus, link lists, teasers, footers. The
article is the largest dense run of prose: long blocks of punctuated sentences. Chrome is runs
of short, unpunctuated or link-like lines. So each block gets a score (its word count when it
is prose, minus its weight when it is not) and the main content is the contiguous run of
blocks with the highest total (a maximum-sum segment). Short blocks *inside* the run (a
sub-heading, a date line, a lone "Advertisement") cost less than the prose around them gains,
so the run bridges them; a menu of forty links outweighs any paragraph, so the run stops there.

Text that is already an article (the seeds) is prose from end to end: the run is the whole
document and nothing is removed on density grounds. Up to :data:`TITLE_BLOCKS` headings right
before the run are kept too: they are the article's title and kicker.
"""

from __future__ import annotations

import re
from collections.abc import Container, Sequence
from dataclasses import dataclass

from ...text.reflow import HEADING, Block

# Prose: at least this many words and a sentence end, or a short sentence that ends the block.
PROSE_MIN_WORDS = 8
SENTENCE_MIN_WORDS = 3
# Running text without a final full stop (a standfirst, a paragraph the site left open): at
# least this many words, most of them in lower case (a menu or a list of names is capitalised).
RUNNING_MIN_WORDS = 15
# After the article, where teaser headlines sit, running text must be paragraph-long.
TRAILING_RUNNING_MIN_WORDS = 20
RUNNING_LOWER_SHARE = 0.6
# Every non-prose block costs at least this much: a run of one-word menu lines adds up.
MIN_PENALTY = 3
TITLE_BLOCKS = 2
# A block made of many lines averaging fewer words than this is a menu that reflow joined.
MENU_WORDS_PER_LINE = 4

_SENTENCE_END = re.compile(r"""[.!?…]["'”’»)\]]*(\s|$)""")
_LINK_LIKE = re.compile(
    r"https?://|www\.|\S+@\S+\.\w+|(^|\s)@\w+|\s[|•·»›]\s|^\W*$",
)
# What each branch of _LINK_LIKE needs, but ^\W*$, which needs no word character at all:
# a text without any of them is not link-like, found in one quick scan.
_LINK_MARKS = re.compile(r"http|www\.|@|[|•·»›]")
_WORD_CHAR = re.compile(r"\w")


@dataclass(frozen=True)
class BlockFeatures:
    words: int
    lines: int
    sentences: int
    link_like: bool
    ends_sentence: bool
    lower_share: float = 0.0
    # Ends in a word or a closing quote, not in ";", ":" or "," (an item of a list, a lead-in).
    ends_open: bool = False

    @property
    def words_per_line(self) -> float:
        return self.words / max(self.lines, 1)

    @property
    def is_running(self) -> bool:
        """Running text that is not punctuated prose: long, mostly in lower case, not a menu
        (a standfirst or a paragraph without its final full stop). It neither makes nor breaks
        an article, but one next to the article belongs to it."""
        return (
            not self.is_prose
            and not self.link_like
            and self.words >= RUNNING_MIN_WORDS
            and self.lower_share >= RUNNING_LOWER_SHARE
            and self.words_per_line >= MENU_WORDS_PER_LINE
            and not self.ends_open
        )

    @property
    def is_prose(self) -> bool:
        """A block of running text: long enough, punctuated, not a joined list of links."""
        if self.link_like or self.sentences == 0:
            return False
        if self.words < (SENTENCE_MIN_WORDS if self.ends_sentence else PROSE_MIN_WORDS):
            return False
        return self.lines < 3 or self.words_per_line >= MENU_WORDS_PER_LINE


def features(block: Block) -> BlockFeatures:
    text = block.text
    words = text.split()
    lower = sum(map(str.islower, [word[0] for word in words]))
    return BlockFeatures(
        words=len(words),
        lines=len(block.lines),
        sentences=len(_SENTENCE_END.findall(text)),
        link_like=_link_like(text),
        ends_sentence=bool(_SENTENCE_END.search(text[-4:])),
        lower_share=lower / max(len(words), 1),
        ends_open=text.rstrip()[-1:] in (";", ":", ",", "-", "–"),
    )


class Features(Sequence[BlockFeatures]):
    """The features of each block of a document, each computed once and only when asked:
    the stage reads them in several places, and on the HTML path for a few blocks only."""

    def __init__(self, blocks: Sequence[Block]) -> None:
        self.blocks = blocks
        self._known: list[BlockFeatures | None] = [None] * len(blocks)

    def __len__(self) -> int:
        return len(self.blocks)

    def __getitem__(self, index: int) -> BlockFeatures:  # type: ignore[override]
        known = self._known[index]
        if known is None:
            known = self._known[index] = features(self.blocks[index])
        return known


def _link_like(text: str) -> bool:
    """``_LINK_LIKE.search(text)``, searched only where it may match."""
    if _LINK_MARKS.search(text) is None and _WORD_CHAR.search(text) is not None:
        return False
    return _LINK_LIKE.search(text) is not None


def block_score(feature: BlockFeatures) -> int:
    """Positive for prose (its words), negative for everything else."""
    if feature.is_prose:
        return feature.words
    return -max(MIN_PENALTY, feature.words)


def _stands_alone(blocks: list[Block], index: int) -> bool:
    """Is the block set off by a blank line before it (a title), not one line of a menu?"""
    return index == 0 or blocks[index].first_line > blocks[index - 1].last_line + 1


def _trailing_paragraph(feature: BlockFeatures) -> bool:
    return feature.is_running and feature.words >= TRAILING_RUNNING_MIN_WORDS


def _between_prose(feats: Sequence[BlockFeatures], index: int) -> bool:
    return 0 < index < len(feats) - 1 and feats[index - 1].is_prose and feats[index + 1].is_prose


def main_run(
    blocks: list[Block],
    excluded: Container[int] = frozenset(),
    neutral: Container[int] = frozenset(),
    feats: Sequence[BlockFeatures] | None = None,
) -> tuple[int, int] | None:
    """The [start, end) range of blocks holding the article, or None if there is no prose.

    ``excluded`` blocks (removed by an "anywhere" rule) count as chrome. ``neutral`` blocks
    (matched by an edge rule, which the caller peels off the ends) count for nothing if they
    are prose, so that a sentence about cookies neither splits an article nor makes one; a
    short matched block ("Most popular", "By Jane Smith") is chrome as usual. ``neutral`` is
    asked only about the blocks where the answer counts (the caller may compute it lazily).
    ``feats``: the blocks' features, if the caller has them.
    """
    if feats is None:
        feats = [features(block) for block in blocks]
    best, best_range = 0, None
    total, start = 0, 0
    for index in range(len(blocks)):
        feature = feats[index]
        score = block_score(feature)
        if feature.is_running and _between_prose(feats, index):
            # A paragraph without its full stop inside the article costs what a sub-heading
            # does, however long it is.
            score = -MIN_PENALTY
        if index in excluded:
            score = -max(MIN_PENALTY, abs(score))
        elif score > 0 and index in neutral:
            score = 0
        if total <= 0:
            total, start = 0, index
        total += score
        if total > best:
            best, best_range = total, (start, index + 1)
    if best_range is None:
        return None
    start, end = best_range
    # Running text right next to the article is its own: a standfirst, a last paragraph that
    # lacks its full stop (not a teaser headline: it is paragraph-long).
    while end < len(blocks) and end not in excluded and _trailing_paragraph(feats[end]):
        end += 1
    while start > 0 and start - 1 not in excluded and feats[start - 1].is_running:
        start -= 1
    titles, index = 0, start - 1
    while index >= 0 and titles < TITLE_BLOCKS and index not in excluded:
        if not feats[index].is_prose and index in neutral:
            index -= 1  # a byline or date line between the title and the body
        elif blocks[index].kind == HEADING and _stands_alone(blocks, index):
            start, titles, index = index, titles + 1, index - 1
        else:
            break
    return start, end
