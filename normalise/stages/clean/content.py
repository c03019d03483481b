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
from dataclasses import dataclass

from ...text.reflow import HEADING, Block

# Prose: at least this many words and a sentence end, or a short sentence that ends the block.
PROSE_MIN_WORDS = 8
SENTENCE_MIN_WORDS = 3
# Every non-prose block costs at least this much: a run of one-word menu lines adds up.
MIN_PENALTY = 3
TITLE_BLOCKS = 2
# A block made of many lines averaging fewer words than this is a menu that reflow joined.
MENU_WORDS_PER_LINE = 4

_SENTENCE_END = re.compile(r"""[.!?…]["'”’»)\]]*(\s|$)""")
_LINK_LIKE = re.compile(
    r"https?://|www\.|\S+@\S+\.\w+|(^|\s)@\w+|\s[|•·»›]\s|^\W*$",
)


@dataclass(frozen=True)
class BlockFeatures:
    words: int
    lines: int
    sentences: int
    link_like: bool
    ends_sentence: bool

    @property
    def words_per_line(self) -> float:
        return self.words / max(self.lines, 1)

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
    return BlockFeatures(
        words=len(text.split()),
        lines=len(block.lines),
        sentences=len(_SENTENCE_END.findall(text)),
        link_like=bool(_LINK_LIKE.search(text)),
        ends_sentence=bool(_SENTENCE_END.search(text[-4:])),
    )


def block_score(feature: BlockFeatures) -> int:
    """Positive for prose (its words), negative for everything else."""
    if feature.is_prose:
        return feature.words
    return -max(MIN_PENALTY, feature.words)


def _stands_alone(blocks: list[Block], index: int) -> bool:
    """Is the block set off by a blank line before it (a title), not one line of a menu?"""
    return index == 0 or blocks[index].first_line > blocks[index - 1].last_line + 1


def main_run(
    blocks: list[Block], excluded: set[int] = frozenset(), neutral: set[int] = frozenset()
) -> tuple[int, int] | None:
    """The [start, end) range of blocks holding the article, or None if there is no prose.

    ``excluded`` blocks (removed by an "anywhere" rule) count as chrome. ``neutral`` blocks
    (matched by an edge rule, which the caller peels off the ends) count for nothing if they
    are prose, so that a sentence about cookies neither splits an article nor makes one; a
    short matched block ("Most popular", "By Jane Smith") is chrome as usual.
    """
    best, best_range = 0, None
    total, start = 0, 0
    for index, block in enumerate(blocks):
        score = block_score(features(block))
        if index in excluded:
            score = -max(MIN_PENALTY, abs(score))
        elif index in neutral:
            score = 0 if score > 0 else score
        if total <= 0:
            total, start = 0, index
        total += score
        if total > best:
            best, best_range = total, (start, index + 1)
    if best_range is None:
        return None
    start, end = best_range
    titles, index = 0, start - 1
    while index >= 0 and titles < TITLE_BLOCKS and index not in excluded:
        if index in neutral and not features(blocks[index]).is_prose:
            index -= 1  # a byline or date line between the title and the body
        elif blocks[index].kind == HEADING and _stands_alone(blocks, index):
            start, titles, index = index, titles + 1, index - 1
        else:
            break
    return start, end
